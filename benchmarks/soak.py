"""Soak run: thousands of questions from many users through a local Bot API server.

    python benchmarks/soak.py                       # 5,000 questions, 200 users, 50 per second
    python benchmarks/soak.py --questions 500 --rate 0    # a quick burst, as fast as it goes

Builds a throw-away index of the corpus, starts the fake Telegram Bot API in this process
(127.0.0.1 only) and `python -m bot` as a child process pointed at it (rate limit raised so
no question is refused), then sends the questions at a steady rate, round-robin over the
users, in private chats. It reports whether every question got exactly one reply, the reply
latency (question queued at the server -> reply received by it), and the bot's resident
memory after start-up, after a warm-up, every tenth of the run and at the end: after the
warm-up it must stay flat. Everything is bounded (`--timeout`); the bot is stopped with
SIGTERM (then SIGKILL) and the folder removed however the run ends.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bot_process import bot_process  # noqa: E402
from tests.fake_telegram import FakeBotApi  # noqa: E402

TOKEN = "123456:SOAK-token"
FIRST_USER = 900_000_000
# (question, a piece of the reply that shows it answered this question)
QUESTIONS = [
    ("How many downloads does Clubhouse have?", "5 million downloads"),
    ("What did Musk tweet to Putin?", "join me for a conversation"),
    ("Who is the CEO of Robinhood?", "Vlad Tenev"),
    ("How much is Clubhouse valued at?", "Clubhouse"),
    ("What did Musk talk about on Clubhouse?", "Clubhouse"),
    ("Who wrote Hamlet?", "couldn't find"),
    ("what's the weather in London today", "couldn't find"),
    ("Did the Kremlin answer Musk's invitation?", "Kremlin"),
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Tracker:
    """Pairs each chat's replies with its questions in order, reading the server's call log."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.read = 0
        self.waiting: dict[int, deque[tuple[float, str]]] = defaultdict(deque)  # chat -> (sent at, marker)
        self.asked = 0
        self.latencies: list[float] = []
        self.extra = 0  # replies with no question waiting: duplicates
        self.mismatched = 0  # a reply that does not fit the question it was paired with

    def asked_now(self, chat: int, marker: str) -> None:
        self.waiting[chat].append((time.time(), marker))
        self.asked += 1

    def collect(self) -> None:
        calls = self.api.calls
        while self.read < len(calls):
            call = calls[self.read]
            self.read += 1
            if call.method != "sendMessage" or not call.ok:
                continue
            queue = self.waiting.get(int(call.params["chat_id"]))
            if not queue:
                self.extra += 1
                continue
            sent_at, marker = queue.popleft()
            self.latencies.append(call.time - sent_at)
            self.mismatched += marker.lower() not in call.params["text"].lower()

    @property
    def unanswered(self) -> int:
        return sum(len(q) for q in self.waiting.values())


async def wait_until(check, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def soak(args: argparse.Namespace, scratch: Path) -> int:
    print(f"building a throw-away index in {scratch} ...", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(PYTHONPATH=str(REPO), CORPUS_DIR=str(REPO / "corpus"), INDEX_DIR=str(scratch / "index"))
    subprocess.run([sys.executable, "-m", "index", "build"], cwd=scratch, env=env, check=True, timeout=600)

    async with FakeBotApi(token=TOKEN) as api:
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.api_root, LOG_LEVEL="WARNING",
            RATE_LIMIT_PER_MINUTE="1000000", FEEDBACK_FILE=str(scratch / "feedback.jsonl"),
            UPDATE_JOURNAL_FILE=str(scratch / "journal.jsonl"), STATE_DB=str(scratch / "bot.sqlite3"),
        )  # fmt: skip
        async with bot_process(env, scratch) as bot:
            return await drive(args, api, bot, scratch)


async def drive(args: argparse.Namespace, api: FakeBotApi, bot: subprocess.Popen, scratch: Path) -> int:
    await api.wait_for_call("setMyCommands", timeout=300)
    memory = [("started", 0, rss_mb(bot.pid))]
    tracker = Tracker(api)
    users = [FIRST_USER + n for n in range(args.users)]

    def ask(n: int) -> None:
        question, marker = QUESTIONS[n % len(QUESTIONS)]
        user = users[n % len(users)]
        api.send_message(question, user_id=user, first_name=f"Soak{n % len(users)}")
        tracker.asked_now(user, marker)

    for n in range(args.warmup):
        ask(n)
    assert await wait_until(lambda: tracker.collect() or tracker.unanswered == 0, 300), "warm-up not answered"
    warm_latencies = len(tracker.latencies)
    memory.append(("after warm-up", 0, rss_mb(bot.pid)))

    deadline = time.monotonic() + args.timeout
    started = time.monotonic()
    checkpoints = {args.questions * k // 10 for k in range(1, 11)}
    for n in range(args.questions):
        if args.rate:
            await asyncio.sleep(max(0.0, started + n / args.rate - time.monotonic()))
        elif n % 200 == 0:
            await asyncio.sleep(0)  # a burst: let the server breathe between chunks
        ask(args.warmup + n)
        tracker.collect()
        if n + 1 in checkpoints:
            memory.append((f"{n + 1} sent", tracker.asked - args.warmup - tracker.unanswered, rss_mb(bot.pid)))
        if time.monotonic() > deadline or bot.poll() is not None:
            break
    sent_seconds = time.monotonic() - started
    await wait_until(lambda: tracker.collect() or tracker.unanswered == 0, max(5.0, deadline - time.monotonic()))
    finished = time.monotonic() - started
    await wait_until(lambda: api.pending_updates() == 0, 10)
    await asyncio.sleep(args.settle)  # a late duplicate would show up here
    tracker.collect()
    memory.append(("end", tracker.asked - args.warmup - tracker.unanswered, rss_mb(bot.pid)))

    latencies = tracker.latencies[warm_latencies:]
    asked = tracker.asked - args.warmup
    state_files = [scratch / name for name in ("bot.sqlite3", "bot.sqlite3-wal")]
    log_text = (scratch / "bot.log").read_text(errors="replace")
    once = asked - tracker.unanswered - tracker.extra
    print(f"\nquestions: {asked} from {args.users} users ({args.rate or 'max'} per s requested), "
          f"sent in {sent_seconds:.1f} s, all replies in {finished:.1f} s ({asked / finished:.1f} per s)")
    print(f"answered exactly once: {once}/{asked}; unanswered {tracker.unanswered}; duplicates {tracker.extra}; "
          f"reply not fitting its question {tracker.mismatched}")
    if latencies:
        print(f"reply latency: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms, mean {statistics.fmean(latencies) * 1000:.0f} ms")
    print("bot RSS (MB):  " + "  ".join(f"{label}: {mb:.0f}" for label, _, mb in memory))
    steady = [mb for label, _, mb in memory[1:]]
    print(f"growth after warm-up: {steady[-1] - steady[0]:+.1f} MB; "
          f"over the second half: {memory[-1][2] - memory[len(memory) // 2 + 1][2]:+.1f} MB")
    print(f"state database at the end (with its WAL): {sum(p.stat().st_size for p in state_files if p.exists())} bytes; "
          f"errors in the bot's log: {log_text.count(' ERROR ')}")
    ok = tracker.unanswered == 0 and tracker.extra == 0 and tracker.mismatched == 0
    print("RESULT:", "every question answered exactly once" if ok else "FAILED")
    return 0 if ok else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0, help="questions per second; 0 = as fast as possible")
    parser.add_argument("--warmup", type=int, default=50, help="questions before the measured run")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to watch for late duplicates")
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (index, logs, journal)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="soak-"))
    try:
        return asyncio.run(soak(args, scratch))
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
