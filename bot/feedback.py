"""A 👍/👎 vote on an answer, for whoever tunes the retrieval; bot.state stores them
(the `votes` table of STATE_DB), durably before the press is acknowledged.

A vote holds the question, the passage shown, its sentence shown in bold and the vote, and at most a pseudonym of
the voter (see `privacy.pseudonym`), never a Telegram id. It is the voter's current opinion of
one answer (`answer_key`, the key its buttons carry): pressing the same button again withdraws
it, pressing the other one changes it. After a 👎 the voter may say what was wrong (`comment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

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
    answer: str = ""  # the sentence shown in bold ("" in votes of earlier versions)
    # The answer voted on (bot.questions' key); votes of versions before it: "v2:<row id>"
    # or "imported:<n>", one per voter, question and passage (their last press).
    answer_key: str = ""
    comment: str = ""  # what was wrong, in the voter's words (a 👎 only)

    @classmethod
    def on(cls, question: str, passage: Passage, *, helpful: bool, voter: str, answer_key: str,
           answer: str = "") -> Vote:
        return cls(
            question=question,
            passage=passage.text,
            article_id=passage.article_id,
            article_title=passage.article_title,
            position=passage.position,
            vote="up" if helpful else "down",
            voter=voter,
            time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            answer=answer,
            answer_key=answer_key,
        )
