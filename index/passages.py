"""Cutting articles into passages (what a user is shown) and scoring units (what is searched).

A passage is one paragraph, or a window of its sentences when the paragraph is long: it is
the text quoted to the user. Retrieval does not rely on passages embedded whole, because
one matching sentence is drowned in a long paragraph. Each passage has several units:

- the whole passage under its section heading (or the article title), for broad questions;
- each sentence alone, so a short precise question meets its sentence;
- each sentence in context: the heading and the sentence before it, even across a
  paragraph break, so "His tweet read, ..." inherits who "his" is from the text above;
  a sentence quoting another script also says which ("in Russian language"), so a question
  about the Russian tweet can meet a sentence that only shows Cyrillic.

Retrieval scores sentences from these units and a passage as its best sentence, which is
then the answer sentence shown in bold.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum

from .corpus import Article
from .text import split_sentences

# Bump when passages or units change, so an index built by another chunker is refused.
CHUNKER_VERSION = "5"
MAX_PASSAGE_WORDS = 160


@dataclass(frozen=True)
class Passage:
    article_id: str
    article_title: str
    position: int  # 1-based place of the passage in its article
    article_passages: int  # how many passages the article has, for "paragraph N of M"
    heading: str | None
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def context(self) -> str:
        """The nearest heading, or the article title where there is none."""
        return self.heading or self.article_title


class UnitKind(str, Enum):
    PASSAGE = "passage"
    SENTENCE = "sentence"
    SENTENCE_IN_CONTEXT = "context"


@dataclass(frozen=True)
class Unit:
    """A piece of text that is embedded and searched, pointing back at its passage."""

    kind: UnitKind
    passage: int  # index into the passage list
    sentence: int | None  # the sentence it stands for; None for a whole passage
    text: str


def make_passages(articles: list[Article]) -> list[Passage]:
    passages: list[Passage] = []
    for article in articles:
        chunks: list[tuple[str | None, tuple[str, ...]]] = []
        for paragraph in article.paragraphs:
            for window in _windows(split_sentences(paragraph.text)):
                chunks.append((paragraph.heading, window))
        for position, (heading, sentences) in enumerate(chunks, start=1):
            passages.append(Passage(article.id, article.title, position, len(chunks), heading, sentences))
    return passages


def make_units(passages: list[Passage]) -> list[Unit]:
    """Units in passage order; a function of the passages alone, so they need not be stored."""
    units: list[Unit] = []
    previous: str | None = None
    previous_article: str | None = None
    for index, passage in enumerate(passages):
        if passage.article_id != previous_article:
            previous, previous_article = None, passage.article_id
        units.append(Unit(UnitKind.PASSAGE, index, None, f"{passage.context}. {passage.text}{_language_note(passage.text)}"))
        for number, sentence in enumerate(passage.sentences):
            units.append(Unit(UnitKind.SENTENCE, index, number, sentence))
            context = f"{passage.context}. {previous}" if previous else passage.context
            units.append(Unit(UnitKind.SENTENCE_IN_CONTEXT, index, number, f"{context} {sentence}{_language_note(sentence)}"))
            previous = sentence
    return units


# The language a run of letters most likely is, named by the first word of its Unicode
# character names. A guess (Cyrillic is also Ukrainian, Serbian...), but it only adds a
# word to the sentence's context, never changes what the user is shown.
_SCRIPT_LANGUAGES = {
    "CYRILLIC": "Russian", "GREEK": "Greek", "ARABIC": "Arabic", "HEBREW": "Hebrew", "CJK": "Chinese",
    "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean", "DEVANAGARI": "Hindi", "THAI": "Thai",
}
_MIN_SCRIPT_LETTERS = 3


def quoted_languages(sentence: str) -> list[str]:
    """Languages of the non-Latin scripts a sentence contains (at least a few letters of each)."""
    if sentence.isascii():  # most text: skips a per-character loop that was half of a rebuild's cutting
        return []
    counts: dict[str, int] = {}
    for char in sentence:
        if char.isalpha() and not char.isascii():
            language = _SCRIPT_LANGUAGES.get(unicodedata.name(char, "").split(" ")[0])
            if language:
                counts[language] = counts.get(language, 0) + 1
    return [language for language, count in counts.items() if count >= _MIN_SCRIPT_LETTERS]


def _language_note(text: str) -> str:
    return "".join(f" (in {language} language)" for language in quoted_languages(text))


def _windows(sentences: list[str]) -> list[tuple[str, ...]]:
    """Consecutive runs of sentences of at most MAX_PASSAGE_WORDS words (a longer sentence stands alone)."""
    windows: list[tuple[str, ...]] = []
    current: list[str] = []
    size = 0
    for sentence in sentences:
        length = len(sentence.split())
        if current and size + length > MAX_PASSAGE_WORDS:
            windows.append(tuple(current))
            current, size = [], 0
        current.append(sentence)
        size += length
    if current:
        windows.append(tuple(current))
    return windows
