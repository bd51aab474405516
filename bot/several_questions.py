"""Several questions in one message: "Who is Vlad Tenev? And what did Musk tweet to Putin?"

People ask two things at once. The engine answers one question, and asked both as one it
answers the first and drops the second (the sentence about Vlad Tenev, nothing about the
tweet). So a message is split after each question mark that more words follow, and each part
is asked in turn (bot.replies.answer_each), the later ones with the earlier ones as their
conversation: "What did Musk tweet to Putin? Who translated it?" reads the second as a
follow-up of the first.

Not split: a question mark inside a word or a link ("?ref=1"), nor a part of fewer than
MIN_WORDS words ("Really? Musk invited Putin?", "Who did Musk invite? Why?"), nor a last part
that does not look like a question ("What did Musk tweet? really curious"): such a part stays
with the part beside it, as a tag does. At most MAX_QUESTIONS parts: the rest stays with the
last, so one message never turns into a flood of replies.
"""

from __future__ import annotations

import re

from .small_talk import looks_like_question

MAX_QUESTIONS = 3
MIN_WORDS = 2  # a part shorter than this ("Why?", "Really?") is no question of its own

# After one or more question marks (ASCII or full-width), where whitespace and more text follow.
_BREAK = re.compile(r"(?<=[?？])\s+(?=\S)")
_WORD = re.compile(r"\w+")


def questions_in(text: str) -> tuple[str, ...]:
    """The questions a message asks, in its order; the message itself when it asks one."""
    parts = [part.strip() for part in _BREAK.split(text.strip())]
    merged: list[str] = []
    for part in parts:
        if merged and (_too_short(merged[-1]) or _too_short(part) or not looks_like_question(part)):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    if len(merged) > MAX_QUESTIONS:
        merged[MAX_QUESTIONS - 1:] = [" ".join(merged[MAX_QUESTIONS - 1:])]
    return tuple(merged) if len(merged) > 1 else (text,)


def _too_short(part: str) -> bool:
    return len(_WORD.findall(part)) < MIN_WORDS
