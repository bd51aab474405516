"""PTB's update queue and update processor around the update journal (bot.journal): each
update is journaled as it enters the queue and marked done when its handlers finish.

Both the polling Updater and the webhook server `put` an update in the queue before telling
Telegram it arrived. A webhook tells it by answering 200 right after `put`, so there `put`
returns once the update is on disk (`durable_put`). Polling tells it by the offset of the
next getUpdates, so there `put` only starts the write and the handlers start at once;
`JournalBarrierRequest` holds the next getUpdates until the writes are done. A question's
answer then no longer waits for a disk flush.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Bot, Update
from telegram.ext import SimpleUpdateProcessor
from telegram.request import BaseRequest

from .journal import UpdateJournal
from .transport import LayeredRequest

log = logging.getLogger(__name__)


class JournalingUpdateQueue(asyncio.Queue):
    """PTB's update queue: journals each new update, drops known ones. `open()` it before the
    first update arrives (the application's post_init), then `replay()` what was unfinished."""

    def __init__(self, journal: UpdateJournal, *, durable_put: bool = True) -> None:
        super().__init__()
        self.journal = journal
        self._durable_put = durable_put
        self._writes: list[asyncio.Future[None]] = []  # started by put, not yet awaited
        self._unfinished: list[dict[str, Any]] | None = None  # None: not opened yet

    async def open(self, bot_id: int) -> None:
        """Read the journal a previous run of this bot left, so redeliveries are recognised
        from the start (the state database is open by then: bot.app's on_start)."""
        self._unfinished = await self.journal.run(self.journal.open, bot_id)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if self._unfinished is None:
                raise RuntimeError("JournalingUpdateQueue.open() must run before the first update")
            if self.journal.knows(item.update_id):
                # The next getUpdates waited for the journal, so a redelivered copy is known by then.
                log.info("update %d is already journaled; redelivery dropped", item.update_id)
                return
            write = self.journal.submit(self.journal.received, item.to_dict())
            if self._durable_put:
                await write
            else:
                self._writes.append(write)
        await super().put(item)

    async def wait_durable(self) -> None:
        """Until every update `put` so far is on disk; raises if a write failed."""
        writes, self._writes = self._writes, []
        await asyncio.gather(*writes)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates a previous run received but did not finish; returns how many."""
        pending, self._unfinished = self._unfinished or [], []
        for data in pending:
            update = Update.de_json(data, bot)
            await self.journal.run(self.journal.replayed, update.update_id)
            await super().put(update)
        if pending:
            log.info("handling %d update(s) left unfinished by the previous run", len(pending))
        return len(pending)


class JournalingUpdateProcessor(SimpleUpdateProcessor):
    """Handles updates concurrently, as PTB's default, and marks each done in the journal."""

    def __init__(self, journal: UpdateJournal, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            if isinstance(update, Update):
                await self.journal.run(self.journal.done, update.update_id)


class JournalBarrierRequest(LayeredRequest):
    """The getUpdates request: before a call, waits until the updates it will confirm (those
    fetched by the previous call) are in the journal."""

    def __init__(self, inner: BaseRequest, queue: JournalingUpdateQueue) -> None:
        super().__init__(inner)
        self._queue = queue

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self._queue.wait_durable()
        return await super().do_request(*args, **kwargs)
