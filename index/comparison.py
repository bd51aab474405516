"""The engine beside the naive baseline on one question set, measured in the same run."""

from __future__ import annotations

from pathlib import Path

from .baseline import NaiveBaseline
from .engine import Answer, Engine
from .evaluation import METRIC_LABELS, Outcome, load_questions, run, score


def outcome_of(answer: Answer) -> Outcome:
    """What eval scores of an engine answer: passages best first and the bold sentence."""
    best = answer.hits[0] if answer.hits else None
    return Outcome(answer.answered, tuple(h.passage.text for h in answer.hits), answer.confidence,
                   best.answer if best else "")


def evaluate_with_baseline(settings, path: Path) -> dict:
    """The engine and the naive baseline on one question set, measured in the same run."""
    questions = load_questions(path)
    engine = Engine.load(settings)
    k = max(3, settings.top_k)

    def ask(question: str) -> Outcome:
        return outcome_of(engine.ask(question, k))

    baseline = NaiveBaseline(Path(settings.corpus_dir), engine.embedder, top_k=k)
    return {
        "file": str(path),
        "questions": len(questions),
        "engine": score(questions, run(questions, ask)).as_dict(),
        "baseline": score(questions, run(questions, baseline)).as_dict(),
    }


def format_table(report: dict) -> str:
    rows = [f"{report['file']}: {report['questions']} questions ({report['engine']['answerable']} answerable)",
            f"{'metric':<22}{'engine':>10}{'naive baseline':>16}"]
    for key, label in METRIC_LABELS.items():
        cells = [report[method][key] for method in ("engine", "baseline")]
        rows.append(f"{label:<22}" + "".join(f"{'n/a' if c is None else format(c, '.3f'):>{w}}" for c, w in zip(cells, (10, 16))))
    return "\n".join(rows)
