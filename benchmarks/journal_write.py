"""What the update journal's writes cost per update, on this machine's disk.

    python benchmarks/journal_write.py [--updates 300]

Records updates received (`synchronous=FULL`, before Telegram is told they arrived) and then
marks them done (`synchronous=NORMAL`) through `bot.journal.UpdateJournal` on a STATE_DB in a
temporary folder, one at a time as the bot does, and prints the median of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.journal import UpdateJournal  # noqa: E402
from bot.state import StateDB  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        state = StateDB(Path(scratch) / "bot.sqlite3")
        state.open()
        journal = UpdateJournal(state)
        journal.open(bot_id=123)
        received, done = [], []
        for update_id in range(1, args.updates + 1):
            update = {"update_id": update_id, "message": {"message_id": update_id, "text": "What did Musk tweet?"}}
            started = time.perf_counter()
            journal.received(update)
            received.append(time.perf_counter() - started)
            started = time.perf_counter()
            journal.done(update_id)
            done.append(time.perf_counter() - started)
        state.close()
    print(f"{args.updates} updates: received p50 {statistics.median(received) * 1000:.3f} ms, "
          f"done p50 {statistics.median(done) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
