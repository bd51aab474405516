"""Small builders of engine results, and a fake engine, for tests that need an Answer
without a model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from index import Answer, Hit, Manifest, Passage
from index.store import ArticleInfo


def make_passage(
    sentences: tuple[str, ...] | list[str] = ("First sentence.", "Second sentence.", "Third sentence."),
    *,
    title: str = "An article",
    article_id: str = "article",
    position: int = 2,
    article_passages: int = 6,
    heading: str | None = None,
) -> Passage:
    return Passage(article_id, title, position, article_passages, heading, tuple(sentences))


def make_hit(passage: Passage | None = None, *, answer_sentence: int = 1, score: float = 0.9) -> Hit:
    return Hit(passage or make_passage(), score=score, dense=score, coverage=1.0, answer_sentence=answer_sentence)


def make_answer(question: str = "What?", hits: list[Hit] | None = None, *, answered: bool = True) -> Answer:
    hits = hits if hits is not None else [make_hit()]
    return Answer(question, answered, tuple(hits), 0.9 if answered else 0.1)


def make_manifest(*titles: str, passages: int = 6) -> Manifest:
    titles = titles or ("Why Is Everyone Talking About Clubhouse?",)
    articles = tuple(ArticleInfo(f"a{n}", title, "The Source", "2021-02-14", passages) for n, title in enumerate(titles))
    return Manifest(
        model="test/model", dimension=64, passage_count=passages * len(titles), unit_count=45, chunker_version="3",
        corpus_hash="h", built_at="2025-01-02T03:04:05+00:00", build_seconds=1.0, articles=articles,
    )  # fmt: skip


class FakeEngine:
    """Stands in for `index.Engine` where a test is about the bot, not retrieval: answers
    the questions of `answers` as given, and any other one as not answered."""

    def __init__(self, answers: dict[str, Answer] | None = None, manifest: Manifest | None = None) -> None:
        self.answers = answers or {}
        self.manifest = manifest or make_manifest()
        self.asked: list[tuple[str, int | None]] = []
        self.histories: list[tuple[str, ...]] = []  # the history each question was asked with

    def ask(self, question: str, top_k: int | None = None, history: Sequence[str] = ()) -> Answer:
        self.asked.append((question, top_k))
        self.histories.append(tuple(history))
        answer = self.answers.get(question) or make_answer(question, answered=False)
        # Like the engine, a question asked after others is marked as read with the last of them.
        return replace(answer, follow_up_of=history[-1]) if history else answer
