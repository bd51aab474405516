"""Which bot message answered which user message, so that an edited question edits the
answer given to it instead of getting a second one below. A message asking several questions
(bot.several_questions) has an answer per question, each kept under its place in the message.

Kept in STATE_DB (bot.state's `sent_answers`) as long as the answers behind buttons
(ANSWER_BUTTONS_DAYS), so an edit after a restart still edits its answer; a question edited
later than that is answered as a new one. The chat and the asker are kept only as pseudonyms.
A digest of what was sent lets an edit that changes nothing skip the call Telegram would
refuse ("message is not modified"). The methods block: callers run them off the event loop.
They never raise for the database: the answer is sent by then, and a failed write costs no
more than an edit answered anew (logged as a warning).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from .questions import QuestionStore
from .state import StateDB, StateError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentAnswer:
    message_id: int  # the bot's message in the same chat
    fingerprint: str  # of what it shows (text, button labels), as last sent


class AnsweredMessages:
    """(chat id, question message id, question's place in it) -> the answer sent, kept as long
    as `questions` keeps the answers behind buttons, whose cut-off and clock it shares."""

    def __init__(self, state: StateDB, pseudonym: Callable[[int | None], str], questions: QuestionStore) -> None:
        self.state = state
        self._pseudonym = pseudonym
        self._questions = questions

    def remember(self, chat_id: int, question_id: int, answer_id: int, fingerprint: str, *, part: int = 0,
                 asker: int | None = None) -> None:  # fmt: skip
        """Blocking: message `answer_id` answers that question (of user `asker`), showing what
        `fingerprint` digests."""
        try:
            self.state.remember_sent({
                "chat": self._pseudonym(chat_id), "question_id": question_id, "part": part, "answer_id": answer_id,
                "shown": fingerprint, "asker": self._pseudonym(asker), "created_at": self._questions.now(),
            })  # fmt: skip
        except (sqlite3.Error, StateError) as exc:
            log.warning("could not keep which message answered a question (%s); an edit of it will be answered anew", exc)

    def answer_to(self, chat_id: int, question_id: int, part: int = 0) -> SentAnswer | None:
        """Blocking: the answer sent to that question, or None (never answered, or too long ago)."""
        try:
            sent = self.state.sent_answer(self._pseudonym(chat_id), question_id, part, self._questions.cutoff())
        except (sqlite3.Error, StateError) as exc:
            log.warning("could not read which message answered an edited question (%s); answering it anew", exc)
            return None
        return SentAnswer(*sent) if sent is not None else None

    def forget_from(self, chat_id: int, question_id: int, part: int) -> list[int]:
        """Blocking: forget the answers to the message's questions from `part` on (an edit asks
        fewer now); the ids of the messages they were."""
        try:
            return self.state.forget_sent_from(self._pseudonym(chat_id), question_id, part)
        except (sqlite3.Error, StateError) as exc:
            log.warning("could not read the answers to the questions an edit no longer asks (%s); they stay", exc)
            return []


def fingerprint(*parts: object) -> str:
    """A short digest of what a message shows."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).hexdigest()
