"""Cutting articles into passages (what a user is shown) and scoring units (what is searched).

A passage is one paragraph, or a window of its sentences when the paragraph is long: it is
the text quoted to the user. Retrieval does not rely on passages embedded whole, because
one matching sentence is drowned in a long paragraph. Each passage has several units:

- the whole passage under its section heading (or the article title), for broad questions;
- each sentence alone, so a short precise question meets its sentence;
- each sentence in context: the heading and the sentence before it, even across a
  paragraph break, so "His tweet read, ..." inherits who "his" is from the text above.

Retrieval scores sentences from these units and a passage as its best sentence, which is
then the answer sentence shown in bold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .corpus import Article
from .text import split_sentences

# Bump when passages or units change, so an index built by another chunker is refused.
CHUNKER_VERSION = "4"
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
        units.append(Unit(UnitKind.PASSAGE, index, None, f"{passage.context}. {passage.text}"))
        for number, sentence in enumerate(passage.sentences):
            units.append(Unit(UnitKind.SENTENCE, index, number, sentence))
            context = f"{passage.context}. {previous}" if previous else passage.context
            units.append(Unit(UnitKind.SENTENCE_IN_CONTEXT, index, number, f"{context} {sentence}"))
            previous = sentence
    return units


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
