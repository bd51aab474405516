"""Anything a stranger can send, through the real bot and the local Bot API server: every
reply is valid Telegram HTML (the server refuses anything else), nothing raises, and what
is not a question for this bot gets no reply at all."""

from __future__ import annotations

import logging

import pytest

from bot.render import printable
from tests.conftest import BOT_USERNAME
from tests.fake_telegram import eventually
from tests.fake_telegram.text_format import parse_html

pytestmark = [pytest.mark.e2e, pytest.mark.model]

USER = 3001
GROUP = dict(chat_type="supergroup", chat_id=-100555, chat_title="Strangers")
TWEET = "join me for a conversation"


@pytest.fixture
async def bot(fake_api, start_bot, caplog):
    """The running bot; after the test, no error was logged and every call the bot made succeeded."""
    caplog.set_level(logging.WARNING)
    app = await start_bot()
    yield app
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors
    failed = [(c.method, c.error_code) for c in fake_api.calls if not c.ok and c.method != "getUpdates"]
    assert not failed


async def idle(app, api) -> None:
    journal = app.bot_data["services"].journal
    await eventually(lambda: api.pending_updates() == 0 and not journal.pending, what="the bot to be idle")


async def reply_to(api, text: str, **sender) -> str:
    api.send_message(text, **{"user_id": USER, **sender})
    return (await api.wait_for_reply(sender.get("chat_id") or sender.get("user_id") or USER, timeout=30)).params["text"]


async def no_reply(app, api, send) -> None:
    mark = api.mark()
    send()
    await idle(app, api)
    assert [c.method for c in api.calls[mark:] if c.method in ("sendMessage", "editMessageText")] == []


@pytest.mark.parametrize("text", ["   ", "\n\t \n", "\u200b\u200b", "\x00\x01\x02"])
async def test_empty_and_blank_messages_get_a_hint(fake_api, bot, text):
    assert "Send me a question" in await reply_to(fake_api, text)


async def test_a_10000_character_message_is_refused_politely(fake_api, bot):
    assert "too long" in await reply_to(fake_api, "Why? " * 2000)


@pytest.mark.parametrize(
    "question",
    [
        "What did Musk\x00 tweet\x07 to Putin?\x1b[31m",  # control characters
        "What did Musk tweet to Putin? \u202eniktuP",  # a right-to-left override
        "ماذا غرد ماسك لبوتين؟",  # Arabic, right to left
        "Что Musk написал Путину? 马斯克 🇷🇺",  # mixed scripts
        "🚀🚀 What did Musk tweet to Putin? 👍🏽👨‍👩‍👧",  # emoji, skin tones, ZWJ sequences
        "<b>What</b> did <a href=\"javascript:alert(1)\">Musk</a> tweet &amp; &lt;to&gt; Putin?",
        "What did `Musk` tweet to *Putin*? _really_ [link](http://example.org) ```code```",
        "What did Musk tweet to Putin? </blockquote></b><pre>&#x3C;&nbsp;&",
    ],
)
async def test_odd_questions_get_a_valid_reply_that_echoes_them_faithfully(fake_api, bot, question):
    fake_api.send_message(question, user_id=USER)
    answer = await fake_api.wait_for_reply(USER, timeout=30)  # the server accepted its HTML
    markup = answer.params.get("reply_markup") or {}
    data = [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
    more = [d for d in data if d.startswith("more:")]
    if not more:
        assert "couldn't find the answer" in answer.params["text"]
        return
    fake_api.press_button(answer, more[0], user_id=USER)
    echoed = await fake_api.wait_for_reply(USER, timeout=30)  # repeats the question in italics
    plain, _ = parse_html(echoed.params["text"])
    assert printable(question).strip() in plain  # escaped on the way out, unescaped by Telegram
    await idle(bot, fake_api)


async def test_commands_for_another_bot_are_not_ours(fake_api, bot):
    await no_reply(bot, fake_api, lambda: fake_api.send_message("/start@otherbot", user_id=USER))
    await no_reply(bot, fake_api, lambda: fake_api.send_message("/start@otherbot", user_id=USER, **GROUP))
    await no_reply(bot, fake_api, lambda: fake_api.send_message("/ask@otherbot What did Musk tweet?", **GROUP))
    assert "/ask" in await reply_to(fake_api, f"/help@{BOT_USERNAME}", **GROUP)
    assert "I don't know that command" in await reply_to(fake_api, "/frobnicate")


async def test_edited_messages_are_asked_again_only_where_addressed(fake_api, bot):
    chatter = fake_api.send_message("nice weather", user_id=USER, **GROUP)
    await idle(bot, fake_api)
    await no_reply(bot, fake_api, lambda: fake_api.edit_message(GROUP["chat_id"], chatter.message_id, "still nice"))
    mark = fake_api.mark()
    fake_api.edit_message(GROUP["chat_id"], chatter.message_id, f"@{BOT_USERNAME} What did Musk tweet to Putin?")
    assert TWEET in (await fake_api.wait_for_reply(GROUP["chat_id"], after=mark, timeout=30)).params["text"]


async def test_a_forwarded_message_is_a_question_like_any_other(fake_api, bot):
    text = await reply_to(fake_api, "What did Musk tweet to Putin?", forward_from_user_id=4242)
    assert TWEET in text


async def test_channel_posts_and_other_bots_are_ignored(fake_api, bot):
    ask = f"@{BOT_USERNAME} What did Musk tweet to Putin?"
    await no_reply(bot, fake_api, lambda: fake_api.send_channel_post(ask))
    await no_reply(bot, fake_api, lambda: fake_api.send_channel_post("/start"))
    await no_reply(bot, fake_api, lambda: fake_api.send_message(ask, user_id=8888, from_bot=True, **GROUP))
    await no_reply(bot, fake_api, lambda: fake_api.send_message("/start", user_id=8888, from_bot=True))
