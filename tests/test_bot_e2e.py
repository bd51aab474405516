"""The real bot end to end: PTB polling a local fake Bot API over HTTP, the real model and index."""

from __future__ import annotations

import json
import logging
import shutil
import time

import pytest

from index.corpus import read_corpus
from tests.conftest import BOT_TOKEN, BOT_USERNAME, REPO

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ALICE, BOB, CAROL = 1001, 1002, 1003
TWEET = "would you like to join me for a conversation on Clubhouse"
# The article's own examples (its front matter), which /start offers.
[EXAMPLES] = [article.examples for article in read_corpus(REPO / "corpus")]


def json_param(call, name: str):
    value = call.params.get(name)
    return json.loads(value) if isinstance(value, str) else value


def buttons(call) -> list[str]:
    markup = json_param(call, "reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def sent_text(call) -> str:
    return call.params["text"]


def is_answer(call) -> bool:
    """An answer: its sentence in bold first, and the article it comes from."""
    return call.params["text"].startswith("<b>") and "📰" in call.params["text"]


async def edit_of(api, sent, containing: str):
    """The edit of message `sent` whose new text contains `containing`."""

    def matches(call) -> bool:
        return call.params["message_id"] == sent.result["message_id"] and containing in call.params["text"]

    return await api.wait_for_call("editMessageText", predicate=matches, timeout=60)


async def ask(api, text: str, user_id: int = ALICE, **sender):
    api.send_message(text, user_id=user_id, **sender)
    return await api.wait_for_reply(sender.get("chat_id") or user_id)


async def test_start_lists_the_article_and_example_buttons_that_ask(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, "/start")
    assert "Why Is Everyone Talking About" in sent_text(reply)
    assert buttons(reply) == [f"ex:en:{i}" for i in range(len(EXAMPLES))] and len(EXAMPLES) == 4
    fake_api.press_button(reply, "ex:en:0")
    answer = await fake_api.wait_for_reply(ALICE)
    assert sent_text(answer).startswith(f"❓ <i>{EXAMPLES[0]}</i>\n\n<b>") and TWEET in sent_text(answer)
    assert fake_api.callback_answers
    commands = await fake_api.wait_for_call("setMyCommands")
    assert "ask" in json.dumps(commands.params)


async def test_question_is_answered_in_html_with_bold_sentence_and_buttons(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, "What did Musk tweet to Putin?")
    text = sent_text(reply)
    assert reply.params.get("parse_mode") == "HTML"
    assert text.startswith("<b>") and TWEET in text and "📰" in text
    data = buttons(reply)
    assert [d.split(":")[0] for d in data] == ["more", "vote", "vote"]
    assert data[1].endswith(":up") and data[2].endswith(":down")


async def test_more_passages_shows_other_passages(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, "How many downloads does Clubhouse have?")
    more = next(d for d in buttons(reply) if d.startswith("more:"))
    fake_api.press_button(reply, more)
    others = await fake_api.wait_for_reply(ALICE)
    assert others.params["text"].count("📰") >= 2 and "<b>2.</b> <b>" in others.params["text"]
    assert "5 million downloads" not in others.params["text"]  # the first passage is not repeated


async def test_vote_is_stored_without_user_id(fake_api, start_bot, tmp_path):
    app = await start_bot()
    reply = await ask(fake_api, "How many downloads does Clubhouse have?", user_id=987654321)
    down = next(d for d in buttons(reply) if d.endswith(":down"))
    fake_api.press_button(reply, down, user_id=987654321)
    await fake_api.wait_for_call("answerCallbackQuery", predicate=lambda c: "Thanks" in c.params.get("text", ""))
    [vote] = app.bot_data["services"].state.votes()
    assert vote.vote == "down" and vote.question == "How many downloads does Clubhouse have?"
    assert "5 million downloads" in vote.passage and vote.position >= 1 and vote.article_title
    assert "987654321" not in repr(vote)


async def test_unanswerable_question_says_so_without_a_quote(fake_api, start_bot):
    await start_bot()
    reply = await ask(fake_api, "Who wrote Hamlet?")
    text = sent_text(reply)
    assert "couldn't find" in text and "<blockquote" not in text
    [*examples, closest] = buttons(reply)  # the example questions, then "The closest passage"
    assert examples == [f"ex:en:{i}" for i in range(len(EXAMPLES))] and closest.startswith("near:")


async def test_group_answers_only_mentions_replies_and_ask(fake_api, start_bot):
    await start_bot()
    group = dict(chat_type="supergroup", chat_id=-100123, chat_title="Friends")
    mark = fake_api.mark()
    fake_api.send_message("What did Musk tweet to Putin?", **group)
    with pytest.raises(TimeoutError):
        await fake_api.wait_for_call("sendMessage", after=mark, timeout=1.5)

    mentioned = await ask(fake_api, f"@{BOT_USERNAME} How many downloads does Clubhouse have?", **group)
    assert "5 million downloads" in sent_text(mentioned)
    bot_message_id = mentioned.result["message_id"]
    replied = await ask(fake_api, "What did Musk tweet to Putin?", reply_to_message_id=bot_message_id, **group)
    assert TWEET in sent_text(replied)
    asked = await ask(fake_api, f"/ask@{BOT_USERNAME} How many downloads does Clubhouse have?", **group)
    assert "5 million downloads" in sent_text(asked)
    private = await ask(fake_api, "/ask How many downloads does Clubhouse have?")
    assert "5 million downloads" in sent_text(private)


async def test_inline_mode_returns_passages(fake_api, start_bot):
    await start_bot()
    fake_api.inline_query("How many downloads does Clubhouse have?")
    call = await fake_api.wait_for_call("answerInlineQuery")
    results = json_param(call, "results")
    assert results and results[0]["type"] == "article"
    assert "5 million downloads" in results[0]["input_message_content"]["message_text"]
    mark = fake_api.mark()
    fake_api.inline_query("   ")
    empty = await fake_api.wait_for_call("answerInlineQuery", after=mark)
    assert json_param(empty, "results") == [] and json_param(empty, "button")["start_parameter"]
    # Two questions in one query: one result each, under its question.
    mark = fake_api.mark()
    fake_api.inline_query("How many downloads does Clubhouse have? Who is Vlad Tenev?")
    downloads, tenev = json_param(await fake_api.wait_for_call("answerInlineQuery", after=mark), "results")
    assert downloads["description"] == "How many downloads does Clubhouse have?"
    assert "5 million downloads" in downloads["input_message_content"]["message_text"]
    assert tenev["description"] == "Who is Vlad Tenev?" and "CEO of Robinhood" in tenev["input_message_content"]["message_text"]


async def test_sticker_gets_a_hint_and_long_question_is_refused(fake_api, start_bot):
    await start_bot(max_question_chars=50)
    fake_api.send_sticker(user_id=ALICE)
    assert "text" in sent_text(await fake_api.wait_for_reply(ALICE))
    reply = await ask(fake_api, "Why " * 30)
    assert "too long" in sent_text(reply) and not is_answer(reply)


async def test_html_in_a_question_does_not_break_the_reply(fake_api, start_bot):
    await start_bot()
    for question in ("<b>&amp;", "</blockquote><i>"):
        assert (await ask(fake_api, f"/ask {question}")).ok  # the fake answers 400 to malformed HTML
    question = "What did Musk tweet to <Putin> & co?"
    reply = await ask(fake_api, question)
    fake_api.press_button(reply, next(d for d in buttons(reply) if d.startswith("more:")))
    more = await fake_api.wait_for_reply(ALICE)  # it repeats the question
    assert more.ok and "&lt;Putin&gt; &amp; co?" in sent_text(more)
    assert question in more.result["text"]


async def test_rate_limit_per_user_does_not_slow_others(fake_api, start_bot):
    await start_bot(rate_limit_per_minute=2)
    for _ in range(2):
        assert is_answer(await ask(fake_api, "How many downloads does Clubhouse have?"))
    limited = await ask(fake_api, "How many downloads does Clubhouse have?")
    assert "try again in" in sent_text(limited)
    other = await ask(fake_api, "How many downloads does Clubhouse have?", user_id=BOB)
    assert is_answer(other)


async def test_allow_list_refuses_others(fake_api, start_bot):
    await start_bot(allowed_user_ids=[ALICE])
    assert is_answer(await ask(fake_api, "How many downloads does Clubhouse have?"))
    assert "private" in sent_text(await ask(fake_api, "How many downloads does Clubhouse have?", user_id=CAROL))
    fake_api.inline_query("How many downloads does Clubhouse have?", user_id=CAROL)
    call = await fake_api.wait_for_call("answerInlineQuery")
    assert json_param(call, "results") == []


@pytest.fixture
def corpus_copy(bot_index, tmp_path):
    """A private corpus and index, since /reindex rewrites them."""
    corpus, index = bot_index
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index")
    return tmp_path / "corpus", tmp_path / "index"


SECOND_ARTICLE = """---
title: Town Council Approves New Bicycle Lanes
source: test fixture
---

The town council voted on Tuesday to build twelve kilometres of protected bicycle lanes along the river.

Construction of the bicycle lanes will start in March and is expected to cost four million euros.
"""


async def test_admin_reindex_serves_the_new_index_without_restart(fake_api, start_bot, corpus_copy):
    corpus, index = corpus_copy
    app = await start_bot(corpus_dir=corpus, index_dir=index, admin_user_ids=[ALICE])
    old_engine = app.bot_data["engine"]
    (corpus / "bicycles.md").write_text(SECOND_ARTICLE, encoding="utf-8")

    refused = await ask(fake_api, "/reindex", user_id=BOB)
    assert "only" in sent_text(refused)

    status = await ask(fake_api, "/reindex")
    assert "Rebuilding" in sent_text(status)
    assert "already running" in sent_text(await ask(fake_api, "/reindex"))  # one rebuild at a time
    done = await edit_of(fake_api, status, "Built")
    assert "passages in" in done.params["text"]
    assert app.bot_data["engine"] is not old_engine
    answer = await ask(fake_api, "How much will the bicycle lanes cost?")
    assert "four million euros" in sent_text(answer)


async def test_failed_reindex_keeps_the_old_engine_and_tells_the_admin(fake_api, start_bot, corpus_copy):
    corpus, index = corpus_copy
    app = await start_bot(corpus_dir=corpus, index_dir=index, admin_user_ids=[ALICE])
    old_engine = app.bot_data["engine"]
    shutil.rmtree(corpus)
    status = await ask(fake_api, "/reindex")
    failed = await edit_of(fake_api, status, "failed")
    assert "does not exist" in failed.params["text"] and "\n" not in failed.params["text"]
    assert app.bot_data["engine"] is old_engine
    assert TWEET in sent_text(await ask(fake_api, "What did Musk tweet to Putin?"))
    assert "Rebuilding" in sent_text(await ask(fake_api, "/reindex"))  # the slot was released


async def test_token_never_appears_in_logs(fake_api, start_bot, caplog):
    from bot.logs import REDACTED, install_redaction

    factory = logging.getLogRecordFactory()
    try:
        install_redaction([BOT_TOKEN])
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="httpx")  # httpx logs request URLs, which hold the token
        caplog.set_level(logging.DEBUG, logger="aiohttp")  # the Bot API client
        await start_bot()
        await ask(fake_api, "/start")
        await ask(fake_api, "What did Musk tweet to Putin?")
        await ask(fake_api, "/about")
    finally:
        logging.setLogRecordFactory(factory)
    assert "getUpdates" in caplog.text and REDACTED in caplog.text
    assert BOT_TOKEN not in caplog.text


async def test_about_and_help(fake_api, start_bot):
    await start_bot(admin_user_ids=[ALICE])
    about = sent_text(await ask(fake_api, "/about"))
    assert "Passages: 6" in about and "all-MiniLM-L6-v2" in about and "Index built" in about
    assert "/reindex" in sent_text(await ask(fake_api, "/help"))


class BrokenEngine:
    """Fails every question, as a bug in the engine would."""

    def __init__(self, engine) -> None:
        self.manifest = engine.manifest
        self.passages = engine.passages

    def ask(self, question, top_k=None, history=()):
        raise RuntimeError("boom")


async def test_errors_are_logged_with_traceback_and_the_user_is_told(fake_api, start_bot, bot_engine, caplog):
    await start_bot(engine_override=BrokenEngine(bot_engine))
    reply = await ask(fake_api, "What did Musk tweet to Putin?")
    assert "something went wrong" in sent_text(reply)
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


class SlowEngine:
    """Takes its time over every question, as a busy machine would."""

    def __init__(self, engine, seconds: float) -> None:
        self.engine, self.seconds = engine, seconds
        self.manifest = engine.manifest
        self.passages = engine.passages

    def ask(self, question, top_k=None, history=()):
        time.sleep(self.seconds)
        return self.engine.ask(question, top_k, history)


async def test_typing_is_shown_while_a_slow_search_works_and_never_after_the_answer(fake_api, start_bot, bot_engine):
    """The chat action goes out once the search has taken long enough to notice, and the reply
    waits for it: a chat action that arrived after the reply would show "typing…" under the answer."""
    await start_bot(engine_override=SlowEngine(bot_engine, 0.5), typing_after_seconds=0.2)
    fake_api.inject_faults("sendChatAction", delay=0.5, count=1)  # Telegram slow to take it
    mark = fake_api.mark()
    reply = await ask(fake_api, "What did Musk tweet to Putin?")
    assert TWEET in sent_text(reply)
    typing = [c for c in fake_api.calls[mark:] if c.method == "sendChatAction" and c.params["chat_id"] in (ALICE, str(ALICE))]
    assert len(typing) == 1 and typing[0].params["action"] == "typing"
    assert typing[0].index < reply.index


async def test_two_chats_interleave_follow_ups_and_each_gets_its_own(fake_api, start_bot):
    await start_bot()
    await ask(fake_api, "What did Musk write in Russian?", user_id=ALICE)
    await ask(fake_api, "How many downloads does Clubhouse have?", user_id=BOB)
    alice = sent_text(await ask(fake_api, "Who translated it?", user_id=ALICE))
    bob = sent_text(await ask(fake_api, "Which firm counted them?", user_id=BOB))
    assert "Google Translate" in alice and "about: What did Musk write in Russian?" in alice
    assert "App Annie" in bob and "about: How many downloads does Clubhouse have?" in bob
    # A change of topic is answered as if asked alone: no "about", the question's own passage.
    changed = sent_text(await ask(fake_api, "What did Musk tweet to Putin?", user_id=ALICE))
    assert TWEET in changed and "about:" not in changed


async def test_a_conversation_is_forgotten_after_a_quiet_while_and_on_start(fake_api, start_bot):
    import asyncio

    await start_bot(conversation_minutes=1.5 / 60)  # a second and a half
    await ask(fake_api, "What did Musk write in Russian?")
    assert "about:" in sent_text(await ask(fake_api, "Who translated it?"))
    await asyncio.sleep(2)
    assert "about:" not in sent_text(await ask(fake_api, "Who translated it?"))
    # A question that cannot be read without the turn before is not called unanswered.
    await asyncio.sleep(2)
    alone = sent_text(await ask(fake_api, "who is he?"))
    assert "not sure who or what you mean" in alone and "couldn't find" not in alone
    await ask(fake_api, "Who did Musk invite to Clubhouse?")
    assert "Vladimir Putin" in sent_text(await ask(fake_api, "who is he?"))
    await ask(fake_api, "What did Musk write in Russian?")
    await ask(fake_api, "/start")
    assert "about:" not in sent_text(await ask(fake_api, "Who translated it?"))
