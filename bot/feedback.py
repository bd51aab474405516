"""👍/👎 votes on answers, appended to a JSONL file for whoever tunes the retrieval.

A record holds the question, the passage shown and the vote, and at most a pseudonym of
the voter (see `privacy.pseudonym`), never a Telegram id. Each line is flushed and
fsynced so a crash loses no vote; callers run `append` off the event loop.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from index import Passage


@dataclass(frozen=True)
class Vote:
    question: str
    passage: str
    article_id: str
    article_title: str
    position: int
    vote: str  # "up" | "down"
    voter: str  # pseudonym, not the Telegram id
    time: str  # ISO 8601, UTC

    @classmethod
    def on(cls, question: str, passage: Passage, *, helpful: bool, voter: str) -> Vote:
        return cls(
            question=question,
            passage=passage.text,
            article_id=passage.article_id,
            article_title=passage.article_title,
            position=passage.position,
            vote="up" if helpful else "down",
            voter=voter,
            time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Votes arrive on several worker threads; one line must never interleave with another.
        self._lock = threading.Lock()

    def append(self, vote: Vote) -> None:
        """Blocking: write one line durably."""
        line = json.dumps(asdict(vote), ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(line)
                file.flush()
                os.fsync(file.fileno())
