"""The engine beside the naive baseline on one question set, measured in the same run."""

from __future__ import annotations

from pathlib import Path

from .baseline import NaiveBaseline
from .engine import Answer, Engine
from .evaluation import METRIC_LABELS, Outcome, Question, load_questions, run, score


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

    def ask(question: Question) -> Outcome:
        return outcome_of(engine.ask(question.question, k, question.history))

    def ask_alone(question: Question) -> Outcome:
        return outcome_of(engine.ask(question.question, k))

    naive = NaiveBaseline(Path(settings.corpus_dir), engine.embedder, top_k=k)
    report = {
        "file": str(path),
        "questions": len(questions),
        "engine": score(questions, run(questions, ask)).as_dict(),
        "baseline": score(questions, run(questions, lambda q: naive(q.question))).as_dict(),
    }
    if any(q.history for q in questions):
        # Follow-ups answered as if asked alone, in the same run: what the conversation adds.
        report["engine_alone"] = score(questions, run(questions, ask_alone)).as_dict()
    return report


def format_table(report: dict) -> str:
    columns = [("engine", "engine")] + ([("engine_alone", "engine, no history")] if "engine_alone" in report else [])
    columns.append(("baseline", "naive baseline"))
    widths = [max(10, len(title) + 2) for _, title in columns]
    rows = [f"{report['file']}: {report['questions']} questions ({report['engine']['answerable']} answerable)",
            f"{'metric':<26}" + "".join(f"{title:>{w}}" for (_, title), w in zip(columns, widths))]
    for key, label in METRIC_LABELS.items():
        cells = [report[method][key] for method, _ in columns]
        rows.append(f"{label:<26}" + "".join(f"{'n/a' if c is None else format(c, '.3f'):>{w}}" for c, w in zip(cells, widths)))
    return "\n".join(rows)
