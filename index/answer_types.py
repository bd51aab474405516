"""Expected answer types: a "who" question wants a name, "how many" a number.

The classic answer-type check of question-answering systems: it does not say which
sentence answers, only that a sentence without a name cannot answer "who ...?". Retrieval
gives sentences that carry the expected kind of answer a small bonus. English and Russian
question words are known; any other question simply gets no expectation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from enum import Enum

from .lexical import STOPWORDS
from .text import words


class AnswerType(str, Enum):
    NAME = "name"  # who, whom, which company: a capitalised name the question does not contain
    NUMBER = "number"  # how many, how much, what price
    PLACE = "place"  # where
    TIME = "time"  # when, what year


_PATTERNS: list[tuple[re.Pattern[str], AnswerType]] = [
    (re.compile(r"^(how (many|much|old|long|big|large|often)|сколько)\b", re.I), AnswerType.NUMBER),
    (re.compile(r"^(who|whom|whose|кто|кого|кому|кем|чей|чья)\b", re.I), AnswerType.NAME),
    (re.compile(r"^(where|где|куда|откуда)\b", re.I), AnswerType.PLACE),
    (re.compile(r"^(when|what year|what time|когда)\b", re.I), AnswerType.TIME),
]
_NUMBER = re.compile(r"\d|\b(million|billion|thousand|hundred|dozen|half|twice)\b|[$€£¥₽]", re.I)
_TIME = re.compile(r"\d{4}|\b(january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|ago|"
                   r"earlier|later|this (week|month|year)|last (week|month|year))\b", re.I)
# A run of capitalised words: "Vlad Tenev", "San Francisco", "App Annie".
_NAME_RUN = re.compile(r"\b[A-ZА-ЯЁ][\w'’-]*(?:\s+[A-ZА-ЯЁ][\w'’-]*)*")


def expected_answer_type(question: str) -> AnswerType | None:
    stripped = question.strip().lstrip("¿¡\"'«“(")
    for pattern, answer_type in _PATTERNS:
        if pattern.search(stripped):
            return answer_type
    return None


@lru_cache(maxsize=256)
def _words_of(question: str) -> frozenset[str]:
    # Asked of every sentence of every candidate passage for the same question: tokenise once.
    return frozenset(words(question))


def carries_answer_type(sentence: str, answer_type: AnswerType, question: str) -> bool:
    """Whether the sentence holds something of the expected kind beyond the question's own words."""
    if answer_type is AnswerType.NUMBER:
        return bool(_NUMBER.search(sentence))
    if answer_type is AnswerType.TIME:
        return bool(_TIME.search(sentence))
    asked = _words_of(question)
    for run in _NAME_RUN.findall(sentence):
        # Stopwords drop sentence-initial capitals ("The", "As"); a name sharing a word
        # with the question ("Elon Musk" for "Musk") is what is asked about, not the answer.
        name = {w for part in re.split(r"[\s-]+", run) if part[:1].isupper() for w in words(part)} - STOPWORDS
        if name and not name & asked:
            return True
    return False
