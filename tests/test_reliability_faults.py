"""The real bot against a Bot API that fails: 500s, 429s, slow answers, dropped connections,
and a server that goes away for a while. Every question is answered exactly once."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot import transport
from tests.fake_telegram import eventually
from tests.fake_telegram.server import DROPPED

pytestmark = [pytest.mark.e2e, pytest.mark.model]

QUESTION = "How many downloads does Clubhouse have?"
ANSWER = "5 million downloads"
USERS = (2001, 2002, 2003)


async def settled(app, api, chats, timeout: float = 30.0) -> None:
    """Every chat has a reply and the bot has no update left in hand."""
    journal = app.bot_data["services"].journal
    await eventually(
        lambda: all(api.messages(chat) for chat in chats) and not journal.pending and api.pending_updates() == 0,
        timeout, "all answered and nothing in flight",
    )  # fmt: skip


def assert_answered_once(api, chats, containing: str = ANSWER) -> None:
    for chat in chats:
        texts = [m["text"] for m in api.messages(chat)]
        assert len(texts) == 1, f"chat {chat} got {len(texts)} replies: {texts}"
        assert containing in texts[0]


def ask_all(api, chats, question: str = QUESTION) -> None:
    for chat in chats:
        api.send_message(question, user_id=chat, first_name=f"User{chat}")


async def test_500s_on_sends_are_retried_and_each_question_answered_once(fake_api, start_bot):
    app = await start_bot(typing_after_seconds=0)
    fake_api.inject_faults("sendMessage", status=500, count=4)
    fake_api.inject_faults("sendChatAction", status=503, count=2)
    ask_all(fake_api, USERS)
    await settled(app, fake_api, USERS)
    assert_answered_once(fake_api, USERS)
    failed = [c for c in fake_api.calls if c.method == "sendMessage" and c.error_code == 500]
    assert len(failed) == 4


async def test_429_waits_retry_after_then_sends_once(fake_api, start_bot):
    app = await start_bot()
    fake_api.inject_faults("sendMessage", status=429, retry_after=1, count=1)
    ask_all(fake_api, USERS[:1])
    await settled(app, fake_api, USERS[:1])
    assert_answered_once(fake_api, USERS[:1])
    sends = [c for c in fake_api.calls if c.method == "sendMessage"]
    assert [c.error_code for c in sends] == [429, None]
    assert sends[1].time - sends[0].time >= 1.0  # Telegram's retry_after was respected


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's own
async def test_polling_survives_a_lost_answer_429_and_slow_answers(fake_api, start_bot):
    app = await start_bot()
    await fake_api.wait_for_call("getUpdates", timeout=10)
    await fake_api.pause()  # so the questions wait for the first faulty getUpdates
    ask_all(fake_api, USERS)
    # PTB's polling loop retries getUpdates itself, and the offset only moves past updates
    # whose answer the bot received: a lost answer means the same updates again, not lost ones.
    fake_api.inject_faults("getUpdates", drop="after", count=1)  # updates handed out, answer lost
    fake_api.inject_faults("getUpdates", status=429, retry_after=1, count=1)
    fake_api.inject_faults("getUpdates", delay=1.0, count=1)
    await fake_api.resume()
    await settled(app, fake_api, USERS, timeout=45)
    assert_answered_once(fake_api, USERS)
    polls = [c for c in fake_api.calls if c.method == "getUpdates"]
    assert 429 in {c.error_code for c in polls}
    handed_out = [u["update_id"] for c in polls if c.ok for u in c.result]
    assert len(handed_out) > len(set(handed_out)) == len(USERS)  # handed out twice, handled once


async def test_slow_answers_from_telegram_change_nothing(fake_api, start_bot):
    app = await start_bot()
    fake_api.inject_faults(delay=1.0, count=8)  # the next 8 calls of any method
    ask_all(fake_api, USERS)
    await settled(app, fake_api, USERS)
    assert_answered_once(fake_api, USERS)


async def test_a_send_telegram_accepted_but_answered_too_late_is_not_repeated(
    fake_api, start_bot, monkeypatch, caplog
):
    # The classic duplicate: the bot times out, yet Telegram posted the message. Repeating
    # the send would post it twice, so sends are never repeated after a read timeout.
    monkeypatch.setattr(transport, "DEFAULT_TIMEOUTS", transport.Timeouts(read=0.5))
    app = await start_bot()
    fake_api.inject_faults("sendMessage", delay=1.5, count=1)
    ask_all(fake_api, USERS[:1])
    await settled(app, fake_api, USERS[:1])
    await eventually(lambda: "may or may not have been delivered" in caplog.text, what="warning")
    assert_answered_once(fake_api, USERS[:1])  # and no "something went wrong" after it
    assert len([c for c in fake_api.calls if c.method == "sendMessage"]) == 1


async def test_dropped_connections_repeat_what_is_safe_and_never_double_a_send(fake_api, start_bot, caplog):
    app = await start_bot(typing_after_seconds=0)
    # Lost answers to calls that are harmless to repeat: repeated.
    fake_api.inject_faults("sendChatAction", drop="after", count=1)
    fake_api.inject_faults("sendChatAction", drop="before", count=1)
    # The answer to a send is lost after Telegram posted it: not repeated, posted once.
    fake_api.inject_faults("sendMessage", drop="after", count=1)
    ask_all(fake_api, USERS[:2])
    await settled(app, fake_api, USERS[:2])
    assert_answered_once(fake_api, USERS[:2])
    assert "may or may not have been delivered" in caplog.text


async def test_a_send_lost_on_the_way_is_logged_not_guessed(fake_api, start_bot, caplog):
    """The price of never doubling a send: a connection that drops before Telegram got the
    request looks exactly like the case above, so that reply is lost, and logged."""
    app = await start_bot()
    fake_api.inject_faults("sendMessage", drop="before", count=1)
    ask_all(fake_api, USERS[:1])
    journal = app.bot_data["services"].journal
    await eventually(lambda: "may or may not have been delivered" in caplog.text and not journal.pending)
    assert fake_api.messages(USERS[0]) == []
    assert [c.error_code for c in fake_api.calls if c.method == "sendMessage"] == [DROPPED]


async def test_telegram_gone_for_a_while_then_back(fake_api, start_bot, caplog):
    caplog.set_level(logging.INFO)
    app = await start_bot(typing_after_seconds=0)
    early, late = USERS, (2101, 2102, 2103)
    fake_api.inject_faults("sendChatAction", delay=2.0, count=len(early))  # still handling when it goes
    ask_all(fake_api, early)
    journal = app.bot_data["services"].journal
    await eventually(lambda: len(journal.pending) == len(early), what="the early questions in hand")
    await fake_api.pause()  # connections refused, open ones (the slow chat actions) dropped
    ask_all(fake_api, late)  # sent while the bot cannot reach Telegram
    await asyncio.sleep(3.0)  # the outage
    await fake_api.resume()
    await settled(app, fake_api, early + late, timeout=60)
    assert_answered_once(fake_api, early + late)
    assert any(r.levelno == logging.WARNING and "attempt" in r.getMessage() for r in caplog.records)
    # and it carries on as usual
    ask_all(fake_api, (2201,), "What did Musk tweet to Putin?")
    await settled(app, fake_api, (2201,))
    assert_answered_once(fake_api, (2201,), "join me for a conversation")
