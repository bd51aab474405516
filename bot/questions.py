"""The answers behind buttons: what "More passages" and the votes need, kept in STATE_DB
under the short key the buttons carry.

A button's callback data may hold only 64 bytes, so "More passages" and the votes carry a
key into this store instead of the question. It is kept in the state database (bot.state's
`answers` table), so buttons keep working after a restart, for ANSWER_BUTTONS_DAYS; older
answers are pruned as new ones are kept, and a press on one of their buttons says why it
cannot be served. The methods block: callers run them off the event loop.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from index import Passage

from .feedback import Vote
from .state import StateDB

KEY_BYTES = 5  # 10 hex digits: "vote:<key>:down" stays far under the 64 bytes of callback data


@dataclass(frozen=True)
class AskedQuestion:
    question: str
    shown: Passage  # the passage the reply quoted, which a vote is about
    history: tuple[str, ...] = ()  # the chat's earlier questions it was read with (a follow-up)
    answer: str = ""  # the sentence of `shown` in bold: what a 👍 says is the answer


@dataclass(frozen=True)
class KeptAnswer:
    """An answer as the store keeps it: the question, whether "More passages" was served, and
    the interface language it was given in ("": not recorded, DEFAULT_LANGUAGE)."""

    asked: AskedQuestion
    more_shown: bool
    language: str = ""


class QuestionStore:
    """The answers of the last `days` days, in the state database."""

    def __init__(self, state: StateDB, days: int, clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.days = days
        self._clock = clock

    def add(self, asked: AskedQuestion, *, asker: str, language: str = "") -> str:
        """Blocking: keep an answer given in interface `language` (pruning what is past
        keeping); its key."""
        now = self._clock()
        row = {
            "created_at": now,
            "asker": asker,
            "question": asked.question,
            "history": json.dumps(list(asked.history), ensure_ascii=False),
            "passage": json.dumps(asdict(asked.shown), ensure_ascii=False),
            "answer": asked.answer,
            "more_press": None,
            "language": language,
        }
        while True:  # a random key; on the rare collision, another
            key = secrets.token_hex(KEY_BYTES)
            if self.state.add_answer({"key": key, **row}, prune_before=self.cutoff()):
                return key

    def get(self, key: str) -> KeptAnswer | None:
        """Blocking: the answer under `key`, or None when it is not kept (any more)."""
        row = self.state.answer(key)
        if row is None or row["created_at"] < self.cutoff():
            return None
        passage = json.loads(row["passage"])
        shown = Passage(**{**passage, "sentences": tuple(passage["sentences"])})
        asked = AskedQuestion(row["question"], shown, tuple(json.loads(row["history"])), row["answer"])
        return KeptAnswer(asked, row["more_press"] is not None, row["language"])

    # ---- what the presses leave on an answer -------------------------------------------------

    def claim_more(self, key: str, press_id: str) -> bool:
        """Blocking: True for the one press of "More passages" that may serve it (and for that
        press handled again after a restart)."""
        return self.state.claim_more(key, press_id)

    def release_more(self, key: str, press_id: str) -> None:
        """Blocking: serving "More passages" failed; it may be pressed again."""
        self.state.release_more(key, press_id)

    def toggle_vote(self, vote: Vote, press_id: str) -> str | None:
        """Blocking, durable: the voter's vote after press `press_id` (bot.state.toggle_vote)."""
        return self.state.toggle_vote(vote, press_id, self._clock())

    def claim_prompt(self, key: str, voter: str) -> bool:
        """Blocking: True the one time a voter is asked what was wrong with this answer."""
        return self.state.claim_prompt(key, voter, self._clock())

    def prompt_sent(self, key: str, voter: str, message_id: int) -> None:
        self.state.prompt_sent(key, voter, message_id)

    def prompted_answer(self, voter: str, message_id: int) -> str | None:
        """Blocking: the key of the answer whose prompt to `voter` is that message, or None."""
        return self.state.prompted_answer(voter, message_id)

    def now(self) -> float:
        """The store's clock (Unix time)."""
        return self._clock()

    def cutoff(self) -> float:
        """Answers kept before this (Unix time) are past keeping."""
        return self._clock() - timedelta(days=self.days).total_seconds()

    def prune(self) -> int:
        """Blocking: delete what is past keeping."""
        return self.state.prune_answers(self.cutoff())
