"""Inline keyboards and the callback data their buttons carry (at most 64 bytes each).

    ex:<i>          ask example question i (an index into EXAMPLE_QUESTIONS)
    more:<key>      show the next passages for the question stored under key
    vote:<key>:up   the quoted passage answered the question (or :down)
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

EXAMPLE_PATTERN = r"^ex:(\d+)$"
MORE_PATTERN = r"^more:([0-9a-f]+)$"
VOTE_PATTERN = r"^vote:([0-9a-f]+):(up|down)$"


def examples_keyboard(examples: Sequence[str]) -> InlineKeyboardMarkup | None:
    if not examples:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(q, callback_data=f"ex:{i}")] for i, q in enumerate(examples)])


def answer_keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("More passages", callback_data=f"more:{key}")],
            [
                InlineKeyboardButton("👍", callback_data=f"vote:{key}:up"),
                InlineKeyboardButton("👎", callback_data=f"vote:{key}:down"),
            ],
        ]
    )
