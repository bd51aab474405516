"""Expected answer types: a "who" question wants a name, "how many" a number.

The classic answer-type check of question-answering systems: it does not say which
sentence answers, only that a sentence without a name cannot answer "who ...?". Retrieval
gives sentences that carry the expected kind of answer a small bonus. English and Russian
question words are known; any other question simply gets no expectation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .lexical import STOPWORDS
from .text import words


class AnswerType(str, Enum):
    NAME = "name"  # who, whom, which company: a capitalised name the question does not contain
    NUMBER = "number"  # how many, how much, what price
    AMOUNT = "amount"  # how much is it worth, what does it cost: a sum of money
    LENGTH = "length"  # how long: a span of time or a distance, a figure with its unit
    PLACE = "place"  # where
    TIME = "time"  # when, what year
    QUOTE = "quote"  # what did X say / tweet / write: the words themselves


_PATTERNS: list[tuple[re.Pattern[str], AnswerType]] = [
    # "How much is Clubhouse worth?", "What is it valued at?": a sum, not any number ("5 million
    # downloads" cannot answer it). English only: Russian asks "сколько стоит" and "во сколько
    # оценили" alike for a sum and for a count of anything.
    (re.compile(r"^how much\b.*\b(worth|costs?|cost(ed|ing)|value|valued|valuation|price|priced|pay|paid|charges?|"
                r"charged|raised?|earn(s|ed)?|spend|spent|sells?|sold|fund(s|ed|ing)?|fees?)\b"
                r"|^what(['’]s| is| was| are| were| does| did| do)?\b.*\b(worth|costs?|valued|valuation|price)\b", re.I),
     AnswerType.AMOUNT),
    # "How long did the session last?", "How long is the river?", "Сколько длилась сессия?": a
    # figure with its unit, not any number ("over 5000 users" cannot answer it).
    (re.compile(r"^(how long|как долго|(а |и )?сколько (времени|длил\w*|продолжал\w*|шл[аои]?|идёт|идет)|"
                r"какой длины|какова длина|какой продолжительности)\b", re.I), AnswerType.LENGTH),
    (re.compile(r"^(how (many|much|old|big|large|often)|сколько)\b", re.I), AnswerType.NUMBER),
    (re.compile(r"^(who|whom|whose|кто|кого|кому|кем|чей|чья|какая компания|какой аккаунт)\b", re.I), AnswerType.NAME),
    (re.compile(r"^(where|где|куда|откуда)\b", re.I), AnswerType.PLACE),
    # "When…", "In what year…", "Which century…", "On what day…".
    (re.compile(r"^((in|on|by|during|until|since|from|at)\s+)?"
                r"(when|(what|which)\s+(year|century|decade|month|day|date|time|season)|"
                r"когда|в каком году|в каком веке|какого числа|в какой день)\b", re.I), AnswerType.TIME),
]
# "What did X tweet / say / write (to Y)?", "What did the message read?": the words quoted.
_QUOTE_QUESTION = re.compile(
    r"^(what|so what|and what|что)\b.*\b(say|said|says|tweet|tweeted|tweets|write|wrote|written|post|posted|"
    r"ask|asked|tell|told|read|reads|message|reply|replied|quote|quoted|"
    r"написал|сказал|твитнул|спросил|пишет|говорит)\b",
    re.I,
)
# "Who is Elon Musk?", "who was he", "Кто такой Тенев?": a question asking what someone is (a
# definition question, in the terms of TREC's question classes), not for a name. The answer
# is a description ("the American entrepreneur", "CEO of Robinhood"), which may hold no other
# name; "Who is the CEO of Robinhood?" and "Who was Emma's brother?" still ask for one. The
# person is one to three words, with no article, possessive or preposition, and a clause
# after a comma ("…, according to the article?") is not part of it. A role ("who is robinhood
# ceo") is asked about by its holder's name.
_DEFINITION_QUESTION = re.compile(
    r"^(who(\s+(is|was|are|were)|['’]s|['’]re)\s+(?P<person>(?!(the|a|an|some|any|this|that|these|those|in|on|at|of|"
    r"to|for|with|from|by|behind|called|named|supposed|going|using|known)\b)[\w-]+(\s+[\w-]+){0,2})"
    r"|кто\s+(такой|такая|такие|это)\s+(?P<person_ru>[\w-]+(\s+[\w-]+){0,2}))\s*([,?!.]|$)",
    re.I,
)
_ROLE = re.compile(r"\b(ceo|cto|cfo|president|founder|co-founder|head|leader|chief|owner|boss|director|chairman|"
                   r"chair|manager|creator|author|inventor|host|investor|winner|founders|leaders|owners|investors)\b", re.I)
# Words between quotation marks, or after a colon that opens a quotation.
_QUOTATION = re.compile(r"[“\"«„][^”\"»“]{8,}[”\"»“]|:\s*[“\"«]")
# Figures in digits or in words ("three years", "five to ten"); "one" is left out, as it is more
# often a pronoun ("no one", "one of them") than a count.
_NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                 r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
                 r"thousands?|millions?|billions?|dozens?|half|twice")
# A sum of money: a currency sign or name beside a figure ("$1bn", "£90", "5 million dollars",
# "four million euros").
_MONEY = re.compile(rf"[$€£¥₽]\s?\d|(\d[\d.,]*|\b({_NUMBER_WORDS})\b)\s?(bn|m|k|million|billion|thousand)?\s?"
                    r"(dollars|euros|pounds|usd|eur|gbp|рубл\w*|доллар\w*|евро)\b", re.I)
_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b|[$€£¥₽]", re.I)
# A figure with a unit of time or of length ("380 years", "five to ten years", "3 km"), or a span
# counted from a time ("since the 1950s").
_LENGTH = re.compile(rf"(\d|\b({_NUMBER_WORDS}|a|an|several|few|many)\b)[\s,.-]*((to|or|and)\s+\S+\s+)?"
                     r"(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|century|"
                     r"millennia|millennium|nights?|km|kilometres?|kilometers?|miles?|metres?|meters?|feet|foot|"
                     r"ft|inches|inch|cm|mm|yards?)\b|\bsince\s+(the\s+)?\d", re.I)
# A year is 1000-2099 ("over 5000 users" names none).
_TIME = re.compile(r"\b(1\d{3}|20\d{2})s?\b|"
                   r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|ago|"
                   r"earlier|later|this (week|month|year)|last (week|month|year)|centur(y|ies)|decades?|"
                   r"\d{1,2}(st|nd|rd|th))\b", re.I)
# A run of capitalised words: "Vlad Tenev", "San Francisco", "App Annie", and brands that
# capitalise inside the word ("iPhones", "eBay").
_NAME_WORD = r"(?:[A-ZА-ЯЁ]|[a-z]+[A-Z])[\w'’-]*"
_NAME_RUN = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")


# "Which comedian is a regular?", "What nationality is the entrepreneur?", "In which city…?":
# the noun after "which", or after "what" before its verb, names the kind of thing asked for
# (the question's focus, in the terms of TREC's question analysis). A text gives an instance of
# it ("Kevin Hart", "The American entrepreneur") more often than the word itself. "What helped
# Clubhouse grow?" has no such noun: "what" is its subject.
_FOCUS_QUESTION = re.compile(
    r"^(?:(?:in|on|at|from|for|by|to|with|of|through|under)\s+)?"
    r"(?:which\s+(?P<which>[a-z][\w'’-]*)"
    r"|what\s+(?P<what>[a-z][\w'’-]*)\s+(?:is|are|was|were|does|do|did|has|have|had|can|could|would|will|of)\b)",
    re.I,
)


def _opening(question: str) -> str:
    """The question from its first word: the patterns above match at its start."""
    return question.strip().lstrip("¿¡\"'«“(")


def focus_word(question: str) -> str | None:
    """The noun of a "which …" or "what … is/does/of" question that names the kind of answer it
    wants, lower case ("comedian", "nationality"), or None."""
    found = _FOCUS_QUESTION.match(_opening(question))
    if found is None:
        return None
    word = (found.group("which") or found.group("what")).lower()
    return None if word in STOPWORDS else word


def expected_answer_type(question: str) -> AnswerType | None:
    stripped = _opening(question)
    if _QUOTE_QUESTION.search(stripped):
        return AnswerType.QUOTE
    if _asks_what_someone_is(stripped):
        return None
    for pattern, answer_type in _PATTERNS:
        if pattern.search(stripped):
            return answer_type
    return None


def _asks_what_someone_is(question: str) -> bool:
    """A definition question ("Who is Elon Musk?"), rather than one asking for a name."""
    asked = _DEFINITION_QUESTION.search(question)  # a clause after a comma is not part of the person
    if asked is None:
        return False
    person = asked.group("person") or asked.group("person_ru")
    return not _ROLE.search(person)


@dataclass(frozen=True)
class AnswerEvidence:
    """What kinds of answer a sentence holds, worked out once when the index loads, so that
    checking a sentence against a question is a few set operations."""

    number: bool
    money: bool
    length: bool
    time: bool
    quotation: bool
    names: tuple[frozenset[str], ...]  # each run of capitalised words, as its words less stopwords

    def carries(self, answer_type: AnswerType, question_words: frozenset[str]) -> bool:
        """Whether the sentence holds something of the expected kind beyond the question's own words."""
        if answer_type is AnswerType.NUMBER:
            return self.number
        if answer_type is AnswerType.AMOUNT:
            return self.money
        if answer_type is AnswerType.LENGTH:
            return self.length
        if answer_type is AnswerType.TIME:
            return self.time
        if answer_type is AnswerType.QUOTE:
            return self.quotation
        # A name sharing a word with the question ("Elon Musk" for "Musk") is what is asked
        # about, not the answer.
        return any(not name & question_words for name in self.names)


def answer_evidence(sentence: str) -> AnswerEvidence:
    names = []
    for run in _NAME_RUN.findall(sentence):
        # Stopwords drop sentence-initial capitals ("The", "As").
        parts = [part for part in re.split(r"[\s-]+", run) if any(c.isupper() for c in part)]  # not "-based"
        name = frozenset(w for part in parts for w in words(part)) - STOPWORDS
        if name:
            names.append(name)
    return AnswerEvidence(bool(_NUMBER.search(sentence)), bool(_MONEY.search(sentence)), bool(_LENGTH.search(sentence)),
                          bool(_TIME.search(sentence)),
                          bool(_QUOTATION.search(sentence)), tuple(names))
