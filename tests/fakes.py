"""Small builders of engine results, for tests that need an Answer without a model."""

from __future__ import annotations

from index import Answer, Hit, Passage


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
