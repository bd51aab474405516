"""Where a lone question's round trip goes: the bot's stages, one question at a time.

    python benchmarks/bot_timeline.py [--questions 60]

Runs the real Application in this process against the local Bot API server
(tests/fake_telegram), as `bench.py`'s in-process bot rows do, with timing marks wrapped
around the bot's stages: the getUpdates answer that brings the question, the update queue's
put (the journal), the engine, the answer kept for its buttons, and each Bot API call.
Prints, per stage, the median time since the user's message was queued at the server (the
first ten questions are warm-up).
The marks cost a few microseconds each; the total is the `bench.py` round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench import DEV_SET, WORK, _bot_in_process  # noqa: E402
from bot import aiohttp_request, questions, update_queue  # noqa: E402
from index import Engine, IndexSettings, build_index, load_embedder  # noqa: E402
from index.evaluation import load_questions  # noqa: E402

WARM_UP = 10
marks: dict[str, float] = {}


def mark(stage: str) -> None:
    marks.setdefault(stage, time.perf_counter())  # the first of each stage per question


def instrument() -> None:
    """Wrap the stages; each wrapper calls the original, so the bot behaves as it does."""
    put = update_queue.JournalingUpdateQueue.put

    async def timed_put(self, item):
        mark("update queue: put called")
        await put(self, item)
        mark("update queue: put returned")

    do_request = aiohttp_request.AiohttpRequest.do_request

    async def timed_request(self, url, method, *args, **kwargs):
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint != "getUpdates":
            mark(f"{endpoint}: sent")
        result = await do_request(self, url, method, *args, **kwargs)
        if endpoint == "getUpdates" and b'"update_id"' in result[1]:
            mark("getUpdates: question received")
        elif endpoint != "getUpdates":
            mark(f"{endpoint}: answered")
        return result

    ask = Engine.ask

    def timed_ask(self, *args, **kwargs):  # in the worker thread, as the bot calls it
        mark("engine: started")
        answer = ask(self, *args, **kwargs)
        mark("engine: answered")
        return answer

    add = questions.QuestionStore.add

    def timed_add(self, *args, **kwargs):
        mark("answer kept for its buttons: started")
        key = add(self, *args, **kwargs)
        mark("answer kept for its buttons: written")
        return key

    update_queue.JournalingUpdateQueue.put = timed_put
    questions.QuestionStore.add = timed_add
    aiohttp_request.AiohttpRequest.do_request = timed_request
    Engine.ask = timed_ask


async def measure(index_dir: Path, count: int) -> list[dict[str, float]]:
    from tests.fake_telegram import FakeBotApi

    questions = [q.question for q in load_questions(DEV_SET)] if DEV_SET.exists() else ["What did Musk tweet to Putin?"]
    rows = []
    async with FakeBotApi() as api:
        with tempfile.TemporaryDirectory(dir=WORK) as scratch:
            values = {
                "telegram_bot_token": "123:ABC", "telegram_api_url": api.api_root, "index_dir": index_dir,
                "rate_limit_per_minute": 1_000_000, "feedback_file": Path(scratch) / "votes.jsonl",
                "update_journal_file": Path(scratch) / "journal.jsonl", "state_db": Path(scratch) / "bot.sqlite3",
            }
            async with _bot_in_process(values):
                for number in range(count + WARM_UP):
                    before = api.mark()
                    marks.clear()
                    started = time.perf_counter()
                    api.send_message(questions[number % len(questions)], user_id=1)
                    await api.wait_for_reply(1, after=before, timeout=30)
                    mark("reply recorded by the server, seen by the user")
                    # The bot reads the server's answer to its sendMessage just after: wait for
                    # it, so that it is not counted as the next question's.
                    deadline = time.perf_counter() + 10
                    while "sendMessage: answered" not in marks and time.perf_counter() < deadline:
                        await asyncio.sleep(0)
                    rows.append({stage: (at - started) * 1000 for stage, at in marks.items()})
    return rows[WARM_UP:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    index_dir = WORK / "timeline-index"
    build_index(Path(IndexSettings().corpus_dir), index_dir, load_embedder(IndexSettings().embedding_model))
    instrument()
    rows = asyncio.run(measure(index_dir, args.questions))
    stages = {stage for row in rows for stage in row}
    medians = {stage: statistics.median(row[stage] for row in rows if stage in row) for stage in stages}
    print(f"{args.questions} questions, one at a time; ms since the message was queued at the server (median)")
    for stage, at in sorted(medians.items(), key=lambda item: item[1]):
        print(f"{at:7.2f}  {stage}")


if __name__ == "__main__":
    main()
