"""Choosing the abstention threshold from data rather than by hand.

Every question of the given sets is answered once; each candidate threshold (a midpoint
between two observed confidences) is then scored by the share of answerable questions it
would wrongly refuse and the share of unanswerable ones it would rightly refuse. The
recommended threshold maximises balanced accuracy, and among equals sits in the middle of
the widest safe gap, so it generalises rather than hugging one question.
"""

from __future__ import annotations

from pathlib import Path

from .engine import Engine
from .evaluation import load_questions


def calibrate(engine: Engine, files: list[Path]) -> dict:
    answerable: list[float] = []
    unanswerable: list[float] = []
    for path in files:
        for question in load_questions(path):
            confidence = engine.ask(question.question).confidence
            (answerable if question.answers else unanswerable).append(confidence)
    if not answerable or not unanswerable:
        from .errors import EngineError

        raise EngineError("calibration needs both answerable and unanswerable questions")
    observed = sorted(set(answerable + unanswerable))
    candidates = [(a + b) / 2 for a, b in zip(observed, observed[1:])] or observed
    sweep = []
    for threshold in candidates:
        false_abstain = sum(c < threshold for c in answerable) / len(answerable)
        refused = sum(c < threshold for c in unanswerable) / len(unanswerable)
        sweep.append({"threshold": round(threshold, 4), "false_abstain": false_abstain,
                      "unanswerable_refused": refused, "balanced_accuracy": (1 - false_abstain + refused) / 2})
    best_accuracy = max(row["balanced_accuracy"] for row in sweep)
    best = [row["threshold"] for row in sweep if row["balanced_accuracy"] == best_accuracy]
    # The middle of the plateau of best thresholds: as far from both kinds of error as the data allows.
    recommended = round((best[0] + best[-1]) / 2, 3)
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "current_threshold": engine.threshold,
        "recommended_threshold": recommended,
        "best_balanced_accuracy": best_accuracy,
        "sweep": sweep,
    }


def format_sweep(result: dict) -> str:
    rows = [f"{result['answerable']} answerable, {result['unanswerable']} unanswerable questions",
            f"{'threshold':>10}{'false abstain':>15}{'unanswerable refused':>22}{'balanced acc':>14}"]
    for row in result["sweep"]:
        rows.append(f"{row['threshold']:>10.3f}{row['false_abstain']:>15.3f}{row['unanswerable_refused']:>22.3f}"
                    f"{row['balanced_accuracy']:>14.3f}")
    rows.append(f"recommended: ANSWER_THRESHOLD={result['recommended_threshold']} "
                f"(balanced accuracy {result['best_balanced_accuracy']:.3f}; now {result['current_threshold']})")
    return "\n".join(rows)
