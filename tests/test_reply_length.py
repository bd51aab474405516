"""How long a reply is on a phone before its quote is opened, for every question of the
shared dev set, with the real engine: under bot.render.VISIBLE_BUDGET (400) characters, as
Telegram counts them (the local Bot API server's parser). `benchmarks/reply_length.py`
prints the figures the README gives."""

from __future__ import annotations

import json

import pytest

from bot import replies
from bot.render import VISIBLE_BUDGET
from bot.reply import ChatContext, Reply
from tests.conftest import REPO
from tests.fake_telegram.text_format import format_message_text, utf16_len
from tests.fakes import open_services

pytestmark = pytest.mark.model
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"


def shown_closed(html: str) -> int:
    text, entities = format_message_text(html, "HTML")
    return utf16_len(text) - sum(e.length for e in entities if e.type == "expandable_blockquote")


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} not found (the shared eval sets sit beside the checkout)")
async def test_every_dev_question_gets_a_reply_under_the_visible_budget(bot_engine, tmp_path):
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open_services(tmp_path, rate_limit_per_minute=1000) as services:
        lengths = {}
        for number, question in enumerate(questions):
            reply = await replies.answer_question(question, ChatContext(number, chat_id=number), bot_engine, services)
            assert isinstance(reply, Reply)
            lengths[question] = shown_closed(reply.html)
        await services.question_log.flush()
    assert len(lengths) == len(questions) >= 20
    assert {q: n for q, n in lengths.items() if n >= VISIBLE_BUDGET} == {}
