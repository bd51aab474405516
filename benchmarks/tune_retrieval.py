"""How the scoring fit generalises, and the measurements behind its choices: held-out figures only.

    python benchmarks/tune_retrieval.py tests/data/reader-questions.jsonl tests/data/extra.jsonl \
        --check ../shared/eval/dev.jsonl --seeds 3

Uses the index of the current settings (`python -m index build` first). Prints, for the
question sets given (pooled):
1. the scoring shipped in index/scoring.json and the hand weights it replaced, each scored on
   every question (the shipped fit has seen these questions: its row is in-sample);
2. k-fold cross-validation of `index.fitting.fit` for several fold seeds: the held-out
   figures, which are what a new question can expect, and their spread;
3. the abstention model on each candidate feature set (held-out, mean of the seeds), which is how
   fitting.ABSTENTION_INPUTS was chosen: the smallest set within noise of the best;
4. with --check, the sets that are never fit on (the shared dev set): the fit on all the
   given questions, scored on them.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import index.fitting as fitting  # noqa: E402
from index import Engine, IndexSettings  # noqa: E402
from index.evaluation import METRIC_LABELS, load_questions, score  # noqa: E402
from index.scoring import load_scoring  # noqa: E402

HAND = fitting.STARTING_POINT  # the hand weights every fit starts from
FEATURE_SETS = [
    ("dense", "passage_coverage", "unknown_words", "unknown_names"),
    ("dense", "passage_coverage", "unknown_words", "unknown_names", "type_missing"),
    ("score", "dense", "passage_coverage", "unknown_words", "unknown_names", "type_missing"),
    ("score", "margin", "dense", "answer_dense", "coverage", "passage_coverage", "unknown_words", "unknown_names",
     "unmatched_words", "type_missing"),
]
SHOWN = ("hit_at_1", "hit_at_3", "mrr", "answered_right_first", "false_abstain", "unanswerable_refused", "sentence_hit",
         "answered_sentence_right", "separation")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--check", action="append", default=[], help="a set never fit on, scored by the fit on all")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()

    engine = Engine.load(IndexSettings(), scoring=HAND)  # earlier turns read without the shipped fit
    questions = [q for path in args.files for q in load_questions(Path(path))]
    examples = fitting.collect(engine, questions)
    print(f"{len(questions)} questions from {', '.join(Path(p).name for p in args.files)}\n")
    print(_header())
    for name, scoring in (("hand weights (no fit)", HAND), ("shipped fit (in-sample)", load_scoring())):
        print(_row(name, score(questions, fitting.outcomes(examples, scoring)).as_dict()))
    held = []
    for seed in range(args.seeds):
        report = fitting.cross_validate(examples, HAND, folds=args.folds, seed=seed)
        held.append(report["held_out"])
        print(_row(f"{args.folds}-fold held-out, seed {seed}", report["held_out"]))
    if len(held) > 1:
        print(_row("held-out mean", _over_seeds(held, lambda v: sum(v) / len(v))))
        print(_row("held-out spread (max-min)", _over_seeds(held, lambda v: max(v) - min(v))))

    print(f"\nabstention inputs (held-out, mean of {args.seeds} fold seeds):")
    for features in FEATURE_SETS:
        reports = [fitting.cross_validate(examples, HAND, folds=args.folds, seed=seed,
                                          fitter=functools.partial(fitting.fit, abstention_inputs=features))
                   for seed in range(args.seeds)]
        mean = _over_seeds([r["held_out"] for r in reports], lambda v: sum(v) / len(v))
        mark = " (chosen)" if tuple(features) == fitting.ABSTENTION_INPUTS else ""
        print(_row(f"{len(features)} features{mark}", mean))

    if args.check:
        final = fitting.fit(examples, HAND)
        print("\nthe fit on all the questions above, on sets it never saw:")
        for path in args.check:
            checked = load_questions(Path(path))
            metrics = score(checked, fitting.outcomes(fitting.collect(engine, checked), final)).as_dict()
            print(_row(Path(path).name, metrics))


def _header() -> str:
    return f"{'':<32}" + "".join(f"{METRIC_LABELS[k][:13]:>15}" for k in SHOWN)


def _over_seeds(held: list[dict], summary) -> dict:
    """Each metric summarised over the seeds' held-out figures; None where a seed has none (a
    metric a set cannot give, as the ROC AUC of a set without unanswerable questions)."""
    return {k: None if any(h[k] is None for h in held) else summary([h[k] for h in held]) for k in SHOWN}


def _row(name: str, metrics: dict) -> str:
    return f"{name:<32}" + "".join(f"{metrics[k]:>15.3f}" if metrics[k] is not None else f"{'n/a':>15}" for k in SHOWN)


if __name__ == "__main__":
    main()
