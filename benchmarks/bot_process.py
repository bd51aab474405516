"""`python -m bot` as a child process, for the benchmarks that drive it through the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path


@contextlib.asynccontextmanager
async def bot_process(env: dict[str, str], folder: Path) -> AsyncIterator[subprocess.Popen]:
    """The bot started with `env` in `folder` (its output in folder/bot.log), stopped with
    SIGTERM, then SIGKILL after 30 s, however the block ends."""
    with (folder / "bot.log").open("wb") as log:
        bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT)
        try:
            yield bot
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(bot.wait, 30)
            except subprocess.TimeoutExpired:
                bot.kill()
