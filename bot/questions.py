"""Questions the bot has answered, kept server-side under short keys.

A button's callback data may hold only 64 bytes, so "More passages" and the votes carry a
key into this store instead of the question. It lives in memory: after a restart old
buttons answer "too old" rather than guess.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from index import Passage


@dataclass(frozen=True)
class AskedQuestion:
    question: str
    shown: Passage  # the passage the reply quoted, which a vote is about
    history: tuple[str, ...] = ()  # the chat's earlier questions it was read with (a follow-up)
    answer: str = ""  # the sentence of `shown` in bold: what a 👍 says is the answer


class QuestionStore:
    """The most recent `capacity` questions; older ones are forgotten first."""

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, AskedQuestion] = OrderedDict()

    def add(self, asked: AskedQuestion) -> str:
        key = secrets.token_hex(5)
        while key in self._items:
            key = secrets.token_hex(5)
        self._items[key] = asked
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> AskedQuestion | None:
        return self._items.get(key)
