"""/reindex: rebuild the index in the background and swap the new engine in without a restart.

The build runs `python -m index build` in a child process: building embeds with
sentence-transformers (torch), the source of truth, and the serving bot keeps only the ONNX
runtime in memory. The build writes a new index folder and renames it into place, and the
running engine holds its index in memory, so questions keep being answered by the old
engine until the new one is loaded. If the build or the load fails, the old engine stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any, Protocol

from index import Engine, EngineError

from . import render, texts
from .i18n import Translator
from .settings import BotSettings

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 5.0


class StatusMessage(Protocol):
    """A message the bot posted and can edit (a Telegram `Message`)."""

    async def edit_text(self, text: str) -> Any: ...


class Reindexer:
    """Runs at most one rebuild at a time, reporting progress by editing one message."""

    def __init__(self, settings: BotSettings) -> None:
        self._settings = settings
        self.running = False

    def try_begin(self) -> bool:
        """Claim the single rebuild slot; synchronous, so two /reindex cannot both get it."""
        if self.running:
            return False
        self.running = True
        return True

    async def run(
        self, bot_data: MutableMapping[str, Any], announce: Callable[[str], Awaitable[StatusMessage]], tr: Translator
    ) -> None:
        """Post a status with `announce`, rebuild, swap the new engine into `bot_data["engine"]`;
        the status speaks the language of `tr` (the admin's).

        Call only after `try_begin()` returned True; the slot is released however this ends.
        """
        try:
            status = await announce(tr(texts.REINDEX_STARTED))
            await self._rebuild(bot_data, status, tr)
        finally:
            self.running = False

    async def _rebuild(self, bot_data: MutableMapping[str, Any], status: StatusMessage, tr: Translator) -> None:
        ticker = asyncio.create_task(_show_elapsed(status, time.monotonic(), tr))
        started = time.monotonic()
        try:
            summary = await self._build()
            engine = await asyncio.to_thread(Engine.load, self._settings)
        except Exception as exc:  # any failure: the old engine keeps serving
            if isinstance(exc, EngineError):  # an operator's mistake, with its one-line message
                log.warning("reindex failed: %s", exc)
            else:
                log.exception("reindex failed")
            outcome = tr(texts.REINDEX_FAILED, reason=escape(_one_line(exc)))
        else:
            bot_data["engine"] = engine
            log.info("reindexed: %s", summary)
            manifest = engine.manifest
            outcome = render.reindexed(tr, manifest.passage_count, time.monotonic() - started, len(manifest.articles))
        finally:
            await _stop(ticker)  # before the outcome, so a late progress edit cannot overwrite it
        await status.edit_text(outcome)

    async def _build(self) -> str:
        """Run the management command on this bot's corpus and index; its summary, or EngineError."""
        settings = self._settings
        # The bot's settings, not whatever .env the child would find, decide what is built.
        overrides = {
            "CORPUS_DIR": str(settings.corpus_dir),
            "INDEX_DIR": str(settings.index_dir),
            "EMBEDDING_MODEL": settings.embedding_model,
            "EMBEDDING_BACKEND": settings.embedding_backend,
        }
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "index", "build",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **overrides},
        )
        out, err = await child.communicate()
        if child.returncode != 0:
            lines = err.decode(errors="replace").strip().splitlines() or [f"exit status {child.returncode}"]
            raise EngineError(lines[-1].removeprefix("error: "))
        return out.decode(errors="replace").strip()


async def _show_elapsed(status: StatusMessage, started: float, tr: Translator) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY_SECONDS)
        with contextlib.suppress(Exception):  # progress is a courtesy; the result edit matters
            await status.edit_text(tr(texts.REINDEX_PROGRESS, seconds=time.monotonic() - started))


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _one_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0]
    return text or type(exc).__name__
