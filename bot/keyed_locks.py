"""An asyncio lock per key (an answer's buttons), held only while someone uses it.

The locks live in a WeakValueDictionary: a lock nobody holds or waits for is dropped, so
memory does not grow with the number of answers ever pressed.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = weakref.WeakValueDictionary()

    def __call__(self, key: Hashable) -> asyncio.Lock:
        """The lock of `key` (`async with locks(key): ...`); the caller's reference keeps it alive."""
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    def __len__(self) -> int:
        return len(self._locks)
