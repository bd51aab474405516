"""Fast tests of the retrying request layer and the update journal, without a network."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

from types import SimpleNamespace

import aiohttp
import pytest
from telegram import Update
from telegram.error import NetworkError, TimedOut

from bot import journal as journal_module
from bot.conflict import NO_UPDATES, ConflictWatch
from bot.journal import UpdateJournal
from bot.state import StateDB
from bot.update_queue import JournalBarrierRequest, JournalingUpdateProcessor, JournalingUpdateQueue
from bot.questions import AskedQuestion, QuestionStore
from bot.transport import RetryingRequest, RetryPolicy, may_repeat
from tests.conftest import REPO
from tests.fakes import make_passage

URL = "http://127.0.0.1:9/bot123:ABC/"
OK = (200, b'{"ok": true, "result": true}')


class ScriptedRequest:
    """An inner request that plays back a script of answers and errors."""

    def __init__(self, *script) -> None:
        self.script = list(script)
        self.calls = 0
        self.read_timeout = 5.0

    async def do_request(self, *args, **kwargs):
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


def failure(kind: type[NetworkError], cause: Exception) -> NetworkError:
    error = kind(str(cause))
    error.__cause__ = cause
    return error


def too_many(seconds: int):
    return 429, json.dumps({"ok": False, "error_code": 429, "parameters": {"retry_after": seconds}}).encode()


async def run(inner: ScriptedRequest, method: str, policy: RetryPolicy = RetryPolicy(attempts=4)):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    request = RetryingRequest(inner, policy, sleep=sleep)
    try:
        return await request.do_request(URL + method, "POST"), slept
    except NetworkError as exc:
        return exc, slept


async def test_500s_and_429s_are_retried_with_backoff_and_retry_after():
    inner = ScriptedRequest((500, b"{}"), (503, b"{}"), too_many(7), OK)
    result, slept = await run(inner, "sendMessage")
    assert result == OK and inner.calls == 4
    assert 0.5 <= slept[0] <= 0.55 and 1.0 <= slept[1] <= 1.1 and slept[2] == pytest.approx(7.1)


async def test_attempts_are_bounded_and_the_last_answer_is_returned():
    inner = ScriptedRequest(*[(500, b"{}")] * 4)
    (code, _), slept = await run(inner, "sendMessage")
    assert code == 500 and inner.calls == 4 and len(slept) == 3
    inner = ScriptedRequest(too_many(3600))  # longer than anyone should wait: given up at once
    (code, _), slept = await run(inner, "sendMessage")
    assert code == 429 and slept == []


async def test_a_request_that_never_left_is_retried_even_for_sends():
    key = SimpleNamespace(host="127.0.0.1", port=9, ssl=True)
    refused = failure(NetworkError, aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused")))
    pool = failure(TimedOut, aiohttp.ConnectionTimeoutError("pool"))
    inner = ScriptedRequest(refused, pool, OK)
    result, _ = await run(inner, "sendMessage")
    assert result == OK and inner.calls == 3


@pytest.mark.parametrize(
    "error",
    [
        failure(TimedOut, aiohttp.SocketTimeoutError("slow")),
        failure(NetworkError, aiohttp.ServerDisconnectedError()),
        failure(NetworkError, aiohttp.ClientOSError(104, "reset")),
    ],
)
async def test_a_send_that_may_have_arrived_is_never_repeated_but_an_edit_is(error):
    inner = ScriptedRequest(error, OK)
    result, slept = await run(inner, "sendMessage")
    assert result is error and inner.calls == 1 and slept == []
    inner = ScriptedRequest(error, OK)
    result, _ = await run(inner, "editMessageText")
    assert result == OK and inner.calls == 2


async def test_gateway_errors_are_ambiguous_for_sends():
    inner = ScriptedRequest((502, b"{}"), OK)
    (code, _), _ = await run(inner, "sendMessage")
    assert code == 502 and inner.calls == 1
    inner = ScriptedRequest((504, b"{}"), OK)
    assert (await run(inner, "answerCallbackQuery"))[0] == OK


def test_which_calls_may_be_repeated():
    assert not any(may_repeat(m) for m in ("sendMessage", "sendPhoto", "forwardMessage", "copyMessage"))
    assert all(may_repeat(m) for m in ("sendChatAction", "editMessageText", "answerCallbackQuery", "getMe"))


def update(update_id: int, text: str = "hi") -> dict:
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "text": text,
                    "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": False, "first_name": "A"}},
    }  # fmt: skip


BOT = 123


@pytest.fixture
def state(tmp_path):
    db = StateDB(tmp_path / "bot.sqlite3")
    db.open()
    yield db
    db.close()


def opened(state: StateDB, bot_id: int = BOT) -> tuple[UpdateJournal, list[int]]:
    journal = UpdateJournal(state)
    return journal, [u["update_id"] for u in journal.open(bot_id)]


def test_journal_replays_what_was_received_but_not_done(state):
    first, unfinished = opened(state)
    assert unfinished == []
    for n in (1, 2, 3):
        first.received(update(n))
    first.done(2)
    second, unfinished = opened(state)  # what a restart finds
    assert unfinished == [1, 3]
    assert second.knows(2) and second.knows(3) and not second.knows(4)


def test_an_update_that_keeps_crashing_the_bot_is_given_up(state, caplog):
    journal, _ = opened(state)
    journal.received(update(9))
    for _ in range(journal_module.MAX_REPLAYS):
        journal, unfinished = opened(state)
        assert unfinished == [9]
        journal.replayed(9)  # ...and the process dies again
    assert opened(state)[1] == []
    assert "given up" in caplog.text


def test_a_finished_update_keeps_nothing_a_user_wrote(state, tmp_path):
    journal, _ = opened(state)
    journal.received(update(1, "still in flight: secret"))
    for n in range(2, 300):
        journal.received(update(n, f"private text {n}"))
        journal.done(n)
    assert opened(state)[1] == [1]
    journal.done(1)
    state.close()  # a checkpoint: the WAL is folded into the database file
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("bot.sqlite3"))
    assert b"private text" not in data and b"secret" not in data


def test_handled_ids_are_forgotten_after_a_day_or_beyond_the_last_thousand(state, monkeypatch):
    journal, _ = opened(state)
    for n in range(1, 1201):
        journal.received(update(n))
        journal.done(n)
    later, _ = opened(state)
    assert not later.knows(200) and later.knows(201) and later.knows(1200)
    a_day_later = time.time() + journal_module.DONE_REMEMBERED_SECONDS
    monkeypatch.setattr(time, "time", lambda: a_day_later)
    assert not later.knows(1200)  # Telegram may have restarted its ids: 1200 is a new update
    assert not opened(state)[0].knows(1200)


def test_the_journal_of_one_bot_is_not_another_bots(state):
    first, _ = opened(state, bot_id=111)
    first.received(update(7))
    first.received(update(8))
    first.done(7)
    other, unfinished = opened(state, bot_id=222)
    assert unfinished == [] and not other.knows(7) and not other.knows(8)
    assert opened(state, bot_id=111)[1] == [8]


def test_an_update_whose_handling_failed_is_kept_for_the_next_start(state):
    journal, _ = opened(state)
    journal.received(update(5))
    journal.failed(5)
    journal.done(5)
    assert not journal.pending and journal.knows(5)  # not in hand, not handled again in this run
    assert opened(state)[1] == [5]


async def test_queue_drops_redelivered_updates_and_the_processor_marks_them_done(state, caplog):
    caplog.set_level(logging.INFO)
    journal = UpdateJournal(state)
    queue = JournalingUpdateQueue(journal)
    await queue.open(BOT)
    processor = JournalingUpdateProcessor(journal)
    await queue.put(Update.de_json(update(1), None))
    await queue.put(Update.de_json(update(1), None))  # Telegram sent it again
    assert queue.qsize() == 1
    assert any(r.levelno == logging.INFO and "update 1 " in r.getMessage() for r in caplog.records)
    handled = []

    async def handle():
        handled.append(1)

    await processor.do_process_update(await queue.get(), handle())
    assert handled == [1] and not journal.pending and journal.knows(1)
    await queue.put(Update.de_json(update(1), None))  # redelivered after being handled
    assert queue.qsize() == 0


async def test_the_queue_reads_the_journal_only_when_opened(state):
    journal, _ = opened(state)
    journal.received(update(3))
    queue = JournalingUpdateQueue(UpdateJournal(state))
    with pytest.raises(RuntimeError, match="open"):
        await queue.put(Update.de_json(update(4), None))
    await queue.open(BOT)
    assert await queue.replay(None) == 1 and queue.qsize() == 1


def test_received_updates_are_on_disk_before_put_returns(tmp_path):
    """For webhooks (durable_put, the default): a process killed right after `put`, when the
    webhook answers Telegram 200, loses nothing."""
    path = tmp_path / "bot.sqlite3"
    script = textwrap.dedent(f"""
        import asyncio, os, signal
        from pathlib import Path
        from telegram import Update
        from bot.journal import UpdateJournal
        from bot.state import StateDB
        from bot.update_queue import JournalingUpdateQueue
        async def main():
            state = StateDB(Path({str(path)!r}))
            state.open()
            queue = JournalingUpdateQueue(UpdateJournal(state))
            await queue.open({BOT})
            await queue.put(Update.de_json({update(77)!r}, None))
            os.kill(os.getpid(), signal.SIGKILL)
        asyncio.run(main())
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    assert result.returncode == -signal.SIGKILL
    state = StateDB(path)
    state.open()  # the killed process's lock went with it
    assert opened(state)[1] == [77]
    state.close()


async def test_with_polling_put_does_not_wait_for_the_disk_but_the_next_get_updates_does(state, monkeypatch):
    journal = UpdateJournal(state)
    write = journal.received

    def slow_write(data):  # a slow disk
        time.sleep(0.3)
        write(data)

    monkeypatch.setattr(journal, "received", slow_write)
    queue = JournalingUpdateQueue(journal, durable_put=False)
    await queue.open(BOT)
    await queue.put(Update.de_json(update(5), None))

    def journaled() -> list[int]:
        return [u["update_id"] for u, _ in state.journal_rows(BOT, 1000, 3600).unfinished]

    assert queue.qsize() == 1 and journaled() == []  # handled while it is being written
    on_disk_when_confirmed = []

    class GetUpdates:
        read_timeout = 5.0

        async def do_request(self, *args, **kwargs):
            on_disk_when_confirmed.append(journaled())
            return 200, b'{"ok": true, "result": []}'

    await JournalBarrierRequest(GetUpdates(), queue).do_request(URL + "getUpdates", "POST")
    assert on_disk_when_confirmed == [[5]]


def test_question_store_is_bounded_by_its_days(tmp_path):
    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    now = [1_700_000_000.0]
    store = QuestionStore(state, days=1, clock=lambda: now[0])
    try:
        for n in range(300):
            store.add(AskedQuestion(f"q{n}", make_passage()), asker="p")
            now[0] += 600  # one every ten minutes: a day holds 144
        assert state.prune_answers(0) == 0
        kept = state._conn().execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        assert kept == 145  # a day of them (144 intervals), both ends included
    finally:
        state.close()


CONFLICT = (409, b'{"ok": false, "error_code": 409, "description": "Conflict: terminated by other getUpdates request"}')


async def test_a_409_is_one_warning_and_stops_the_bot_only_if_it_goes_on(caplog):
    stopped = []
    watch = ConflictWatch(ScriptedRequest(CONFLICT, CONFLICT, OK, CONFLICT, CONFLICT), 0.2, lambda: stopped.append(1))
    for _ in range(3):  # two 409s, then getUpdates answered again
        await watch.do_request(URL + "getUpdates", "POST")
    await asyncio.sleep(0.3)
    assert not stopped and caplog.text.count("another instance is polling this bot") == 1
    for _ in range(2):  # 409s that go on
        await watch.do_request(URL + "getUpdates", "POST")
    await asyncio.sleep(0.3)
    assert stopped == [1] and watch.gave_up
    assert "another instance has been polling this bot for 0.2 s" in caplog.text
    # PTB's last getUpdates while stopping would meet another 409: it is not sent.
    assert await watch.do_request(URL + "getUpdates", "POST") == (200, NO_UPDATES)
