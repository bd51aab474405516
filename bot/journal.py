"""The journal of the updates being handled, so a killed bot loses none.

Telegram forgets an update once the bot confirms it, and PTB confirms every fetched update
on its next getUpdates, whether or not a handler has finished with it (with concurrent
updates many are in flight at once). A bot killed at that moment would silently drop them.
So every update is written to the journal (the `journal` table of STATE_DB, bot.state,
synchronous FULL) as it enters PTB's update queue, and is on disk before Telegram is told
it arrived: before the webhook answers 200, or before the next getUpdates confirms it (with
polling the handlers start while it is written, and that getUpdates waits for the write).
It is marked done when its handlers have finished, and its text is erased then.

Rows are keyed by the bot's id (from getMe): update ids are per bot, so a database used
with another token, or against a local Bot API server, holds nothing that collides with
this bot's. Handled ids are remembered for DONE_REMEMBERED_SECONDS (Telegram keeps an
unconfirmed update for a day; it also restarts ids at a random number after a week without
updates), to drop a redelivered copy, which is logged at INFO with its id.

On start-up the updates journaled but never marked done are handled again. An update whose
handling failed (the error handler ran) is logged at ERROR with its id and kept for the next
start. Replaying is at-least-once: an update whose reply had been sent when the process
died, but which was not yet marked done, is answered again. An update replayed MAX_REPLAYS
times without finishing (one that crashes the process) is given up, with a warning.
This module holds the journal's state in memory and calls bot.state on its own thread;
bot.update_queue plugs it into PTB's update queue and update processor.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .state import StateDB

log = logging.getLogger(__name__)
MAX_REPLAYS = 2
# Handled update ids remembered to drop redeliveries; Telegram only redelivers the last
# unconfirmed batch (at most 100), so this is ample.
REMEMBER_DONE = 1000
DONE_REMEMBERED_SECONDS = 24 * 3600
PRUNE_EVERY = 500  # updates marked done between two deletions of old handled ids


class UpdateJournal:
    """The journal's state in memory over bot.state; blocking methods, safe across threads.
    Making one touches no file: `open(bot_id)` reads the database, opened before."""

    def __init__(self, state: StateDB) -> None:
        self.state = state
        self.bot_id: int | None = None
        self._lock = threading.Lock()
        self.pending: OrderedDict[int, dict[str, Any]] = OrderedDict()  # received, not finished
        self._done: OrderedDict[int, float] = OrderedDict()  # handled id -> when, the last REMEMBER_DONE
        self._replays: Counter[int] = Counter()
        self._failed: set[int] = set()  # handling raised: kept for the next start
        self._since_prune = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="update-journal")

    def open(self, bot_id: int) -> list[dict[str, Any]]:
        """Read what a previous run of this bot left; returns the updates to handle again, oldest first."""
        with self._lock:
            self.bot_id = bot_id
            rows = self.state.journal_rows(bot_id, REMEMBER_DONE, DONE_REMEMBERED_SECONDS)
            for uid, finished in rows.done:
                self._done[uid] = finished
            for update, replays in rows.unfinished:
                uid = update["update_id"]
                if replays >= MAX_REPLAYS:
                    log.warning("update %d was replayed %d times without finishing; given up", uid, replays)
                    self.state.journal_done(bot_id, uid)
                    self._mark_done(uid)
                else:
                    self.pending[uid] = update
                    self._replays[uid] = replays
            return list(self.pending.values())

    async def run(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call a blocking method off the event loop, on the journal's own thread: the
        default pool is busy with model inference, and the journal must not wait for it."""
        return await self.submit(method, *args)

    def submit(self, method: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Start `method` on the journal's thread now; calls run in the order submitted."""
        return asyncio.get_running_loop().run_in_executor(self._executor, method, *args)

    def close(self) -> None:
        """Wait for the writes submitted so far."""
        self._executor.shutdown(wait=True)

    def knows(self, update_id: int) -> bool:
        if update_id in self.pending:
            return True
        finished = self._done.get(update_id)
        return finished is not None and time.time() - finished < DONE_REMEMBERED_SECONDS

    def received(self, update: dict[str, Any]) -> None:
        """Durably record an update before Telegram is told it arrived."""
        with self._lock:
            self.pending[update["update_id"]] = update
            self.state.journal_received(self._bot(), update)

    def replayed(self, update_id: int) -> None:
        with self._lock:
            self._replays[update_id] += 1
            self.state.journal_replayed(self._bot(), update_id)

    def failed(self, update_id: int) -> None:
        """Its handling raised: `done` keeps it for the next start. Called on the event loop,
        so it takes no lock (the lock may be held through a disk write)."""
        self._failed.add(update_id)

    def done(self, update_id: int) -> None:
        with self._lock:
            if self.pending.pop(update_id, None) is None:
                return
            self._replays.pop(update_id, None)
            self._mark_done(update_id)
            if update_id in self._failed:
                self._failed.discard(update_id)
                self.state.journal_failed(self._bot(), update_id)
                return
            self.state.journal_done(self._bot(), update_id)
            self._since_prune += 1
            if self._since_prune >= PRUNE_EVERY:
                self._since_prune = 0
                self.state.journal_prune(self._bot(), REMEMBER_DONE, DONE_REMEMBERED_SECONDS)

    # ---- under the lock ---------------------------------------------------------

    def _bot(self) -> int:
        if self.bot_id is None:
            raise RuntimeError("UpdateJournal.open() must run first")
        return self.bot_id

    def _mark_done(self, update_id: int) -> None:
        self._done[update_id] = time.time()
        self._done.move_to_end(update_id)
        while len(self._done) > REMEMBER_DONE:
            self._done.popitem(last=False)
