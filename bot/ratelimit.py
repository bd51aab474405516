"""A per-user sliding-window rate limit, so one flooding user cannot crowd out the others."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindowLimiter:
    """At most `limit` events per key in any `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = {}

    def acquire(self, key: Hashable) -> float:
        """Record an event and return 0.0, or return the seconds until one is allowed (recording nothing)."""
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window - now
        events.append(now)
        if len(self._events) > 10_000:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # Keys whose newest event has left the window hold no state worth keeping.
        idle = [key for key, events in self._events.items() if not events or events[-1] <= now - self.window]
        for key in idle:
            del self._events[key]
