"""The question log: what people asked, whether the article answered, what was shown.

For whoever runs the bot (`python -m bot report`, `export-eval`): the questions the article
does not answer, the answers given with little confidence. A row holds the asker only as the
keyed pseudonym of the votes (bot.privacy), never a Telegram id. Rows older than
QUESTION_LOG_DAYS are deleted as new ones are written and at start-up; 0 keeps no log.

Writing never holds up a reply: `record` hands the write to a thread and returns; `flush`
waits for the writes in flight (before STATE_DB is closed, and in tests).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from index import Answer

from .state import StateDB

log = logging.getLogger(__name__)


def iso(seconds: float) -> str:
    """Unix time as the ISO 8601 UTC text the state database stores (sortable as text)."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")


def question_row(answer: Answer, *, asker: str, language: str | None, when: float) -> dict[str, Any]:
    """The log's row for an engine's answer (state.QUESTION_FIELDS)."""
    hit = answer.hits[0] if answer.answered and answer.hits else None
    passage = hit.passage if hit else None
    return {
        "time": iso(when),
        "question": answer.question,
        "answered": int(answer.answered),
        "confidence": float(answer.confidence),
        "article_id": passage.article_id if passage else "",
        "article_title": passage.article_title if passage else "",
        "position": passage.position if passage else 0,
        "passage": passage.text if passage else "",
        "answer": hit.answer if hit else "",
        "language": language or "",
        "follow_up": int(answer.follow_up_of is not None),
        "asker": asker,
    }


class QuestionLog:
    def __init__(self, state: StateDB, days: int, clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.days = days  # 0: nothing is logged
        self._clock = clock
        self._writes: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self.days > 0

    def cutoff(self) -> str:
        """Questions logged before this (ISO 8601, UTC) are past keeping."""
        return iso(self._clock() - timedelta(days=self.days).total_seconds())

    def write(self, answer: Answer, *, asker: str, language: str | None) -> None:
        """Blocking: log one answer, pruning what is past keeping."""
        if self.enabled:
            row = question_row(answer, asker=asker, language=language, when=self._clock())
            self.state.log_question(row, prune_before=self.cutoff())

    def prune(self) -> int:
        """Blocking: delete what is past keeping (everything when the log is off)."""
        return self.state.prune_questions(self.cutoff() if self.enabled else "9999")  # "9999": after any time

    def record(self, answer: Answer, *, asker: str, language: str | None) -> None:
        """Log off the event loop, without waiting: a failed write is logged, never raised."""
        if not self.enabled:
            return
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._write_safely, answer, asker, language))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def flush(self) -> None:
        """Wait for the writes in flight."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    def _write_safely(self, answer: Answer, asker: str, language: str | None) -> None:
        try:
            self.write(answer, asker=asker, language=language)
        except Exception:  # the log is for the operator: a reply never fails for it
            log.warning("could not log a question", exc_info=True)
