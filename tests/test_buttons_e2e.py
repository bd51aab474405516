"""The buttons under an answer and the rate limit, end to end: the real bot polling the local
Bot API server over HTTP, with the real model and index. A vote changed and taken back (the
keyboard edited each time) and what was wrong after a 👎; "More passages" served once, its
button gone, and so "The closest passage" under a refusal; the rate-limit sequence with its log lines; and, with `python -m bot` as a
process, buttons pressed after a restart, and one whose answer is past keeping, and a question
edited after a restart editing its answer."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sqlite3
import time

import pytest

from bot import report, texts
from bot.i18n import translator
from bot.state import StateDB
from tests.bot_process import TOKEN, bot_env, spawn, started
from tests.conftest import BOT_USERNAME
from tests.fake_telegram import FakeBotApi, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ALICE, BOB = 1001, 1002
DOWNLOADS = "How many downloads does Clubhouse have?"
TWEET = "What did Musk tweet to Putin?"


def markup_of(call) -> dict:
    value = call.params.get("reply_markup") or {}
    return json.loads(value) if isinstance(value, str) else value


def labels(call) -> list[str]:
    return [b["text"] for row in markup_of(call).get("inline_keyboard", []) for b in row]


def data_of(call, prefix: str) -> str:
    return next(b["callback_data"] for row in markup_of(call)["inline_keyboard"] for b in row
                if b["callback_data"].startswith(prefix))  # fmt: skip


async def ask(api, text: str, user_id: int = ALICE, **sender):
    api.send_message(text, user_id=user_id, **sender)
    return await api.wait_for_reply(sender.get("chat_id") or user_id, timeout=60)


async def press(api, message, data: str, user_id: int = ALICE, **where):
    """Press a button; (the notice it got, the edit of the message's buttons that followed: one
    that changed them, not a "message is not modified" of a press handled again)."""
    mark = api.mark()
    query = api.press_button(message, data, user_id=user_id, **where)
    notice = await api.wait_for_call("answerCallbackQuery", after=mark, timeout=60,
                                     predicate=lambda c: c.params["callback_query_id"] == query)  # fmt: skip
    message_id = message.result["message_id"]
    edit = await api.wait_for_call("editMessageReplyMarkup", after=mark, timeout=60,
                                   predicate=lambda c: c.ok and c.params["message_id"] == message_id)  # fmt: skip
    return notice.params.get("text"), edit


async def test_a_vote_is_changed_and_taken_back_with_the_keyboard_edited_each_time(fake_api, start_bot):
    app = await start_bot()
    state = app.bot_data["services"].state
    answer = await ask(fake_api, DOWNLOADS)
    assert labels(answer) == ["More passages", "👍", "👎"]
    up, down = data_of(answer, "vote:").replace(":down", ":up"), data_of(answer, "vote:").replace(":up", ":down")

    notice, edit = await press(fake_api, answer, up)
    assert notice == texts.VOTE_COUNTED_UP and edit.ok and labels(edit) == ["More passages", "👍 1", "👎"]
    assert [v.vote for v in state.votes()] == ["up"]
    notice, edit = await press(fake_api, answer, up)  # the same button again: taken back
    assert notice == texts.VOTE_WITHDRAWN and labels(edit) == ["More passages", "👍", "👎"] and state.votes() == []
    await press(fake_api, answer, up)
    mark = fake_api.mark()
    notice, edit = await press(fake_api, answer, down)  # the other button: changed
    assert notice == texts.VOTE_COUNTED_DOWN and labels(edit) == ["More passages", "👍", "👎 1"]
    assert [v.vote for v in state.votes()] == ["down"]
    [stored] = [m for m in fake_api.messages(ALICE) if m["message_id"] == answer.result["message_id"]]
    shown = [b["text"] for row in stored["reply_markup"]["inline_keyboard"] for b in row]
    assert shown == ["More passages", "👍", "👎 1"]  # what the chat shows now

    # After the 👎, once: what was wrong? A reply to it is kept with the vote, not answered.
    prompt = await fake_api.wait_for_call("sendMessage", after=mark,
                                          predicate=lambda c: c.ok and "What was wrong" in c.params["text"])
    assert markup_of(prompt)["force_reply"] is True and markup_of(prompt)["input_field_placeholder"]
    assert prompt.result["reply_to_message"]["message_id"] == answer.result["message_id"]  # about that answer
    assert fake_api.reply_keyboard(ALICE)["force_reply"] is True
    mark = fake_api.mark()
    comment = "It gave downloads, I asked about users"
    thanks = await ask(fake_api, comment, reply_to_message_id=prompt.result["message_id"])
    assert thanks.params["text"] == texts.COMMENT_KEPT
    await asyncio.sleep(1)
    sent = [c.params["text"] for c in fake_api.calls[mark:] if c.method == "sendMessage"]
    assert sent == [texts.COMMENT_KEPT]  # and nothing else: neither an answer nor a refusal
    [vote] = state.votes()
    assert (vote.vote, vote.comment) == ("down", "It gave downloads, I asked about users")
    figures = report.build(state, 30)  # the operator's report: current votes and the comment
    assert (figures.headline.votes_up, figures.headline.votes_down) == (0, 1)
    assert figures.comments[0]["comment"] == "It gave downloads, I asked about users"
    # A reply to the bot's answer (not the prompt) is a question as usual.
    follow = await ask(fake_api, TWEET, reply_to_message_id=answer.result["message_id"])
    assert "<b>" in follow.params["text"]


async def test_votes_in_a_group_are_counted_per_member_without_a_prompt(fake_api, start_bot):
    await start_bot()
    group = dict(chat_type="supergroup", chat_id=-100123, chat_title="Friends")
    answer = await ask(fake_api, f"@{BOT_USERNAME} {DOWNLOADS}", **group)
    down = data_of(answer, "vote:").replace(":up", ":down")
    mark = fake_api.mark()
    _, edit = await press(fake_api, answer, down, user_id=ALICE)
    assert labels(edit)[1:] == ["👍", "👎 1"]
    _, edit = await press(fake_api, answer, down, user_id=BOB)
    assert labels(edit)[1:] == ["👍", "👎 2"]
    assert not [c for c in fake_api.calls[mark:] if c.method == "sendMessage"]  # no public "what was wrong?"


async def test_more_passages_is_served_once_and_its_button_goes(fake_api, start_bot, caplog):
    await start_bot()
    answer = await ask(fake_api, DOWNLOADS)
    more = data_of(answer, "more:")
    mark = fake_api.mark()
    fake_api.press_button(answer, more)
    fake_api.press_button(answer, more)  # pressed twice before the bot handled the first
    edit = await fake_api.wait_for_call("editMessageReplyMarkup", after=mark, timeout=60)
    assert labels(edit) == ["👍", "👎"]  # "More passages" gone, the votes kept
    await fake_api.wait_until(lambda: len(fake_api.callback_answers) == 2, timeout=30)
    await asyncio.sleep(1)
    posted = [c for c in fake_api.calls[mark:] if c.method == "sendMessage"]
    assert len(posted) == 1 and posted[0].params["text"].count("<b>") >= 2
    quoted = posted[0].params["reply_parameters"]
    quoted = json.loads(quoted) if isinstance(quoted, str) else quoted
    assert quoted["message_id"] == answer.result["message_id"]  # under the answer it continues
    assert [a.get("text") for a in fake_api.callback_answers] == [None, texts.MORE_ALREADY_SHOWN]
    with pytest.raises(ValueError, match="no button"):  # the button is no longer on the message
        fake_api.press_button(answer, more)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_closest_passage_under_a_refusal_is_served_once_and_its_button_goes(fake_api, start_bot, caplog):
    await start_bot()
    refusal = await ask(fake_api, "What is the capital of Peru?")
    assert "couldn't find the answer" in refusal.params["text"]
    closest = data_of(refusal, "near:")
    examples = [label for label in labels(refusal) if label != "🔎 The closest passage"]
    assert labels(refusal) == [*examples, "🔎 The closest passage"] and examples
    mark = fake_api.mark()
    fake_api.press_button(refusal, closest)
    fake_api.press_button(refusal, closest)  # pressed twice before the bot handled the first
    edit = await fake_api.wait_for_call("editMessageReplyMarkup", after=mark, timeout=60)
    assert labels(edit) == examples  # the button gone, the example questions kept
    await fake_api.wait_until(lambda: len(fake_api.callback_answers) == 2, timeout=30)
    await asyncio.sleep(1)
    posted = [c for c in fake_api.calls[mark:] if c.method == "sendMessage"]
    assert len(posted) == 1
    assert "It may not answer your question" in posted[0].params["text"] and "<b>" in posted[0].params["text"]
    quoted = posted[0].params["reply_parameters"]
    quoted = json.loads(quoted) if isinstance(quoted, str) else quoted
    assert quoted["message_id"] == refusal.result["message_id"]  # under the refusal it follows
    assert [a.get("text") for a in fake_api.callback_answers] == [None, texts.CLOSEST_ALREADY_SHOWN]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_rate_limit_sequence_one_refusal_per_flood_and_a_log_line_for_each(fake_api, start_bot, caplog):
    caplog.set_level(logging.INFO, logger="bot.replies")
    app = await start_bot(rate_limit_per_minute=2)
    alice = app.bot_data["services"].pseudonym(ALICE)
    first = await ask(fake_api, DOWNLOADS)  # question 1 of 2
    # Neither commands nor button presses count toward the limit.
    assert "Try one of these" in (await ask(fake_api, "/start")).params["text"]
    assert "/ask" in (await ask(fake_api, "/help")).params["text"]
    fake_api.press_button(await ask(fake_api, "/start"), "ex:en:1")
    assert "<b>" in (await fake_api.wait_for_reply(ALICE, timeout=60)).params["text"]
    fake_api.press_button(first, data_of(first, "more:"))
    assert "<b>" in (await fake_api.wait_for_reply(ALICE, timeout=60)).params["text"]
    await press(fake_api, first, data_of(first, "vote:"))
    assert "<b>" in (await ask(fake_api, TWEET)).params["text"]  # question 2 of 2

    caplog.clear()
    mark = fake_api.mark()
    for _ in range(4):  # a flood: one refusal, then silence, and a log line for every one
        fake_api.send_message(DOWNLOADS, user_id=ALICE)
    await eventually(lambda: sum("held back" in r.getMessage() for r in caplog.records) == 4, what="4 log lines")
    other = await ask(fake_api, DOWNLOADS, user_id=BOB)  # another user is not held up
    assert "<b>" in other.params["text"]
    to_alice = [c.params["text"] for c in fake_api.calls[mark:]
                if c.method == "sendMessage" and c.params["chat_id"] == ALICE]
    assert len(to_alice) == 1 and to_alice[0].startswith("Too many questions — try again in")
    held = [r.getMessage() for r in caplog.records if "held back" in r.getMessage()]
    assert all(r.levelno == logging.INFO for r in caplog.records if "held back" in r.getMessage())
    assert all(alice in line for line in held) and "told so" in held[0]
    assert all("already told" in line for line in held[1:]) and str(ALICE) not in caplog.text


async def test_buttons_pressed_after_a_restart_and_one_past_keeping(bot_index, tmp_path):
    """`python -m bot` as a process: an answer's buttons work after a SIGKILL and a new start,
    and a question edited then edits its answer; an answer older than ANSWER_BUTTONS_DAYS says
    why its button cannot be served."""
    async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
        env, log = bot_env(api, bot_index, tmp_path), tmp_path / "bot.log"
        env.update(LOG_LEVEL="INFO", ANSWER_BUTTONS_DAYS="2")
        first = spawn(env, tmp_path, log)
        try:
            await started(api, first, log)
            answer = await ask(api, DOWNLOADS)
            old = await ask(api, TWEET)
            edited_later = api.send_message("Who is Vlad Tenev?", user_id=ALICE)
            first_answer = await api.wait_for_reply(ALICE, timeout=60)
            _, edit = await press(api, answer, data_of(answer, "vote:").replace(":down", ":up"))
            assert labels(edit) == ["More passages", "👍 1", "👎"]
            first.send_signal(signal.SIGKILL)
            await asyncio.to_thread(first.wait, 30)
        finally:
            first.kill()
        # The second answer was kept three days ago, as far as the next run can tell.
        db = sqlite3.connect(tmp_path / "bot.sqlite3")
        key = data_of(old, "more:").removeprefix("more:")
        db.execute("UPDATE answers SET created_at = ? WHERE key = ?", (time.time() - 3 * 86_400, key))
        db.commit()
        db.close()

        second = spawn(env, tmp_path, log)
        try:
            await started(api, second, log)
            mark = api.mark()
            notice, edit = await press(api, answer, data_of(answer, "vote:").replace(":up", ":down"))
            assert notice == texts.VOTE_COUNTED_DOWN and labels(edit) == ["More passages", "👍", "👎 1"]
            prompt = await api.wait_for_call("sendMessage", after=mark, timeout=30,
                                             predicate=lambda c: "What was wrong" in c.params["text"])  # fmt: skip
            api.press_button(answer, data_of(answer, "more:"))
            more = await api.wait_for_call("sendMessage", after=prompt.index + 1, timeout=60)
            assert more.params["text"].count("<b>") >= 2 and DOWNLOADS in more.params["text"]
            mark = api.mark()
            api.press_button(old, data_of(old, "vote:"))
            expired = await api.wait_for_call("answerCallbackQuery", after=mark, timeout=30)
            assert expired.params["text"] == translator("en").plural(texts.EXPIRED, 2, days=2)
            # A question asked before the restart, edited now: its answer is edited, none added.
            mark = api.mark()
            api.edit_message(ALICE, edited_later.message_id, TWEET)
            edit = await api.wait_for_call("editMessageText", after=mark, timeout=60)
            assert edit.ok and int(edit.params["message_id"]) == first_answer.result["message_id"]
            assert "Vlad Tenev" in first_answer.params["text"] and "KremlinRussia_E" in edit.params["text"]
            assert not [c for c in api.calls[mark:] if c.method == "sendMessage"]
            second.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(second.wait, 60) == 0
        finally:
            second.kill()
    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    try:
        [vote] = state.votes()
        assert vote.vote == "down" and vote.question == DOWNLOADS  # changed after the restart, not added
    finally:
        state.close()
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]
