"""Every tuned number of ranking, answer-sentence choice and abstention, in one object.

A `Scoring` is plain data, fit by `python -m index calibrate` with k-fold cross-validation
(index/fitting.py) and shipped as `index/scoring.json`; the `SCORING_FILE` setting points at
another fit (for another model or corpus).

    passage score   = its best sentence's  ranking · features      (SENTENCE_FEATURES)
    answer sentence = the passage's sentence best by  answer · features
    confidence      = sigmoid(bias + abstention · features of the best passage)  (ABSTENTION_FEATURES)

Before any of these, `far_repair` decides which typo repairs of real words are undone
(repair_check.py): a setting of how the question is read, fit with the weights it changes.

Questions in Russian (cross_lingual.py) are scored by a second set of the same three parts,
`cross_lingual`, fit on Russian questions only, with the cosine at which a Russian word is
read as a corpus word; without it they are scored like any other question.

The ranking and answer weights are linear, so learning them is learning to rank: pairs of
a sentence that holds the answer and one that does not (fitting.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import EngineError

PACKAGED_SCORING = Path(__file__).with_name("scoring.json")

# What retrieval measures of each candidate sentence (retrieval.Retriever.signals).
SENTENCE_FEATURES = (
    "dense",  # best cosine of the question with the sentence alone, in context, or its passage
    "own_dense",  # cosine with the sentence alone
    "context_dense",  # cosine with the sentence under its heading, after the sentence before it
    "passage_dense",  # cosine with its whole passage
    "coverage",  # idf share of the question's content words in the sentence
    "context_coverage",  # idf share found only around it (heading, neighbours, its passage)
    "typed",  # 1 when it holds the kind of answer asked for (answer_types.py)
    # The same for "what did X tweet / say" alone: its own weight, because a quotation question
    # names people the opening paragraphs name too, and name coverage pulls it there.
    "quotation",  # 1 when the question asks for words said and the sentence quotes them
    "bm25",  # its passage's BM25 score over the question's best passage's
    # A follow-up's ("Who translated it?") reading with the conversation, 0 for other questions:
    "history_dense",  # best cosine with this question's embedding plus the earlier turn's
    "history_coverage",  # idf share of that reading's words in or around the sentence
    "previous_answer",  # 1 in the passage that answered the turn before
    # A question in Russian's cosines in the multilingual model (cross_lingual.py), 0 for others:
    "cross_dense",  # best of the sentence alone, in context, or its passage
    "cross_own_dense",  # the sentence alone
)

# What abstention looks at, worked out from one ranking (retrieval._features).
ABSTENTION_FEATURES = (
    "score",  # the best passage's ranking score
    "margin",  # the best passage's score less the second's: a clear winner is more often right
    "dense",  # cosine of the best sentence (alone, in context, or its passage)
    "answer_dense",  # cosine of the answer sentence alone
    "coverage",  # idf share of the question's words in the answer sentence
    "passage_coverage",  # ... in the best sentence or around it
    "unknown_words",  # share of the question's content words the corpus never uses
    "unknown_names",  # share of its capitalised names the corpus never uses
    "unmatched_words",  # idf share of the question's words in no candidate passage
    "type_missing",  # the question asks for a kind of answer (a number, a name) the answer sentence lacks
    "cross_dense",  # the best sentence's multilingual cosine (questions in Russian; 0 for others)
    "cross_answer_dense",  # the answer sentence's alone
    "cross_lift",  # cross_dense less the question's mean multilingual cosine over every unit
)


@dataclass(frozen=True)
class Abstention:
    """A logistic model: weights per ABSTENTION_FEATURES name, a bias, and the probability to answer at."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def confidence(self, features: dict[str, float]) -> float:
        z = self.bias + sum(weight * features[name] for name, weight in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Scoring:
    ranking: dict[str, float]  # weight per SENTENCE_FEATURES name; missing names weigh 0
    answer: dict[str, float]  # the same, for choosing the bold sentence inside a passage
    abstention: Abstention
    fitted_on: dict = field(default_factory=dict)  # model, question sets and held-out figures, for the record
    cross_lingual: CrossLingual | None = None  # questions in Russian; None: scored like the others
    # The cosine of a real word and its typo repair under which the repair is undone
    # (repair_check.py), for every question; None: repairs are never undone.
    far_repair: float | None = None

    def __post_init__(self) -> None:
        for part, names, allowed in (("ranking", self.ranking, SENTENCE_FEATURES), ("answer", self.answer, SENTENCE_FEATURES),
                                     ("abstention", self.abstention.weights, ABSTENTION_FEATURES)):
            unknown = set(names) - set(allowed)
            if unknown:
                raise EngineError(f"scoring: unknown {part} features: {', '.join(sorted(unknown))}")
        # Read on every question: kept as arrays in SENTENCE_FEATURES order.
        object.__setattr__(self, "_vectors", {
            part: np.array([getattr(self, part).get(name, 0.0) for name in SENTENCE_FEATURES]) for part in ("ranking", "answer")
        })

    def for_question(self, cross_lingual: bool) -> Scoring:
        """The weights a question is scored by: the cross-lingual part for one read across
        languages, when there is one."""
        return self.cross_lingual.scoring if cross_lingual and self.cross_lingual else self

    def weights(self, part: str) -> np.ndarray:
        """The `ranking` or `answer` weights as a vector over SENTENCE_FEATURES."""
        return self._vectors[part]

    def replace(self, **changes) -> Scoring:
        return replace(self, **changes)

    def as_dict(self) -> dict:
        data = {"ranking": self.ranking, "answer": self.answer, "abstention": asdict(self.abstention),
                "fitted_on": self.fitted_on}
        if self.far_repair is not None:
            data["far_repair"] = self.far_repair
        if self.cross_lingual:
            data["cross_lingual"] = {"word_match": self.cross_lingual.word_match, **self.cross_lingual.scoring.as_dict()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Scoring:
        abstention = data["abstention"]
        cross = data.get("cross_lingual")
        return cls(
            ranking={k: float(v) for k, v in data["ranking"].items()},
            answer={k: float(v) for k, v in data["answer"].items()},
            abstention=Abstention({k: float(v) for k, v in abstention["weights"].items()},
                                  float(abstention["bias"]), float(abstention["threshold"])),
            fitted_on=dict(data.get("fitted_on", {})),
            cross_lingual=CrossLingual(cls.from_dict(cross), _optional_float(cross["word_match"])) if cross else None,
            far_repair=_optional_float(data.get("far_repair")),
        )


@dataclass(frozen=True)
class CrossLingual:
    """How questions in Russian are scored: weights of their own, fit on Russian questions."""

    scoring: Scoring  # ranking, answer sentence and abstention
    word_match: float | None  # cosine at which a Russian word is read as a corpus word; None: never


def _optional_float(value) -> float | None:
    return None if value is None else float(value)


def load_scoring(path: Path | None = None) -> Scoring:
    """The fit at `path`, or the one shipped with the package."""
    path = path or PACKAGED_SCORING
    try:
        return Scoring.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise EngineError(f"cannot read scoring file {path}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise EngineError(f"scoring file {path} is not a scoring fit; run: python -m index calibrate FILES --write {path}") from None


def save_scoring(scoring: Scoring, path: Path) -> None:
    path.write_text(json.dumps(scoring.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
