"""Another process polling the same bot: Telegram answers its getUpdates, and this one's,
with 409 Conflict ("terminated by other getUpdates request"), and splits the updates
between them. `ConflictWatch` sits on the getUpdates request: the first 409 is one warning
line, not a traceback (bot.handlers.errors ignores the Conflict error PTB then raises); if
the 409s go on for CONFLICT_EXIT_AFTER_SECONDS, with no getUpdates answered in between,
it logs one error line and calls `give_up` (the application stops; `python -m bot` exits 1).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest

from .transport import LayeredRequest

log = logging.getLogger(__name__)

CONFLICT = 409
NO_UPDATES = b'{"ok": true, "result": []}'


class ConflictWatch(LayeredRequest):
    """The getUpdates request, watching for 409 Conflict (see the module docstring)."""

    def __init__(self, inner: BaseRequest, exit_after: float, give_up: Callable[[], None]) -> None:
        super().__init__(inner)
        self.exit_after = exit_after
        self._give_up = give_up
        self._timer: asyncio.TimerHandle | None = None
        self.gave_up = False

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if self.gave_up:
            # Stopping: PTB's last getUpdates, to confirm what was fetched, would only meet
            # another 409 and log a traceback. Unconfirmed updates are journaled, so not lost.
            return 200, NO_UPDATES
        code, payload = await super().do_request(*args, **kwargs)
        if code == CONFLICT:
            self._conflict()
        elif code == 200 and self._timer is not None:
            self._timer.cancel()
            self._timer = None
            log.info("getUpdates answered again: the other instance polling this bot has stopped")
        return code, payload

    def _conflict(self) -> None:
        if self._timer is not None or self.gave_up:
            return
        log.warning(
            "another instance is polling this bot (409 Conflict from getUpdates): updates are split "
            "between them; stopping in %g s unless it stops", self.exit_after,
        )  # fmt: skip
        self._timer = asyncio.get_running_loop().call_later(self.exit_after, self._stop)

    def _stop(self) -> None:
        self._timer, self.gave_up = None, True
        log.error(
            "another instance has been polling this bot for %g s (409 Conflict from getUpdates); "
            "stopping: run one instance per bot token", self.exit_after,
        )  # fmt: skip
        self._give_up()

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await super().shutdown()
