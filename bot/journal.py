"""A small on-disk journal of the updates being handled, so a killed bot loses none.

Telegram forgets an update once the bot confirms it, and PTB confirms every fetched update
on its next getUpdates, whether or not a handler has finished with it (with concurrent
updates many are in flight at once). A bot killed at that moment would silently drop them.
So every update is appended to the journal (and fsynced) as it enters PTB's update queue,
and is on disk before Telegram is told it arrived: before the webhook answers 200, or before
the next getUpdates confirms it (with polling the handlers start while it is written, and
that getUpdates waits for the write). It is marked done when its handlers have finished.
On start-up the updates that were journaled but never marked done are handled again, and
any copy Telegram redelivers of an update already journaled is dropped. This module is the
file; bot.update_queue plugs it into PTB's update queue and update processor.

    {"update": {...}}   an update received, as Telegram sent it
    {"done": 123}       update 123 handled (its reply sent, or its error handled)
    {"replayed": 123}   update 123 handed to the handlers again after a restart
    {"done_ids": [...]} written by a rewrite: recently handled ids, to drop redeliveries

Replaying is at-least-once: an update whose reply had been sent when the process died, but
which was not yet marked done, is answered again. An update replayed MAX_REPLAYS times
without finishing (one that crashes the process) is given up, with a warning.
The journal holds what users sent (message text, user and chat ids) only while it is being
handled: the file is rewritten without the finished updates (write, fsync, rename) as soon
as nothing is in flight, and at the latest every COMPACT_AFTER_LINES lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
MAX_REPLAYS = 2
# Handled update ids remembered to drop redeliveries; Telegram only redelivers the last
# unconfirmed batch (at most 100), so this is ample.
REMEMBER_DONE = 1000
COMPACT_AFTER_LINES = 1000
COMPACT_WHEN_IDLE_AFTER_LINES = 20


class UpdateJournal:
    """The journal file and its state in memory; blocking methods, safe across threads.
    Making one touches no file: `open()` reads (and rewrites) it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.pending: OrderedDict[int, dict[str, Any]] = OrderedDict()  # received, not done
        self._done: OrderedDict[int, None] = OrderedDict()  # the last REMEMBER_DONE handled
        self._replays: Counter[int] = Counter()
        self._lines = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="update-journal")

    def open(self) -> list[dict[str, Any]]:
        """Read what a previous run left; returns the updates to handle again, oldest first."""
        with self._lock:
            self._read()
            given_up = [uid for uid in self.pending if self._replays[uid] >= MAX_REPLAYS]
            for uid in given_up:
                log.warning("update %d was replayed %d times without finishing; given up", uid, MAX_REPLAYS)
                self._mark_done(uid)
            if self.path.exists():
                self._rewrite()  # also drops a torn last line
            return list(self.pending.values())

    async def run(self, method: Callable[..., None], *args: Any) -> None:
        """Call a blocking method off the event loop, on the journal's own thread: the
        default pool is busy with model inference, and the journal must not wait for it."""
        await self.submit(method, *args)

    def submit(self, method: Callable[..., None], *args: Any) -> asyncio.Future[None]:
        """Start `method` on the journal's thread now; calls run in the order submitted."""
        return asyncio.get_running_loop().run_in_executor(self._executor, method, *args)

    def knows(self, update_id: int) -> bool:
        return update_id in self.pending or update_id in self._done

    def received(self, update: dict[str, Any]) -> None:
        """Durably record an update before Telegram is told it arrived."""
        with self._lock:
            self.pending[update["update_id"]] = update
            self._append({"update": update}, durable=True)

    def replayed(self, update_id: int) -> None:
        with self._lock:
            self._replays[update_id] += 1
            self._append({"replayed": update_id}, durable=True)

    def done(self, update_id: int) -> None:
        # Not fsynced: losing it in a power cut only means answering that update again.
        with self._lock:
            if self.pending.pop(update_id, None) is None:
                return
            self._mark_done(update_id)
            self._replays.pop(update_id, None)
            self._append({"done": update_id}, durable=False)
            idle = not self.pending and self._lines > COMPACT_WHEN_IDLE_AFTER_LINES
            if idle or self._lines > COMPACT_AFTER_LINES:
                self._rewrite()

    # ---- under the lock ---------------------------------------------------------

    def _mark_done(self, update_id: int) -> None:
        self.pending.pop(update_id, None)
        self._done[update_id] = None
        while len(self._done) > REMEMBER_DONE:
            self._done.popitem(last=False)

    def _read(self) -> None:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as file:
            for line in file:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line torn by a crash: its update was never confirmed
                if "update" in record:
                    self.pending[record["update"]["update_id"]] = record["update"]
                elif "done" in record:
                    self._mark_done(record["done"])
                elif "done_ids" in record:
                    for uid in record["done_ids"]:
                        self._mark_done(uid)
                elif "replayed" in record:
                    self._replays[record["replayed"]] += 1

    def _append(self, record: dict[str, Any], *, durable: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
            file.flush()  # in the OS from here on: survives the process being killed
            if durable:
                os.fsync(file.fileno())  # and a machine crash
        self._lines += 1

    def _rewrite(self) -> None:
        """Replace the file with the current state: pending updates, replay counts, recent done ids."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        records: list[dict[str, Any]] = [{"done_ids": list(self._done)}]
        for uid, update in self.pending.items():
            records.append({"update": update})
            records += [{"replayed": uid}] * self._replays[uid]
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as file:
            file.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
        _fsync_dir(self.path.parent)
        self._lines = len(records)


def ensure_writable(path: Path) -> None:
    """Create `path` (and its folder) if need be; raises OSError if it cannot be appended to."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8"):
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
