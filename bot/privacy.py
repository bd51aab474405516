"""Pseudonyms for user ids: logs and the feedback file never hold a raw Telegram id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(user_id: int | None, salt: str) -> str:
    """A keyed hash of the id (HMAC-SHA256, 16 hex digits): stable per salt, not reversible."""
    if user_id is None:
        return "anonymous"
    return hmac.new(salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:16]
