"""The gist of what the bot reads, for "what is the article about?" and "tl;dr": each article's
title and lead, the opening sentences of its first passage.

A news article states its gist first (the inverted pyramid), so its lead says what it is about
better than whichever passage ranks best for the words "article" and "about" (the engine
refuses that question: no sentence answers it). Worked out from the index, like the example
questions: nothing of an article is written in the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from index import Manifest, Passage

# A lead is the first sentences of that many characters at most (always at least one, which
# the reply clips): two or three sentences of a news lead, a few lines on a phone.
LEAD_CHARS = 300


@dataclass(frozen=True)
class Gist:
    title: str
    lead: str


def gists_of(manifest: Manifest, passages: Iterable[Passage]) -> tuple[Gist, ...]:
    """One per article, in the manifest's order; an article without a passage has none."""
    first: dict[str, Passage] = {}
    for passage in passages:
        if passage.article_id not in first or passage.position < first[passage.article_id].position:
            first[passage.article_id] = passage
    return tuple(Gist(article.title, lead(first[article.id].sentences)) for article in manifest.articles
                 if article.id in first)  # fmt: skip


def lead(sentences: tuple[str, ...], limit: int = LEAD_CHARS) -> str:
    """The first sentences that fit in `limit` characters; the first one whatever its length."""
    taken: list[str] = []
    for sentence in sentences:
        if taken and len(" ".join([*taken, sentence])) > limit:
            break
        taken.append(sentence)
    return " ".join(taken)
