"""The state database end to end, `python -m bot` as real processes over the local Bot API
server: a vote survives a SIGKILL right after it was acknowledged; a second process on the
same STATE_DB is refused; another instance polling the same bot (409 Conflict) is one line,
then exit status 1; a database written by bot A does not swallow bot B's updates whose ids
collide with A's. And, in process, a short 409 is one line and changes nothing."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
from dataclasses import dataclass

import pytest
import pytest_asyncio

from tests.bot_process import bot_env, replies_in, spawn, started, stored_votes
from tests.conftest import BOT_USERNAME
from tests.fake_telegram import FakeBotApi, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.model]

TOKEN_A, TOKEN_B = "5551:AAA-first-bot", "5552:BBB-second-bot"
QUESTION, ANSWER = "How many downloads does Clubhouse have?", "5 million downloads"
VOTER = 800_000_001
USERS = (800_000_101, 800_000_102, 800_000_103)
CONFLICT_SECONDS = 3


@dataclass
class Story:
    votes_after_kill: list
    refused: subprocess.CompletedProcess
    holder_pid: int
    conflict_exit: int | None
    conflict_seconds: float
    conflict_output: str
    update_ids_a: set[int]
    update_ids_b: set[int]
    answered_b: dict[int, int]


async def ask_all(api: FakeBotApi, users) -> None:
    for user in users:
        api.send_message(QUESTION, user_id=user, first_name="Reader")
    assert await api.wait_until(lambda: all(replies_in(api.calls, u) for u in users), timeout=60), "unanswered"


def handed_out(api: FakeBotApi) -> set[int]:
    return {u["update_id"] for c in api.calls if c.method == "getUpdates" and c.ok for u in c.result}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def story(bot_index, tmp_path_factory) -> Story:
    tmp_path = tmp_path_factory.mktemp("state")
    database = tmp_path / "bot.sqlite3"
    log = tmp_path / "bot.log"

    def env_for(api: FakeBotApi, token: str) -> dict[str, str]:
        env = bot_env(api, bot_index, tmp_path)
        env.update(TELEGRAM_BOT_TOKEN=token, STATE_DB=str(database), LOG_LEVEL="INFO",
                   CONFLICT_EXIT_AFTER_SECONDS=str(CONFLICT_SECONDS))  # fmt: skip
        return env

    async with FakeBotApi(token=TOKEN_A, bot_username=BOT_USERNAME) as api_a:
        # Bot A: a question, a vote, and a SIGKILL the moment the vote is acknowledged.
        first = spawn(env_for(api_a, TOKEN_A), tmp_path, log)
        try:
            await started(api_a, first, log)
            await ask_all(api_a, USERS)
            api_a.send_message(QUESTION, user_id=VOTER, first_name="Voter")
            answer = await api_a.wait_for_reply(VOTER, timeout=60)
            up = next(b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"] for b in row
                      if b["callback_data"].endswith(":up"))  # fmt: skip
            api_a.press_button(answer, up, user_id=VOTER, first_name="Voter")
            await api_a.wait_for_call("answerCallbackQuery", predicate=lambda c: "Thanks" in c.params.get("text", ""))
            first.send_signal(signal.SIGKILL)
            await asyncio.to_thread(first.wait, 30)
        finally:
            first.kill()
        votes = stored_votes(database)

        # Bot A again; a second process on the same STATE_DB is refused while it runs.
        second = spawn(env_for(api_a, TOKEN_A), tmp_path, log)
        try:
            await started(api_a, second, log)
            refused = await asyncio.to_thread(
                subprocess.run, [sys.executable, "-m", "bot"], cwd=tmp_path, env=env_for(api_a, TOKEN_A),
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            # Then another instance starts polling the same bot elsewhere: 409s from now on.
            mark = len(log.read_text())
            api_a.inject_faults("getUpdates", status=409, count=10_000)
            conflict_started = asyncio.get_running_loop().time()
            conflict_exit = await asyncio.to_thread(second.wait, 60)
            conflict_seconds = asyncio.get_running_loop().time() - conflict_started
            conflict_output = log.read_text()[mark:]
        finally:
            second.kill()
        update_ids_a = handed_out(api_a)

    # Bot B, another token, on the same database: its update ids are A's ids again.
    async with FakeBotApi(token=TOKEN_B, bot_username="another_qa_bot") as api_b:
        third = spawn(env_for(api_b, TOKEN_B), tmp_path, log)
        try:
            await started(api_b, third, log)
            await ask_all(api_b, USERS)
            update_ids_b = handed_out(api_b)
            answered_b = {user: len(replies_in(api_b.calls, user)) for user in USERS}
            third.send_signal(signal.SIGTERM)
            await asyncio.to_thread(third.wait, 60)
        finally:
            third.kill()
    return Story(votes, refused, second.pid, conflict_exit, conflict_seconds, conflict_output,
                 update_ids_a, update_ids_b, answered_b)  # fmt: skip


def test_a_vote_survives_a_kill_right_after_it_was_acknowledged(story):
    assert [vote.vote for vote in story.votes_after_kill] == ["up"]


def test_a_second_process_on_the_same_state_db_is_refused_naming_the_holder(story):
    refused = story.refused
    assert refused.returncode == 1 and refused.stdout == "" and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("bot: STATE_DB") and refused.stderr.count("\n") == 1
    assert f"process {story.holder_pid}" in refused.stderr


def test_another_instance_polling_the_bot_is_one_line_then_exit_status_1(story):
    assert story.conflict_exit == 1
    assert CONFLICT_SECONDS <= story.conflict_seconds < CONFLICT_SECONDS + 15
    output = story.conflict_output
    assert "Traceback" not in output and "terminated by other getUpdates" not in output
    assert output.count("another instance is polling this bot") == 1
    assert output.count("another instance has been polling this bot") == 1


def test_bot_a_s_database_does_not_swallow_bot_b_s_colliding_updates(story):
    assert story.update_ids_b and story.update_ids_b <= story.update_ids_a  # the same ids, another bot
    assert story.answered_b == {user: 1 for user in USERS}


async def test_a_short_conflict_is_one_warning_and_the_bot_goes_on(fake_api, start_bot, caplog):
    caplog.set_level(logging.INFO)
    app = await start_bot()
    fake_api.inject_faults("getUpdates", status=409, count=2)
    await fake_api.wait_for_call("getUpdates", predicate=lambda c: c.error_code == 409, timeout=10)
    fake_api.send_message(QUESTION, user_id=USERS[0], first_name="Reader")
    reply = await fake_api.wait_for_reply(USERS[0], timeout=30)
    assert ANSWER in reply.params["text"]
    journal = app.bot_data["services"].journal
    await eventually(lambda: not journal.pending, what="nothing in hand")
    conflict_lines = [r for r in caplog.records if "another instance is polling this bot" in r.getMessage()]
    assert len(conflict_lines) == 1 and conflict_lines[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not app.bot_data["conflicts"].gave_up
