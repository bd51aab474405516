"""Which bot message answered which user message, so that an edited question edits the
answer given to it instead of getting a second one below. A message asking several questions
(bot.several_questions) has an answer per question, each kept under its place in the message.

Kept in memory, the most recent `capacity` questions across all chats: after a restart, or
for an older question, an edit is answered as a new question, which is what it was before
this existed. A fingerprint of what was sent lets an edit that changes nothing skip the call
Telegram would refuse ("message is not modified").
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

CAPACITY = 10_000


@dataclass(frozen=True)
class SentAnswer:
    message_id: int  # the bot's message in the same chat
    fingerprint: str  # of what it shows (text, button labels), as last sent


class AnsweredMessages:
    """(chat id, question message id, question's place in it) -> the answer sent; least
    recently used forgotten first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._sent: OrderedDict[tuple[int, int, int], SentAnswer] = OrderedDict()

    def remember(self, chat_id: int, question_id: int, answer_id: int, fingerprint: str, part: int = 0) -> None:
        key = (chat_id, question_id, part)
        self._sent[key] = SentAnswer(answer_id, fingerprint)
        self._sent.move_to_end(key)
        while len(self._sent) > self.capacity:
            self._sent.popitem(last=False)

    def answer_to(self, chat_id: int, question_id: int, part: int = 0) -> SentAnswer | None:
        sent = self._sent.get((chat_id, question_id, part))
        if sent is not None:
            self._sent.move_to_end((chat_id, question_id, part))
        return sent

    def forget_from(self, chat_id: int, question_id: int, part: int) -> list[int]:
        """Forget the answers to the message's questions from `part` on (an edit asks fewer
        now); the ids of the messages they were."""
        dropped = []
        while (sent := self._sent.pop((chat_id, question_id, part), None)) is not None:
            dropped.append(sent.message_id)
            part += 1
        return dropped

    def __len__(self) -> int:
        return len(self._sent)


def fingerprint(*parts: object) -> str:
    """A short digest of what a message shows."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).hexdigest()
