"""Start-up refusals, each as one line naming the problem: an index that is missing,
truncated, corrupted or built with another model or chunker (the CLI and `python -m bot`),
and invalid settings (`python -m bot`); and the warning when the corpus changed since the
index was built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import BotSettings
from index.cli import main as index_cli
from index.settings import describe_error
from tests.bot_process import TOKEN, bot_env, spawn, started
from tests.conftest import BOT_USERNAME, MODEL, REPO
from tests.fake_telegram import FakeBotApi

pytestmark = pytest.mark.model
HINT = "python -m index build"


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def set_in_manifest(**changes):
    def change(path: Path) -> None:
        manifest = path / "manifest.json"
        manifest.write_text(json.dumps({**json.loads(manifest.read_text()), **changes}))

    return change


DAMAGES = {
    "missing": (lambda index: shutil.rmtree(index), "no index in"),
    "truncated vectors": (lambda index: truncate(index / "vectors.faiss"), "damaged"),
    "truncated passages": (lambda index: truncate(index / "passages.json"), "damaged"),
    "truncated manifest": (lambda index: truncate(index / "manifest.json"), "unreadable"),
    "corrupted vectors": (lambda index: (index / "vectors.faiss").write_bytes(b"\0garbage" * 64), "damaged"),
    "passages of another index": (
        lambda index: (index / "passages.json").write_text("[]"), "inconsistent with its manifest"),
    "another model": (set_in_manifest(model="sentence-transformers/other-model"), "built with model"),
    "another chunker": (set_in_manifest(chunker_version="0"), "chunker"),
}  # fmt: skip


@pytest.fixture(params=sorted(DAMAGES))
def damaged_index(request, bot_index, tmp_path) -> tuple[Path, Path, str]:
    corpus, index = bot_index
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    damage, message = DAMAGES[request.param]
    damage(copy)
    return corpus, copy, message


def run_bot(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=cwd, env={**clean, "PYTHONPATH": str(REPO), **env},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_bot_refuses_to_start_on_an_unusable_index(damaged_index, tmp_path):
    corpus, index, message = damaged_index
    result = run_bot(tmp_path, TELEGRAM_BOT_TOKEN="123:ABC", TELEGRAM_API_URL="http://127.0.0.1:9",
                     CORPUS_DIR=str(corpus), INDEX_DIR=str(index), EMBEDDING_MODEL=MODEL)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("bot: ") and result.stderr.count("\n") == 1
    assert message in result.stderr and HINT in result.stderr
    assert result.stdout == ""


def test_the_cli_names_the_problem_and_what_to_run(damaged_index, tmp_path, monkeypatch, capsys):
    corpus, index, message = damaged_index
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {"CORPUS_DIR": corpus, "INDEX_DIR": index, "EMBEDDING_MODEL": MODEL}.items():
        monkeypatch.setenv(name, str(value))
    assert index_cli(["ask", "What did Musk tweet to Putin?"]) == 1
    err = capsys.readouterr().err
    assert message in err and HINT in err and err.count("\n") == 1


def test_invalid_settings_stop_the_bot_with_one_line_naming_each(tmp_path):
    result = run_bot(
        tmp_path, TELEGRAM_BOT_TOKEN="987654-no-colon", TELEGRAM_API_URL="not a url",
        MAX_QUESTION_CHARS="-5", WEBHOOK_PORT="70000",
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.stderr and "987654-no-colon" not in line
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "MAX_QUESTION_CHARS", "WEBHOOK_PORT"):
        assert f"{name}:" in line


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"telegram_bot_token": "123:has spaces"}, "TELEGRAM_BOT_TOKEN"),
        ({"telegram_api_url": "ftp://example.org"}, "TELEGRAM_API_URL"),
        ({"rate_limit_per_minute": -1}, "RATE_LIMIT_PER_MINUTE"),
        ({"max_question_chars": 0}, "MAX_QUESTION_CHARS"),
        ({"top_k": -3}, "TOP_K"),
        ({"webhook_port": 0}, "WEBHOOK_PORT"),
        ({"feedback_salt": "short"}, "FEEDBACK_SALT"),
        ({"log_level": "LOUD"}, "LOG_LEVEL"),
        ({"admin_user_ids": "1,two"}, "ADMIN_USER_IDS"),
    ],
)
def test_each_invalid_setting_is_named_without_its_value(values, name):
    with pytest.raises(ValidationError) as caught:
        BotSettings(_env_file=None, **values)
    message = describe_error(caught.value)
    assert message.startswith(f"invalid settings: {name}:") and "\n" not in message
    if "salt" in name.lower() or "token" in name.lower():
        assert str(next(iter(values.values()))) not in message


def test_an_unusable_state_db_stops_the_bot_at_start_up(tmp_path):
    (tmp_path / "a-file").write_text("")
    result = run_bot(tmp_path, TELEGRAM_BOT_TOKEN="123:ABC", STATE_DB=str(tmp_path / "a-file" / "bot.sqlite3"))
    assert result.returncode == 1 and result.stderr.startswith("bot: cannot open STATE_DB")
    assert result.stderr.count("\n") == 1


@pytest.mark.e2e
@pytest.mark.parametrize("edited", [False, True], ids=["corpus as built", "corpus edited since"])
async def test_the_bot_warns_when_the_corpus_changed_since_the_index_was_built(bot_index, tmp_path, edited):
    """An operator who edits an article and restarts without rebuilding is told so at start;
    the bot still answers from the index it has."""
    corpus, index = bot_index
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    if edited:
        article = next(copy.glob("*.txt"))
        article.write_text(article.read_text(encoding="utf-8") + "\nA paragraph added after the build.\n", encoding="utf-8")
    log = tmp_path / "bot.log"
    async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
        process = spawn({**bot_env(api, bot_index, tmp_path), "CORPUS_DIR": str(copy)}, tmp_path, log)
        try:
            await started(api, process, log)
        finally:
            process.terminate()
            process.wait(timeout=30)
    warned = "changed since the index was built" in log.read_text()
    assert warned is edited, log.read_text()[-2000:]
