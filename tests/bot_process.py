"""`python -m bot` as a real process against the local Bot API server, for the tests that
kill, restart or start it twice: its environment (temporary paths only), starting it, and
reading what it left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.feedback import Vote
from bot.state import StateDB
from tests.conftest import MODEL, REPO
from tests.fake_telegram import Call, FakeBotApi

TOKEN = "424242:SECRET-token_Xy9-do-not-log"


def bot_env(api: FakeBotApi, bot_index, tmp_path: Path) -> dict[str, str]:
    corpus, index = bot_index
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        PYTHONPATH=str(REPO), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.api_root,
        CORPUS_DIR=str(corpus), INDEX_DIR=str(index), EMBEDDING_MODEL=MODEL,
        FEEDBACK_FILE=str(tmp_path / "feedback.jsonl"), FEEDBACK_SALT="restart-test-salt",
        UPDATE_JOURNAL_FILE=str(tmp_path / "journal.jsonl"), STATE_DB=str(tmp_path / "bot.sqlite3"),
        RATE_LIMIT_PER_MINUTE="1000",
        TYPING_AFTER_SECONDS="0",  # a chat action for every question: a slow one holds a handler mid-way
        LOG_LEVEL="DEBUG",
    )  # fmt: skip
    return env


def spawn(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:  # cwd: a folder without .env
        return subprocess.Popen([sys.executable, "-m", "bot"], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


async def started(api: FakeBotApi, process: subprocess.Popen, log: Path) -> None:
    mark = api.mark()
    try:
        await api.wait_for_call("setMyCommands", after=mark, timeout=120)
    except TimeoutError:
        process.kill()
        raise AssertionError(f"the bot did not start:\n{log.read_text()[-3000:]}") from None


def stored_votes(path: Path) -> list[Vote]:
    state = StateDB(path)
    state.open()  # the killed process's lock went with it
    try:
        return state.votes()
    finally:
        state.close()


def replies_in(calls: list[Call], chat: int) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.ok and c.params.get("chat_id") == chat]
