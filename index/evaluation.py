"""Answer-quality metrics over a question set (format: ../shared/eval/README.md).

A returned passage is a hit when one of the expected spans is a substring of it after
`normalize_for_match`. Unanswerable questions (no spans) should be refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import EngineError
from .text import normalize_for_match


@dataclass(frozen=True)
class Question:
    question: str
    answers: tuple[str, ...]
    history: tuple[str, ...] = ()  # the chat's earlier questions, oldest first (follow-ups)


@dataclass(frozen=True)
class Outcome:
    """What a method said about one question: did it answer, and which passages, best first."""

    answered: bool
    passages: tuple[str, ...]
    confidence: float = 0.0
    answer_sentence: str | None = None  # the sentence of the first passage shown in bold


@dataclass(frozen=True)
class Metrics:
    questions: int
    answerable: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    answered_right_first: float  # hit@1 counted only when the question is answered: what a user gets
    false_abstain: float  # share of answerable questions refused
    unanswerable_refused: float  # share of unanswerable questions refused
    sentence_hit: float | None  # share of answerable questions whose bold sentence holds the answer
    answered_sentence_right: float | None  # ... and answered: the bold sentence a user reads is the answer
    # How well confidence alone tells answerable from unanswerable questions, whatever the
    # threshold (ROC AUC); None without both kinds. What a better threshold cannot fix.
    separation: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def load_questions(path: Path) -> list[Question]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EngineError(f"cannot read question set {path}: {exc.strerror}") from None
    questions, to_label = [], 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row.get("needs_label") is True:  # exported by `python -m bot export-eval`, not labelled yet
                to_label += 1
                continue
            history = row.get("history", [])
            if not isinstance(history, list):
                raise TypeError("history is not a list")
            questions.append(Question(str(row["question"]), tuple(str(a) for a in row["answers"]),
                                      tuple(str(h) for h in history)))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise EngineError(f"{path}:{number}: not a {{question, answers[, history]}} JSON object") from None
    if not questions and to_label:
        raise EngineError(f"question set {path}: all {to_label} row(s) have needs_label: true; label some first")
    if not questions:
        raise EngineError(f"question set {path} is empty")
    return questions


def first_hit_rank(question: Question, passages: Iterable[str]) -> int | None:
    """1-based rank of the first passage containing an expected span, or None."""
    spans = [normalize_for_match(a) for a in question.answers]
    for rank, text in enumerate(passages, start=1):
        normalized = normalize_for_match(text)
        if any(span in normalized for span in spans):
            return rank
    return None


def score(questions: list[Question], outcomes: list[Outcome]) -> Metrics:
    """Metrics as in the eval README. Ranking metrics count every answerable question,
    answered or not; a refused answerable question is counted once more in false_abstain."""
    answerable = [(q, o) for q, o in zip(questions, outcomes) if q.answers]
    unanswerable = [o for q, o in zip(questions, outcomes) if not q.answers]
    ranks = [first_hit_rank(q, o.passages) for q, o in answerable]
    n = len(answerable) or 1
    return Metrics(
        questions=len(questions),
        answerable=len(answerable),
        hit_at_1=sum(1 for r in ranks if r == 1) / n,
        hit_at_3=sum(1 for r in ranks if r is not None and r <= 3) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        answered_right_first=sum(1 for r, (_, o) in zip(ranks, answerable) if r == 1 and o.answered) / n,
        false_abstain=sum(1 for _, o in answerable if not o.answered) / n,
        unanswerable_refused=(sum(1 for o in unanswerable if not o.answered) / len(unanswerable)) if unanswerable else 1.0,
        sentence_hit=(
            sum(1 for q, o in answerable if first_hit_rank(q, [o.answer_sentence or ""]) == 1) / n
            if all(o.answer_sentence is not None for _, o in answerable) else None
        ),
        answered_sentence_right=(
            sum(1 for q, o in answerable if o.answered and first_hit_rank(q, [o.answer_sentence or ""]) == 1) / n
            if all(o.answer_sentence is not None for _, o in answerable) else None
        ),
        separation=separation(np.array([o.confidence for _, o in answerable]), np.array([o.confidence for o in unanswerable])),
    )


def separation(answerable: np.ndarray, unanswerable: np.ndarray) -> float | None:
    """The chance that an answerable question gets more confidence than an unanswerable one
    (the area under the ROC curve; ties count half)."""
    if not len(answerable) or not len(unanswerable):
        return None
    above = (answerable[:, None] > unanswerable[None, :]).mean()
    return float(above + 0.5 * (answerable[:, None] == unanswerable[None, :]).mean())


def run(questions: list[Question], method: Callable[[Question], Outcome]) -> list[Outcome]:
    return [method(q) for q in questions]


METRIC_LABELS = {
    "hit_at_1": "hit@1",
    "hit_at_3": "hit@3",
    "mrr": "MRR",
    "answered_right_first": "answered, right first",
    "false_abstain": "false abstain",
    "unanswerable_refused": "unanswerable refused",
    "sentence_hit": "bold sentence hit",
    "answered_sentence_right": "answered, sentence right",
    "separation": "confidence ROC AUC",
}
