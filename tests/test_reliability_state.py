"""The state database end to end, `python -m bot` as real processes over the local Bot API
server: a vote survives a SIGKILL right after it was acknowledged; a second process on the
same STATE_DB is refused; a database written by bot A does not swallow bot B's updates
whose ids collide with A's."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import BOT_USERNAME
from tests.fake_telegram import FakeBotApi
from tests.test_reliability_restart import bot_env, replies_in, spawn, started, stored_votes

pytestmark = [pytest.mark.e2e, pytest.mark.model]

TOKEN_A, TOKEN_B = "5551:AAA-first-bot", "5552:BBB-second-bot"
QUESTION = "How many downloads does Clubhouse have?"
VOTER = 800_000_001
USERS = (800_000_101, 800_000_102, 800_000_103)


@dataclass
class Story:
    votes_after_kill: list
    refused: subprocess.CompletedProcess
    holder_pid: int
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
        env.update(TELEGRAM_BOT_TOKEN=token, STATE_DB=str(database), LOG_LEVEL="INFO")
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
            second.send_signal(signal.SIGTERM)
            await asyncio.to_thread(second.wait, 60)
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
    return Story(votes, refused, second.pid, update_ids_a, update_ids_b, answered_b)


def test_a_vote_survives_a_kill_right_after_it_was_acknowledged(story):
    assert [vote.vote for vote in story.votes_after_kill] == ["up"]


def test_a_second_process_on_the_same_state_db_is_refused_naming_the_holder(story):
    refused = story.refused
    assert refused.returncode == 1 and refused.stdout == "" and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("bot: STATE_DB") and refused.stderr.count("\n") == 1
    assert f"process {story.holder_pid}" in refused.stderr


def test_bot_a_s_database_does_not_swallow_bot_b_s_colliding_updates(story):
    assert story.update_ids_b and story.update_ids_b <= story.update_ids_a  # the same ids, another bot
    assert story.answered_b == {user: 1 for user in USERS}
