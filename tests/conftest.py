"""Shared fixtures. Bot: the real model and a test index (once per session), the fake
Bot API server, and `start_bot` to run the real Application against it over HTTP.

Markers tell the truth, and this file checks it: a test that needs `real_embedder` (the
real model, directly or through `bot_index`, `bot_engine`, `start_bot`) must be marked
`model`, one that needs `start_bot` (the bot over HTTP) `e2e`; and a run without `model`
tests (`pytest -m "not model and not e2e"`, the fast tier) must import neither torch nor
onnxruntime, or it fails.

And tests write only into temporary folders: each test that leaves a file of the checkout
created, changed or deleted fails, naming the files (`checkout_snapshot`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BOT_TOKEN = "123:ABC"
BOT_USERNAME = "clubhouse_qa_bot"
# Fixture -> the marker every test that uses it (even indirectly) must carry.
MARKER_OF_FIXTURE = {"real_embedder": "model", "start_bot": "e2e"}
MODEL_RUNTIMES = ("torch", "onnxruntime")
# Folders of the checkout that tools (not tests) write into; *.egg-info too.
NOT_WATCHED = frozenset({".venv", ".git", ".pytest_cache", ".hypothesis", "__pycache__", ".ruff_cache", ".mypy_cache"})


def checkout_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` but NOT_WATCHED ones: relative path -> (mtime in ns, size)."""
    files: dict[str, tuple[int, int]] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in NOT_WATCHED and not d.endswith(".egg-info")]
        for name in names:
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except FileNotFoundError:
                continue
            files[os.path.relpath(path, root)] = (stat.st_mtime_ns, stat.st_size)
    return files


def checkout_changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """What differs between two snapshots, one "created|changed|deleted path" each."""
    changed = [f"changed {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return [f"created {p}" for p in sorted(after.keys() - before.keys())] + changed + [
        f"deleted {p}" for p in sorted(before.keys() - after.keys())
    ]


@pytest.fixture(autouse=True)
def _writes_nothing_into_the_checkout(request: pytest.FixtureRequest):
    """Fails a test that wrote into the checkout (the developer's var/, .env, corpus...)."""
    before = checkout_snapshot(REPO)
    yield
    changes = checkout_changes(before, checkout_snapshot(REPO))
    if changes:
        pytest.fail(
            f"{request.node.nodeid} wrote into the checkout {REPO} (tests write only into temporary "
            f"folders): {'; '.join(changes)}",
            pytrace=False,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unmarked = [
        f"{item.nodeid} uses {fixture} but is not marked {marker}"
        for item in items
        for fixture, marker in MARKER_OF_FIXTURE.items()
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None
    ]
    if unmarked:
        raise pytest.UsageError("markers that do not tell the truth:\n" + "\n".join(unmarked))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The fast tier never loads a model runtime: fail a run without `model` tests that did."""
    if not session.items or any(item.get_closest_marker("model") for item in session.items):
        return
    loaded = [name for name in MODEL_RUNTIMES if name in sys.modules]
    if loaded:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"ERROR: a run without `model` tests imported {', '.join(loaded)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def real_embedder():
    """The real model, loaded once (offline, from the packaged copy)."""
    from index import load_embedder

    return load_embedder(MODEL)  # the same cached instance the CLI and quality tests use


@pytest.fixture(scope="session")
def bot_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> tuple[Path, Path]:
    """(corpus_dir, index_dir): a copy of the repo's corpus and an index built from it."""
    from index import build_index

    root = tmp_path_factory.mktemp("bot-index")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(REPO / "corpus", corpus)
    build_index(corpus, index, real_embedder)
    return corpus, index


@pytest.fixture(scope="session")
def bot_engine(bot_index):
    """The engine as `python -m bot` loads it: the default (ONNX) backend, no torch."""
    from index import Engine, IndexSettings

    corpus, index = bot_index
    settings = IndexSettings(_env_file=None, corpus_dir=corpus, index_dir=index, embedding_model=MODEL)
    return Engine.load(settings)


@pytest.fixture
async def fake_api() -> AsyncIterator[Any]:
    from tests.fake_telegram import FakeBotApi

    async with FakeBotApi(token=BOT_TOKEN, bot_username=BOT_USERNAME, bot_first_name="Clubhouse QA") as api:
        yield api


def bot_settings(api: Any, corpus: Path, index: Path, tmp_path: Path, **overrides: Any):
    from bot.settings import BotSettings

    values: dict[str, Any] = {
        "telegram_bot_token": BOT_TOKEN,
        "telegram_api_url": api.api_root,
        "corpus_dir": corpus,
        "index_dir": index,
        "embedding_model": MODEL,
        "feedback_file": tmp_path / "feedback.jsonl",
        "update_journal_file": tmp_path / "update-journal.jsonl",
        "state_db": tmp_path / "bot.sqlite3",
        "feedback_salt": "test-salt-0123456789",
        **overrides,
    }
    return BotSettings(_env_file=None, **values)


@pytest.fixture
async def start_bot(
    fake_api, bot_engine, bot_index, tmp_path
) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """`await start_bot(**settings)`: the real Application polling the fake server; stopped after the test."""
    from bot.app import build_application

    stack = contextlib.AsyncExitStack()

    async def start(*, engine_override: Any = None, **overrides: Any) -> Any:
        corpus, index = bot_index
        settings = bot_settings(fake_api, corpus, index, tmp_path, **overrides)
        application = build_application(settings, engine_override or bot_engine)
        await application.initialize()
        stack.push_async_callback(application.post_shutdown, application)  # closes STATE_DB
        stack.push_async_callback(application.shutdown)
        await application.post_init(application)
        await application.start()
        stack.push_async_callback(application.stop)

        def error_callback(exc: Exception) -> None:  # as run_polling's: to the error handler
            application.create_task(application.process_error(error=exc, update=None))

        await application.updater.start_polling(poll_interval=0, timeout=1, error_callback=error_callback)
        stack.push_async_callback(application.updater.stop)
        return application

    async with stack:
        yield start
