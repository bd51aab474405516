"""A per-user sliding-window rate limit, so one flooding user cannot crowd out the others.

Memory stays bounded: each user holds at most `limit` timestamps, and users idle for a
whole window are forgotten by a sweep that runs at most once per window.
"""

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
        self._told: set[Hashable] = set()  # refused since their last allowed event, and told so
        self._last_sweep = clock()

    def acquire(self, key: Hashable) -> float:
        """Record an event and return 0.0, or return the seconds until one is allowed (recording nothing)."""
        now = self._clock()
        if now - self._last_sweep >= self.window:
            self._forget_idle(now)
        events = self._events.setdefault(key, deque(maxlen=self.limit))
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window - now
        events.append(now)
        self._told.discard(key)
        return 0.0

    def first_refusal(self, key: Hashable) -> bool:
        """True once per run of refusals: tell a flooding user once, then stay quiet."""
        if key in self._told:
            return False
        self._told.add(key)
        return True

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._events)

    def _forget_idle(self, now: float) -> None:
        # Keys whose newest event has left the window hold no state worth keeping.
        idle = [key for key, events in self._events.items() if not events or events[-1] <= now - self.window]
        for key in idle:
            del self._events[key]
            self._told.discard(key)
        self._last_sweep = now
