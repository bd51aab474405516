"""/reindex: rebuild the index in the background and swap the new engine in without a restart.

The build writes a new index folder and renames it into place, and the running engine
holds its index in memory, so questions keep being answered by the old engine until the
new one is loaded. If the build or the load fails, the old engine simply stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any

from telegram import Message

from index import BuildReport, Embedder, Engine, EngineError, build_index

from .settings import BotSettings

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 5.0


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

    async def run(self, bot_data: MutableMapping[str, Any], announce: Callable[[str], Awaitable[Message]]) -> None:
        """Post a status with `announce`, rebuild, swap the new engine into `bot_data["engine"]`.

        Call only after `try_begin()` returned True; the slot is released however this ends.
        """
        try:
            status = await announce("Rebuilding the index…")
            await self._rebuild(bot_data, status)
        finally:
            self.running = False

    async def _rebuild(self, bot_data: MutableMapping[str, Any], status: Message) -> None:
        ticker = asyncio.create_task(_show_elapsed(status, time.monotonic()))
        try:
            # The serving engine's model embeds the new index: no second copy in memory.
            report, engine = await asyncio.to_thread(self._build_and_load, bot_data["engine"].embedder)
        except Exception as exc:  # any failure: the old engine keeps serving
            if isinstance(exc, EngineError):  # an operator's mistake, with its one-line message
                log.warning("reindex failed: %s", exc)
            else:
                log.exception("reindex failed")
            outcome = f"Reindex failed, still serving the previous index: {escape(_one_line(exc))}"
        else:
            bot_data["engine"] = engine
            log.info("reindexed: %s", report.summary())
            outcome = f"Built: {report.passages} passages in {report.seconds:.1f} s. "
            outcome += f"Now serving {report.articles} article(s)."
        finally:
            await _stop(ticker)  # before the outcome, so a late progress edit cannot overwrite it
        await status.edit_text(outcome)

    def _build_and_load(self, embedder: Embedder) -> tuple[BuildReport, Engine]:
        """Blocking: runs in a worker thread."""
        report = build_index(self._settings.corpus_dir, self._settings.index_dir, embedder)
        return report, Engine.load(self._settings, embedder)


async def _show_elapsed(status: Message, started: float) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY_SECONDS)
        with contextlib.suppress(Exception):  # progress is a courtesy; the result edit matters
            await status.edit_text(f"Rebuilding the index… {time.monotonic() - started:.0f} s")


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _one_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0]
    return text or type(exc).__name__
