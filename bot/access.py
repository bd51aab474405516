"""Who may use the bot (the optional allow-list) and who may administer it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessPolicy:
    allowed: frozenset[int]  # empty: everyone may ask
    admins: frozenset[int]

    @classmethod
    def of(cls, allowed: Iterable[int], admins: Iterable[int]) -> AccessPolicy:
        return cls(frozenset(allowed), frozenset(admins))

    def is_allowed(self, user_id: int | None) -> bool:
        if not self.allowed:
            return True
        # Admins need not be listed twice.
        return user_id is not None and (user_id in self.allowed or user_id in self.admins)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins
