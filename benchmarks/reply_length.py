"""How long the bot's replies are on a phone, before and after the quote is opened.

    python benchmarks/reply_length.py ../shared/eval/dev.jsonl [more.jsonl ...] [--each]

Uses the index of the current settings (`python -m index build` first). Each question goes
through the reply layer as a private message would (bot.replies), and the reply's HTML
through the local Bot API server's parser (tests/fake_telegram), which counts as Telegram
does: UTF-16 units of the text after the markup is removed. "Closed" is what shows before
the expandable quote is opened (the quote's body left out; Telegram also shows its first
three lines, faded); "opened" is the whole message. Prints the largest, the median and how
many replies stay under bot.render.VISIBLE_BUDGET; --each lists every question.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import replies  # noqa: E402
from bot.render import VISIBLE_BUDGET  # noqa: E402
from bot.reply import ChatContext, Reply  # noqa: E402
from bot.services import BotServices  # noqa: E402
from bot.settings import BotSettings  # noqa: E402
from index import Engine, IndexSettings  # noqa: E402
from tests.fake_telegram.text_format import format_message_text, utf16_len  # noqa: E402


def lengths(html: str) -> tuple[int, int]:
    """(closed, opened) in UTF-16 units, as Telegram parses the HTML."""
    text, entities = format_message_text(html, "HTML")
    hidden = sum(e.length for e in entities if e.type == "expandable_blockquote")
    return utf16_len(text) - hidden, utf16_len(text)


async def measure(engine: Engine, questions: list[str]) -> list[tuple[str, bool, int, int]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        settings = BotSettings(_env_file=None, state_db=Path(folder) / "bot.sqlite3", question_log_days=0,
                               rate_limit_per_minute=10**6)  # fmt: skip
        services = BotServices.create(settings)
        services.state.open()
        try:
            for number, question in enumerate(questions):
                # A chat of its own for each question: nothing is read as a follow-up.
                reply = await replies.answer_question(question, ChatContext(number, chat_id=number), engine, services)
                assert isinstance(reply, Reply)
                rows.append((question, reply.remember is not None, *lengths(reply.html)))
        finally:
            await services.question_log.flush()
            services.close_state()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="question sets (JSONL with a `question` field)")
    parser.add_argument("--each", action="store_true", help="list every question's lengths")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for path in args.files
                 for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    engine = Engine.load(IndexSettings())
    rows = asyncio.run(measure(engine, questions))
    if args.each:
        for question, answered, closed, opened in rows:
            print(f"{closed:4d} {opened:5d}  {'answer ' if answered else 'refusal'}  {question}")
        print()
    for label, subset in (("answers", [r for r in rows if r[1]]), ("refusals", [r for r in rows if not r[1]]), ("all", rows)):
        if not subset:
            continue
        closed, opened = [r[2] for r in subset], [r[3] for r in subset]
        print(f"{label:9s} {len(subset):3d}: closed max {max(closed)}, median {statistics.median(closed):.0f}; "
              f"opened max {max(opened)}, median {statistics.median(opened):.0f}; "
              f"under {VISIBLE_BUDGET} closed: {sum(c < VISIBLE_BUDGET for c in closed)}/{len(subset)}")  # fmt: skip


if __name__ == "__main__":
    main()
