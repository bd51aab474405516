"""What each chat has asked lately, so a follow-up ("Who translated it?") is read with it.

A conversation is one person in one chat: in a private chat the chat itself, in a group each
member's own thread of questions, so two people asking in the same group never answer each
other's "it". It keeps the last few questions and is forgotten after a quiet while, on
/start and on a new /ask. Memory is bounded: at most `max_chats` conversations, the least
recently active forgotten first, so it does not grow with the number of users.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class _Conversation:
    questions: list[str] = field(default_factory=list)
    last_active: float = 0.0


class Conversations:
    def __init__(self, *, quiet_seconds: float, max_turns: int = 3, max_chats: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet_seconds = quiet_seconds  # 0: no memory at all, every question stands alone
        self.max_turns = max_turns
        self.max_chats = max_chats
        self._clock = clock
        self._chats: OrderedDict[Hashable, _Conversation] = OrderedDict()
        self._lock = threading.Lock()  # the terminal chat and tests call from other threads

    def history(self, key: Hashable) -> tuple[str, ...]:
        """The chat's earlier questions, oldest first; empty after a quiet while."""
        with self._lock:
            conversation = self._chats.get(key)
            if conversation is None:
                return ()
            if self._clock() - conversation.last_active > self.quiet_seconds:
                del self._chats[key]
                return ()
            return tuple(conversation.questions)

    def add(self, key: Hashable, question: str) -> None:
        if self.quiet_seconds <= 0:
            return
        with self._lock:
            conversation = self._chats.pop(key, None) or _Conversation()
            if self._clock() - conversation.last_active > self.quiet_seconds:
                conversation.questions.clear()
            conversation.questions = (conversation.questions + [question])[-self.max_turns:]
            conversation.last_active = self._clock()
            self._chats[key] = conversation  # most recently active last
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._chats.pop(key, None)

    def forget_person(self, user_id: int | None) -> None:
        """Forget a person's conversations in every chat (/forget_me)."""
        with self._lock:
            for key in [k for k in self._chats if isinstance(k, tuple) and k[-1] == user_id]:
                del self._chats[key]

    def __len__(self) -> int:
        return len(self._chats)
