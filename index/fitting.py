"""Fitting the scoring weights on question sets, and measuring the fit on questions it did not see.

Every question is searched once (`Retriever.signals`); fitting then only re-weighs the
cached signals, so a whole grid of ranking weights and a logistic model cost seconds.

The fit, each step on the training questions only:
1. ranking weights: a small grid over the four weights that matter (coverage, the share
   a word counts for when found only around the sentence, the answer-type bonus and that
   of a quotation question; the cosine's weight stays 1 and sets the scale), choosing the
   point with the best mean reciprocal rank of the first answering passage, ties to the
   least move from the start;
2. answer-sentence weights: the same over its coverage and answer-type weights, choosing
   what most often puts the answer in the bold sentence;
3. abstention: logistic regression of "answerable" on the best passage's
   ABSTENTION_INPUTS (standardised, L2-penalised, classes weighing half each), then the
   probability threshold in the middle of the best plateau of balanced accuracy;
4. the cut under which a real word's typo repair is undone (repair_check.py): steps 1-3 for
   each FAR_REPAIR_GRID value, on the questions read with it, keeping the value whose fit
   serves them best (answered and right first, and unanswerable refused, weighing half each).
Freer fits were measured and rejected: coordinate ascent over every sentence feature and
pairwise logistic regression (learning to rank) matched the grid on held-out folds of the
project's own questions but lowered the shared dev set and the Russian questions, which
they never saw: more weights, more fitting to one set's quirks.

`cross_validate` repeats the fit k times, each time leaving one fold out, and scores the
left-out questions with the weights fit without them: those pooled held-out figures are
what a reader of a new question can expect. The figures on the questions a fit was made
on are printed beside them for contrast, never as the result.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .comparison import outcome_of
from .engine import Engine, judge
from .evaluation import Metrics, Outcome, Question, first_hit_rank, score
from .passages import Passage
from .retrieval import Across, Signals, rank
from .scoring import Abstention, CrossLingual, Scoring

RANKING_GRID = {
    "coverage": (0.3, 0.45, 0.6, 0.75, 0.9, 1.1, 1.3, 1.6),
    "context_share": (0.2, 0.4, 0.6, 0.8),
    "typed": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "quotation": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8),
}
# A follow-up's reading with the conversation (conversation.py), fit on the dialogues only:
# the history_* features are 0 for a question read alone, so these weights cannot move it.
HISTORY_GRID = {
    "history_dense": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5),
    "history_coverage": (0.0, 0.3, 0.6, 1.0),
    "previous_answer": (0.0, 0.05, 0.1, 0.2),
}
ANSWER_GRID = {
    "coverage": (0.0, 0.5, 1.0, 1.5, 2.0, 3.0),
    "typed": (0.0, 0.1, 0.2, 0.3, 0.5),
}
# What the abstention model is fit on: of scoring.ABSTENTION_FEATURES, the smallest set whose
# held-out figures on the project's questions were within noise of the best
# (benchmarks/tune_retrieval.py prints the comparison; docs/quality.md has its figures).
ABSTENTION_INPUTS = ("dense", "passage_coverage", "unknown_words", "unknown_names", "type_missing")
# Where every fit starts: the hand weights that came before fitting, never fit on the project's
# question sets. Grid ties go to the point nearest it, so a held-out figure never leans on a
# fit that saw the question (as the shipped one, fit on all of them, would).
STARTING_POINT = Scoring(
    ranking={"dense": 1.0, "coverage": 0.6, "context_coverage": 0.36, "typed": 0.15},
    answer={"own_dense": 1.0, "coverage": 1.0, "typed": 0.15},
    abstention=Abstention({"dense": 10.0, "passage_coverage": 5.0, "unknown_words": -2.5, "unknown_names": -5.0},
                          -4.82, 0.5),
)
L2 = 1.0  # ridge penalty of the abstention model, on standardised features
K = 3  # passages scored per question (hit@3)

# The cosine of a real word and the corpus word typo repair reads it as, under which the repair
# is undone (repair_check.py); None: never. Right repairs of real words sit high (write ->
# wrote), wrong ones low (counted -> touted); the fit chooses where between. None comes first
# and is where a fit starts: ties go to leaving repair alone.
FAR_REPAIR_GRID = (None, 0.3, 0.4, 0.5, 0.6, 0.7)

# Questions in Russian (cross_lingual.py) are fit apart, on Russian questions only, by the same
# steps over their own features: the multilingual cosine beside the English model's (on the
# question with its words read as English ones), coverage and the answer-type bonus.
# multilingual-e5-small's cosines are crowded (0.75-0.9 for most pairs), so its weight runs high.
CROSS_RANKING_GRID = {
    "cross_dense": (2.0, 4.0, 8.0, 16.0, 32.0),
    "dense": (0.0, 0.5, 1.0),
    "coverage": (0.0, 0.15, 0.3, 0.6),
    "context_share": (0.0, 0.3),
    "typed": (0.0, 0.1, 0.2),
}
CROSS_ANSWER_GRID = {
    "cross_own_dense": (0.0, 1.0, 3.0, 6.0),
    "coverage": (0.0, 0.5, 1.0, 2.0),
    "typed": (0.0, 0.2, 0.5),
}
# The cosine at which a Russian word is read as the corpus word nearest to it in the
# multilingual model, or None: never. multilingual-e5-small puts any two words above 0.8, so
# the grid sits high; a word read wrongly adds a wrong word to the question.
WORD_MATCH_GRID = (None, 0.86, 0.88, 0.9, 0.92)
# What the abstention model of questions in Russian is fit on: the English inputs with the
# multilingual cosine, less the unknown-word share. A Russian word the corpus does not know is
# mostly one the reading across languages left unread, not a sign of an off-topic question
# (the fit gave the share a positive weight). Without it, and without cross_lift (still a
# feature, so that fits made with it load), held-out answered and right first 0.664 -> 0.729
# over three fold seeds, refused 0.662 -> 0.653 (docs/quality.md).
CROSS_ABSTENTION_INPUTS = ("cross_dense",) + tuple(name for name in ABSTENTION_INPUTS if name != "unknown_words")
# Hand weights to start from, as STARTING_POINT is for English questions: never fit on a set.
CROSS_STARTING_POINT = CrossLingual(
    Scoring(ranking={"cross_dense": 4.0, "dense": 0.5, "coverage": 0.6, "context_coverage": 0.18, "typed": 0.1},
            answer={"own_dense": 1.0, "cross_own_dense": 3.0, "coverage": 1.0, "typed": 0.2},
            abstention=STARTING_POINT.abstention),
    0.9,
)
# The hand weights of both kinds: what tells which questions are read across languages.
_PROBE = STARTING_POINT.replace(cross_lingual=CROSS_STARTING_POINT)


@dataclass(frozen=True)
class Recipe:
    """What one kind of question's fit searches: its grids and the abstention model's inputs."""

    ranking_grid: dict
    ranking: Callable[..., dict[str, float]]
    answer_grid: dict
    answer: Callable[..., dict[str, float]]
    abstention_inputs: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    question: Question
    signals: Signals
    passages: list[Passage]  # the engine's, which the signals' passage numbers point into
    # A question in Russian, searched once per WORD_MATCH_GRID value (its signals: the first).
    readings: dict[float | None, Signals] = field(default_factory=dict)
    # Any other question, as read with each FAR_REPAIR_GRID value (its signals: the first);
    # values that undo the same repairs share one Signals.
    repairs: dict[float | None, Signals] = field(default_factory=dict)
    # Reciprocal ranks worked out so far, keyed by the ranking weights of the features this
    # question has: a grid point that only moves weights of features it lacks (a quotation
    # question's own bonus, a follow-up's) ranks it as before, so it is not ranked again.
    _reciprocal_ranks: dict[bytes, float] = field(default_factory=dict, init=False, compare=False, repr=False)
    _features_present: np.ndarray = field(init=False, compare=False, repr=False)  # columns not all 0
    _with_repair: dict[float | None, Example] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_features_present", self.signals.features.any(axis=0))

    def signals_for(self, scoring: Scoring) -> Signals:
        """The signals as this fit reads the question (its word_match, for one in Russian; its
        far_repair, for any other)."""
        if self.readings and scoring.cross_lingual is not None:
            return self.readings[scoring.cross_lingual.word_match]
        if self.repairs:
            return self.repairs[scoring.far_repair]
        return self.signals

    def reading(self, word_match: float | None) -> Example:
        return replace(self, signals=self.readings[word_match])

    def with_repair(self, far_repair: float | None) -> Example:
        """The question as read with this FAR_REPAIR_GRID value; kept, so that the ranks worked
        out for it are reused by every fold's fit."""
        if not self.repairs or self.repairs[far_repair] is self.signals:
            return self
        if far_repair not in self._with_repair:
            self._with_repair[far_repair] = replace(self, signals=self.repairs[far_repair])
        return self._with_repair[far_repair]

    def reciprocal_rank(self, scoring: Scoring) -> float:
        """1 / the rank of the first passage holding an answer (0: none in the first K)."""
        scoring = scoring.for_question(self.signals.cross_lingual)
        key = scoring.weights("ranking")[self._features_present].tobytes()
        if key not in self._reciprocal_ranks:
            ranked = rank(self.signals, self.passages, scoring, K).hits
            position = first_hit_rank(self.question, [h.passage.text for h in ranked])
            self._reciprocal_ranks[key] = 1.0 / position if position else 0.0
        return self._reciprocal_ranks[key]


def collect(engine: Engine, questions: list[Question], far_repair: float | None = None) -> list[Example]:
    """Search every question once: a question in Russian once per WORD_MATCH_GRID value (with
    `far_repair`), any other once per distinct reading of FAR_REPAIR_GRID's values (most
    questions repair no real word and are searched once). A follow-up's earlier turn is read
    with the engine's own scoring: give it STARTING_POINT when the figures must not lean on a
    fit of these questions."""
    examples = []
    for q in questions:
        reading = engine.reading(q.question, q.history)
        if not read_across(engine, q):
            cosines = engine.retriever.repair_cosines(q.question, reading)
            searched: dict[int, Signals] = {}  # by how many repairs the cut undoes
            repairs = {}
            for cut in FAR_REPAIR_GRID:
                undone = 0 if cut is None else sum(c < cut for c in cosines)
                if undone not in searched:
                    searched[undone] = engine.retriever.signals(q.question, reading, None, cut)
                repairs[cut] = searched[undone]
            examples.append(Example(q, repairs[FAR_REPAIR_GRID[0]], engine.passages, repairs=repairs))
            continue
        readings = {w: engine.retriever.signals(q.question, reading, Across(w), far_repair) for w in WORD_MATCH_GRID}
        examples.append(Example(q, readings[WORD_MATCH_GRID[0]], engine.passages, readings))
    return examples


def read_across(engine: Engine, question: Question) -> bool:
    """Whether a question is read through the multilingual model, and so fit apart."""
    return engine.across(question.question, _PROBE) is not None


def outcomes(examples: list[Example], scoring: Scoring) -> list[Outcome]:
    return [outcome_of(judge(e.signals_for(scoring), e.passages, e.question.question, K, scoring)) for e in examples]


def fit(examples: list[Example], start: Scoring, abstention_inputs: tuple[str, ...] = ABSTENTION_INPUTS) -> Scoring:
    """Every weight of questions not in Russian, on `examples`: for each FAR_REPAIR_GRID value
    (when they were collected with one) the weights as `fit_weights` fits them on the questions
    read with it, then the value whose fit serves those questions best (answered and right
    first, and unanswerable refused, weighing half each), ties to the start's, then to the
    grid's first (repair left alone)."""
    if not any(e.repairs for e in examples):
        return fit_weights(examples, start, abstention_inputs)
    # Cuts that read every question alike fit alike: each distinct reading is fit once.
    fits: dict[tuple[int, ...], tuple[float, Scoring]] = {}
    best_key, best = None, start
    for cut in FAR_REPAIR_GRID:
        reading = [e.with_repair(cut) for e in examples]
        alike = tuple(id(e.signals) for e in reading)
        if alike not in fits:
            fitted = fit_weights(reading, start.replace(far_repair=cut), abstention_inputs)
            metrics = score([e.question for e in reading], outcomes(reading, fitted))
            fits[alike] = (round((metrics.answered_right_first + metrics.unanswerable_refused) / 2, 9), fitted)
        served, fitted = fits[alike]
        key = (served, cut == start.far_repair)
        if best_key is None or key > best_key:
            best_key, best = key, fitted.replace(far_repair=cut)
    return best


def fit_weights(examples: list[Example], start: Scoring, abstention_inputs: tuple[str, ...] = ABSTENTION_INPUTS) -> Scoring:
    """Ranking weights, then follow-ups' weights, then answer-sentence weights, then
    abstention (a logistic model of `abstention_inputs`), all on `examples` as they were read."""
    answerable = [e for e in examples if e.question.answers and not e.question.history]
    ranking = _grid_search(RANKING_GRID, ranking_weights, _without(start.ranking, HISTORY_GRID),
                           lambda w: _mean_reciprocal_rank(answerable, start.replace(ranking=w)))
    follow_ups = [e for e in examples if e.question.answers and e.signals.follow_up]
    if follow_ups:
        history = _grid_search(HISTORY_GRID, lambda *v: dict(zip(HISTORY_GRID, v)), _only(start.ranking, HISTORY_GRID),
                               lambda w: _mean_reciprocal_rank(follow_ups, start.replace(ranking={**ranking, **w})))
        ranking = {**ranking, **{k: v for k, v in history.items() if v}}
    scoring = start.replace(ranking=ranking)
    answer = _grid_search(ANSWER_GRID, answer_weights, start.answer,
                          lambda w: _sentence_hits(answerable, scoring.replace(answer=w)))
    # Abstention is fit on single questions only, so reading follow-ups leaves their figures as they were.
    single = [e for e in examples if not e.question.history]
    return fit_abstention(single or examples, scoring.replace(answer=answer), abstention_inputs)


def fit_cross_lingual(examples: list[Example], start: Scoring) -> Scoring:
    """`start` with a cross_lingual part fit on `examples`, questions in Russian: for each
    WORD_MATCH_GRID value the ranking, answer-sentence and abstention weights, then the value
    whose fit ranks the answering passage best (mean reciprocal rank), ties to the nearest to
    the starting point's."""
    begin = start.cross_lingual or CROSS_STARTING_POINT
    best_key, best = None, begin
    for word_match in WORD_MATCH_GRID:
        reading = [e.reading(word_match) for e in examples]
        answerable = [e for e in reading if e.question.answers]
        ranking = _grid_search(CROSS_RANKING_GRID, cross_ranking_weights, begin.scoring.ranking,
                               lambda w: _mean_reciprocal_rank(answerable, begin.scoring.replace(ranking=w)))
        scoring = begin.scoring.replace(ranking=ranking)
        answer = _grid_search(CROSS_ANSWER_GRID, cross_answer_weights, begin.scoring.answer,
                              lambda w: _sentence_hits(answerable, scoring.replace(answer=w)))
        fitted = fit_abstention(reading, scoring.replace(answer=answer), CROSS_ABSTENTION_INPUTS)
        distance = abs((word_match or 1.0) - (begin.word_match or 1.0))
        key = (round(_mean_reciprocal_rank(answerable, fitted), 9), -distance)
        if best_key is None or key > best_key:
            best_key, best = key, CrossLingual(fitted, word_match)
    return start.replace(cross_lingual=best)


def cross_ranking_weights(cross_dense: float, dense: float, coverage: float, context_share: float,
                          typed: float) -> dict[str, float]:
    """A sentence for a question in Russian: its multilingual and English cosines, coverage
    (a word around it counting context_share of one in it) and the answer-type bonus."""
    return {"cross_dense": cross_dense, "dense": dense, "coverage": coverage,
            "context_coverage": round(coverage * context_share, 6), "typed": typed}


def cross_answer_weights(cross_own_dense: float, coverage: float, typed: float) -> dict[str, float]:
    """The bold sentence for a question in Russian: its own cosines in both models, coverage
    and the answer-type bonus."""
    return {"own_dense": 1.0, "cross_own_dense": cross_own_dense, "coverage": coverage, "typed": typed}


def _without(weights: dict[str, float], grid: dict) -> dict[str, float]:
    return {k: v for k, v in weights.items() if k not in grid}


def _only(weights: dict[str, float], grid: dict) -> dict[str, float]:
    return {k: weights.get(k, 0.0) for k in grid}


def ranking_weights(coverage: float, context_share: float, typed: float, quotation: float) -> dict[str, float]:
    """A passage's sentence: its best cosine, its coverage (a word around it counting
    context_share of one in it), the answer-type bonus and a quotation question's own one."""
    return {"dense": 1.0, "coverage": coverage, "context_coverage": round(coverage * context_share, 6), "typed": typed,
            "quotation": quotation}


def answer_weights(coverage: float, typed: float) -> dict[str, float]:
    """The bold sentence: its own cosine and coverage (context is shared with its
    neighbours, so it cannot tell them apart) and the answer-type bonus."""
    return {"own_dense": 1.0, "coverage": coverage, "typed": typed}


def _grid_search(grid: dict, make, start: dict[str, float], objective) -> dict[str, float]:
    """The grid point with the best objective; among equals the nearest to `start`."""
    best_key, best = None, start
    for values in itertools.product(*grid.values()):
        weights = make(*values)
        distance = sum(abs(weights.get(n, 0.0) - start.get(n, 0.0)) for n in set(weights) | set(start))
        key = (round(objective(weights), 9), -distance)
        if best_key is None or key > best_key:
            best_key, best = key, weights
    return best


def cross_validate(examples: list[Example], start: Scoring, folds: int = 5, seed: int = 0,
                   fitter: Callable[[list[Example], Scoring], Scoring] | None = None) -> dict:
    """Held-out figures: each question scored by the fit made without its fold (`fitter`:
    `fit`, the default, or `fit_cross_lingual` for questions in Russian)."""
    fitter = fitter or fit
    assignment = stratified_folds(examples, folds, seed)
    held_out: list[Outcome | None] = [None] * len(examples)
    thresholds = [0.0] * len(examples)  # the confidence each question's own fold fit answers at
    fold_rows = []
    for fold in range(folds):
        train = [e for e, f in zip(examples, assignment) if f != fold]
        test_index = [i for i, f in enumerate(assignment) if f == fold]
        fitted = fitter(train, start)
        test = [examples[i] for i in test_index]
        test_outcomes = outcomes(test, fitted)
        for i, outcome in zip(test_index, test_outcomes):
            held_out[i] = outcome
            thresholds[i] = fitted.for_question(examples[i].signals.cross_lingual).abstention.threshold
        fold_rows.append({"fold": fold, "questions": len(test),
                          "metrics": score([e.question for e in test], test_outcomes).as_dict(),
                          "scoring": _summary(fitted)})
    questions = [e.question for e in examples]
    dialogues = [i for i, e in enumerate(examples) if e.question.history]
    final = fitter(examples, start)
    return {
        "questions": len(examples),
        "folds": folds,
        "held_out": score(questions, held_out).as_dict(),
        "held_out_dialogues": score([questions[i] for i in dialogues], [held_out[i] for i in dialogues]).as_dict()
        if dialogues else None,
        "in_sample": score(questions, outcomes(examples, final)).as_dict(),
        "held_out_misses": misses(questions, held_out, thresholds),
        "per_fold": fold_rows,
        "scoring": final,
        "cross_lingual_fit": fitter is fit_cross_lingual,
    }


# The ways a user gets a question wrong, in the order `calibrate --misses` lists them.
MISS_KINDS = ("refused, right passage first", "refused, another passage first", "answered, another passage first",
              "answered, the article does not say")


def misses(questions: list[Question], held_out: list[Outcome], thresholds: list[float]) -> list[dict]:
    """The questions a user would have got wrong, as their held-out fold's fit answered them:
    answerable ones refused or answered with another passage first, unanswerable ones
    answered (MISS_KINDS). What to read before changing the method (`calibrate --misses`)."""
    rows = []
    for question, outcome, threshold in zip(questions, held_out, thresholds):
        position = first_hit_rank(question, outcome.passages) if question.answers else None
        if not question.answers:
            if not outcome.answered:
                continue
            kind = MISS_KINDS[3]
        elif outcome.answered:
            if position == 1:
                continue
            kind = MISS_KINDS[2]
        else:
            kind = MISS_KINDS[0] if position == 1 else MISS_KINDS[1]
        rows.append({"kind": kind, "question": question.question, "history": list(question.history),
                     "confidence": round(outcome.confidence, 3), "threshold": round(threshold, 3),
                     "right_passage_at": position, "first_passage": outcome.passages[0] if outcome.passages else None})
    return rows


def format_misses(report: dict) -> str:
    """`misses` as lines grouped by kind, each with its confidence against its fold's threshold."""
    rows = [f"held-out misses ({len(report['held_out_misses'])} of {report['questions']} questions):"]
    for kind in MISS_KINDS:
        group = [m for m in report["held_out_misses"] if m["kind"] == kind]
        if group:
            rows.append(f"  {kind} ({len(group)}):")
        for m in sorted(group, key=lambda m: m["confidence"]):
            after = f"  [after: {' / '.join(m['history'])}]" if m["history"] else ""
            rows.append(f"    {m['confidence']:.2f} vs {m['threshold']:.2f}  {m['question']}{after}")
    return "\n".join(rows)


def stratified_folds(examples: list[Example], folds: int, seed: int) -> list[int]:
    """A fold for each example; answerable and unanswerable questions dealt out separately,
    so every fold holds both in the same proportion."""
    assignment = [0] * len(examples)
    rng = random.Random(seed)
    for answerable in (True, False):
        members = [i for i, e in enumerate(examples) if bool(e.question.answers) is answerable]
        rng.shuffle(members)
        for position, i in enumerate(members):
            assignment[i] = position % folds
    return assignment


def _mean_reciprocal_rank(answerable: list[Example], scoring: Scoring) -> float:
    return sum(e.reciprocal_rank(scoring) for e in answerable) / max(len(answerable), 1)


def _sentence_hits(answerable: list[Example], scoring: Scoring) -> float:
    """Share of questions whose bold sentence (of the first passage) holds the answer."""
    hits = 0
    for e in answerable:
        ranked = rank(e.signals, e.passages, scoring.for_question(e.signals.cross_lingual), 1).hits
        hits += bool(ranked) and first_hit_rank(e.question, [ranked[0].answer]) == 1
    return hits / max(len(answerable), 1)


def fit_abstention(examples: list[Example], scoring: Scoring, inputs: tuple[str, ...] = ABSTENTION_INPUTS) -> Scoring:
    """`scoring` with the abstention model and its threshold fit on `examples`, ranked by it."""
    features = [rank(e.signals_for(scoring), e.passages, scoring, K).features for e in examples]
    x = np.array([[f[name] for name in inputs] for f in features], dtype=np.float64)
    y = np.array([1.0 if e.question.answers else 0.0 for e in examples])
    weights, bias = logistic_regression(x, y, L2)
    abstention = Abstention({n: round(float(w), 6) for n, w in zip(inputs, weights)}, round(bias, 6), 0.5)
    confidences = np.array([abstention.confidence(f) for f in features])
    threshold = plateau_threshold(confidences[y == 1], confidences[y == 0])
    return replace(scoring, abstention=replace(abstention, threshold=threshold))


def logistic_regression(x: np.ndarray, y: np.ndarray, l2: float, intercept: bool = True) -> tuple[np.ndarray, float]:
    """Weights and bias in the features' own units. Fit on standardised features by Newton's
    method, with each class weighing half (the sets hold more answerable questions than not)."""
    mean, scale = (x.mean(axis=0) if intercept else np.zeros(x.shape[1])), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1 if intercept else 0))])
    sample = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * len(y)
    # The penalty is per question-sized unit of evidence, so it means the same for any set size.
    penalty = np.full(z.shape[1], l2)
    if intercept:
        penalty[-1] = 0.0  # the bias is not shrunk
    beta = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -60, 60)))
        gradient = z.T @ (sample * (p - y)) + penalty * beta
        hessian = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = (beta[:-1] if intercept else beta) / scale
    return weights, (float(beta[-1] - (weights * mean).sum()) if intercept else 0.0)


def plateau_threshold(answerable: np.ndarray, unanswerable: np.ndarray) -> float:
    """The threshold with the best balanced accuracy; among equals, the middle of their run,
    as far from both kinds of error as the data allows."""
    observed = np.unique(np.concatenate([answerable, unanswerable]))
    candidates = (observed[:-1] + observed[1:]) / 2 if len(observed) > 1 else observed
    accuracy = [((answerable >= t).mean() + (unanswerable < t).mean()) / 2 for t in candidates]
    best = max(accuracy)
    chosen = [t for t, a in zip(candidates, accuracy) if a >= best - 1e-12]
    return float((chosen[0] + chosen[-1]) / 2)


def _summary(scoring: Scoring) -> dict:
    summary = {"ranking": {k: round(v, 2) for k, v in scoring.ranking.items()},
               "threshold": round(scoring.abstention.threshold, 3), "far_repair": scoring.far_repair}
    if scoring.cross_lingual:
        part = scoring.cross_lingual
        summary["cross_lingual"] = {"word_match": part.word_match, **_summary(part.scoring)}
    return summary


def format_report(report: dict) -> str:
    from .evaluation import METRIC_LABELS

    rows = [f"{report['questions']} questions, {report['folds']}-fold cross-validation",
            f"{'metric':<26}{'held-out folds':>16}{'in-sample (fit on all)':>24}"]
    for key, label in METRIC_LABELS.items():
        held, fit_ = report["held_out"][key], report["in_sample"][key]
        rows.append(f"{label:<26}" + "".join(f"{'n/a' if c is None else format(c, '.3f'):>{w}}"
                                              for c, w in ((held, 16), (fit_, 24))))
    if report.get("held_out_dialogues"):
        dialogues = report["held_out_dialogues"]
        rows.append(f"of which {dialogues['questions']} follow-ups with a history, held-out: " + ", ".join(
            f"{label} {dialogues[key]:.3f}" for key, label in METRIC_LABELS.items() if dialogues[key] is not None))
    rows.append("answered, right first per held-out fold: " + ", ".join(
        f"{r['metrics']['answered_right_first']:.2f}" for r in report["per_fold"]))
    final: Scoring = report["scoring"]
    if report.get("cross_lingual_fit"):
        part = final.cross_lingual
        rows.append(f"fit on all: words read across languages from cosine {part.word_match}")
        final = part.scoring
        rows.append(f"            ranking {final.ranking}")
    else:
        rows.append(f"fit on all: ranking {final.ranking}")
    rows.append(f"            answer sentence {final.answer}")
    rows.append(f"            abstention {final.abstention.weights}, bias {final.abstention.bias}, "
                f"threshold {final.abstention.threshold:.3f}")
    if not report.get("cross_lingual_fit"):
        cuts = [r["scoring"]["far_repair"] for r in report["per_fold"]]
        rows.append(f"            real words' typo repair undone under cosine {final.far_repair} "
                    f"(per held-out fold: {', '.join(str(c) for c in cuts)})")
    return "\n".join(rows)


__all__ = ["Example", "FAR_REPAIR_GRID", "collect", "cross_validate", "fit", "fit_cross_lingual", "fit_abstention",
           "fit_weights", "format_misses", "format_report", "logistic_regression", "Metrics", "misses", "outcomes",
           "plateau_threshold", "read_across", "stratified_folds"]
