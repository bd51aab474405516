"""`python -m index`: build the index, ask questions, measure answer quality.

Thin wrappers over the library; every EngineError becomes one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from .build import build_index
from .corpus import corpus_changed
from .embedding import load_embedder
from .engine import Answer, Engine
from .errors import EngineError, IndexUnavailable
from .multilingual import load_multilingual
from .onnx_embedder import ONNX_DIR, read_facts
from .store import read_index
from .settings import IndexSettings, describe_error


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = IndexSettings()
    except ValidationError as exc:
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return 2
    try:
        return args.command(settings, args)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def cmd_build(settings: IndexSettings, args: argparse.Namespace) -> int:
    if args.if_missing:
        try:
            stored = read_index(Path(settings.index_dir), model=settings.embedding_model)
            if settings.embedding_backend != "torch":
                read_facts(Path(settings.index_dir) / ONNX_DIR, model=settings.embedding_model)
        except IndexUnavailable as exc:
            print(f"building: {exc}", file=sys.stderr)
        else:
            if not corpus_changed(Path(settings.corpus_dir), stored.manifest.corpus_hash):
                print(f"index in {settings.index_dir} is up to date with its corpus, model and chunker; not rebuilt")
                return 0
            # Only the changed articles' units are embedded again (embedding_cache.py).
            print(f"building: {settings.corpus_dir} changed since the index was built", file=sys.stderr)
    embedder = load_embedder(settings.embedding_model)
    # Every core for the build's thousands of units (serving runs it on one thread).
    multilingual = load_multilingual(settings.multilingual_model, threads=None) if settings.multilingual_model else None
    report = build_index(Path(settings.corpus_dir), Path(settings.index_dir), embedder, progress=sys.stderr.isatty(),
                         multilingual=multilingual)
    print(report.summary())
    if settings.embedding_backend != "torch" and not report.onnx_written:
        print(f"error: EMBEDDING_BACKEND={settings.embedding_backend} cannot serve this model; set EMBEDDING_BACKEND=torch",
              file=sys.stderr)
        return 1
    return 0


def cmd_ask(settings: IndexSettings, args: argparse.Namespace) -> int:
    engine = Engine.load(settings)
    questions = [" ".join(args.question)] if args.question else _lines(sys.stdin)
    for line in questions:
        question, history = _question_and_history(line)
        answer = engine.ask(question, args.top, history)
        threshold = engine.threshold_for(answer.cross_lingual)
        print(json.dumps(answer_json(answer, threshold), ensure_ascii=False) if args.json else render_plain(answer, threshold),
              flush=True)
    return 0


def cmd_eval(settings: IndexSettings, args: argparse.Namespace) -> int:
    from .comparison import evaluate_with_baseline, format_table
    from .evaluation import Metrics

    # Checked before the (slow) evaluation, so a typo in a limit fails at once.
    floors, ceilings = (_limits(specs, Metrics.__dataclass_fields__) for specs in (args.floor, args.ceiling))
    report = evaluate_with_baseline(settings, Path(args.file))
    if args.json:
        print(json.dumps(report, indent=None))
    else:
        print(format_table(report))
    return _check_limits(report["engine"], floors, ceilings, "eval outside its limits: ")


def cmd_calibrate(settings: IndexSettings, args: argparse.Namespace) -> int:
    from .evaluation import Metrics, load_questions
    from .fitting import (STARTING_POINT, collect, cross_validate, fit_cross_lingual, format_misses, format_report,
                          read_across)
    from .scoring import CrossLingual, save_scoring

    metrics = Metrics.__dataclass_fields__
    # Checked before the (slow) search of every question, so a typo in a limit fails at once.
    limits = {
        "english": tuple(_limits([s for s in specs if not s.startswith(CROSS_LINGUAL_PREFIX)], metrics)
                         for specs in (args.floor, args.ceiling)),
        "cross_lingual": tuple(_limits([s.removeprefix(CROSS_LINGUAL_PREFIX) for s in specs
                                        if s.startswith(CROSS_LINGUAL_PREFIX)], metrics)
                               for specs in (args.floor, args.ceiling)),
    }
    # Not the shipped fit: it was fit on these questions (fitting.STARTING_POINT says why).
    engine = Engine.load(settings, scoring=STARTING_POINT)
    files = {path: load_questions(Path(path)) for path in args.files}
    questions = [q for listed in files.values() for q in listed]
    # Questions in Russian are fit apart (fitting.fit_cross_lingual), so they leave the
    # other questions' fit, and its folds, exactly as without them; they are read with the
    # typo repair check the English fit chose, as the engine will read them.
    across = [read_across(engine, q) for q in questions]
    english = collect(engine, [q for q, a in zip(questions, across) if not a])
    if not english:
        raise EngineError("calibrate needs questions in English besides any in Russian")
    report = cross_validate(english, STARTING_POINT, folds=args.folds, seed=args.seed)
    fitted = report["scoring"].replace(fitted_on=_fitted_on(settings, files, english, report))
    reports = {"english": report}
    russian = collect(engine, [q for q, a in zip(questions, across) if a], fitted.far_repair)
    examples = english + russian
    if russian:
        cross = cross_validate(russian, STARTING_POINT, folds=args.folds, seed=args.seed, fitter=fit_cross_lingual)
        reports["cross_lingual"] = cross
        part = cross["scoring"].cross_lingual
        fitted = fitted.replace(cross_lingual=CrossLingual(
            part.scoring.replace(fitted_on=_fitted_on(settings, files, russian, cross)), part.word_match))
    if args.json:
        print(json.dumps({**report, "scoring": fitted.as_dict(),
                          "cross_lingual": {k: v for k, v in reports.get("cross_lingual", {}).items() if k != "scoring"}
                          or None}, default=str))
    else:
        print(format_report(report))
        if args.misses:
            print("\n" + format_misses(report))
        if russian:
            print(f"\nquestions in Russian, read through the multilingual model ({settings.multilingual_model}), "
                  "fit apart:")
            print(format_report(reports["cross_lingual"]))
            if args.misses:
                print("\n" + format_misses(reports["cross_lingual"]))
    if args.write:
        save_scoring(fitted, Path(args.write))
        print(f"wrote the fit on all {len(examples)} questions to {args.write}", file=sys.stderr)
    failures = 0
    for part, (floors, ceilings) in limits.items():
        if part in reports:
            label = "held-out " + ("" if part == "english" else CROSS_LINGUAL_PREFIX)
            failures |= _check_limits(reports[part]["held_out"], floors, ceilings, f"calibration outside its limits: {label}")
        elif floors or ceilings:
            print(f"calibration outside its limits: no questions in Russian for the {CROSS_LINGUAL_PREFIX} limits",
                  file=sys.stderr)
            failures = 1
    return failures


# `--floor cross_lingual.hit_at_3=0.9`: a limit on the questions in Russian, fit apart.
CROSS_LINGUAL_PREFIX = "cross_lingual."


def _fitted_on(settings: IndexSettings, files: dict, examples: list, report: dict) -> dict:
    """What a fit was made on, for the record: model, the backend that embedded the questions
    (a fit belongs to both), question sets, held-out figures."""
    asked = {id(e.question) for e in examples}
    sets = [Path(path).name for path, questions in files.items() if any(id(q) in asked for q in questions)]
    return {"model": settings.embedding_model if not examples[0].readings else
            f"{settings.embedding_model} + {settings.multilingual_model}",
            "embedding_backend": settings.embedding_backend,
            "question_sets": sets, "questions": len(examples),
            "held_out": {k: round(v, 3) for k, v in report["held_out"].items() if isinstance(v, float)}}


def answer_json(answer: Answer, threshold: float) -> dict:
    """One answer as `ask --json` prints it: `confidence` is what decides, against `threshold`
    (the one this kind of question is held to); a passage's `score` only orders the passages."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "confidence": round(answer.confidence, 4),
        "threshold": round(threshold, 4),
        "follow_up_of": answer.follow_up_of,
        "refers_back": answer.refers_back,
        "cross_lingual": answer.cross_lingual,
        "read_as": dict(answer.read_as),
        "passages": [
            {
                "text": hit.passage.text,
                "score": round(hit.score, 4),
                "answer": hit.answer,
                "article": hit.passage.article_title,
                "position": hit.passage.position,
            }
            for hit in answer.hits
        ],
    }


def render_plain(answer: Answer, threshold: float) -> str:
    if not answer.hits:
        return f"Q: {answer.question}\n  (no passages)"
    # The confidence is what decides; the passages' ranking scores only order them.
    verdict = "answered" if answer.answered else "not answered"
    read = ", read in Russian through the multilingual model" if answer.cross_lingual else ""
    lines = [f"Q: {answer.question}",
             f"  {verdict}: confidence {answer.confidence:.2f}, the bot answers at {threshold:.2f} or more{read}"]
    if answer.read_as:
        lines.append("  read as: " + ", ".join(f"{asked} -> {word}" for asked, word in answer.read_as))
    if answer.follow_up_of:
        lines.append(f"  a follow-up, read with: {answer.follow_up_of}")
    elif answer.refers_back:
        lines.append("  refers back to an earlier question, but none was given: read alone")
    if not answer.answered:
        lines.append("  The article does not seem to answer this. Closest passages:")
    for rank, hit in enumerate(answer.hits, start=1):
        p = hit.passage
        lines.append(f"  {rank}. [{p.article_title}, paragraph {p.position} of {p.article_passages}; ranking score {hit.score:.2f}]")
        lines.append(f"     {p.text}")
        lines.append(f"     answer: {hit.answer}")
    return "\n".join(lines)


def _check_limits(figures: dict, floors: list[tuple[str, float]], ceilings: list[tuple[str, float]], prefix: str) -> int:
    """Each figure outside its floor or ceiling as one line on stderr; exit status 1 if any."""
    failures = [f"{name} {figures[name]:.3f} < floor {limit}" for name, limit in floors if figures[name] < limit]
    failures += [f"{name} {figures[name]:.3f} > ceiling {limit}" for name, limit in ceilings if figures[name] > limit]
    for failure in failures:
        print(f"{prefix}{failure}", file=sys.stderr)
    return 1 if failures else 0


def _limits(specs: list[str], metrics) -> list[tuple[str, float]]:
    limits = []
    for spec in specs:
        name, _, value = spec.partition("=")
        if name not in metrics:
            raise EngineError(f"unknown metric {name!r}; one of: {', '.join(metrics)}")
        try:
            limits.append((name, float(value)))
        except ValueError:
            raise EngineError(f"limit {spec!r} is not METRIC=NUMBER") from None
    return limits


def _question_and_history(line: str) -> tuple[str, list[str]]:
    """A plain line is a question; `{"question": ..., "history": [...]}` one asked after those."""
    if line.startswith("{"):
        try:
            row = json.loads(line)
            if isinstance(row, dict) and isinstance(row.get("question"), str):
                history = row.get("history") or []
                if isinstance(history, list) and all(isinstance(h, str) for h in history):
                    return row["question"], history
        except ValueError:
            pass
        raise EngineError('a line starting with "{" must be {"question": "...", "history": ["...", ...]}')
    return line, []


def _lines(stream):
    for line in stream:
        if line.strip():
            yield line.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="rebuild the index from the corpus")
    build.add_argument("--if-missing", action="store_true",
                       help="do nothing if a usable index of CORPUS_DIR as it is, for the configured model and chunker, exists")
    build.set_defaults(command=cmd_build)

    ask = commands.add_parser("ask", help="answer questions (arguments, or one per line on stdin)")
    ask.add_argument("question", nargs="*", help="the question; none: read questions from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--top", type=_positive, default=None, metavar="K", help="passages per question (default TOP_K)")
    ask.set_defaults(command=cmd_ask)

    evaluate = commands.add_parser("eval", help="answer-quality metrics on a question set, beside the naive baseline")
    evaluate.add_argument("file", help="JSONL question set (see ../shared/eval/README.md)")
    evaluate.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    evaluate.add_argument("--floor", action="append", default=[], metavar="METRIC=VALUE",
                          help="exit 1 if METRIC falls below VALUE (e.g. hit_at_1=0.8); repeatable")
    evaluate.add_argument("--ceiling", action="append", default=[], metavar="METRIC=VALUE",
                          help="exit 1 if METRIC rises above VALUE (e.g. false_abstain=0.1); repeatable")
    evaluate.set_defaults(command=cmd_eval)

    calibrate = commands.add_parser(
        "calibrate", help="fit the scoring weights with k-fold cross-validation; print held-out-fold figures")
    calibrate.add_argument("files", nargs="+", help="JSONL question sets with answerable and unanswerable questions")
    calibrate.add_argument("--folds", type=_positive, default=5, help="folds of the cross-validation (default 5)")
    calibrate.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    calibrate.add_argument("--write", metavar="FILE", help="write the fit on all questions here (e.g. index/scoring.json)")
    calibrate.add_argument("--json", action="store_true")
    calibrate.add_argument("--misses", action="store_true",
                           help="also list the held-out misses: answerable questions refused or answered with another "
                                "passage first, unanswerable ones answered (--json always holds them)")
    calibrate.add_argument("--floor", action="append", default=[], metavar="METRIC=VALUE",
                           help="exit 1 if a held-out METRIC falls below VALUE (cross_lingual.METRIC: of the "
                                "questions in Russian); repeatable")
    calibrate.add_argument("--ceiling", action="append", default=[], metavar="METRIC=VALUE",
                           help="exit 1 if a held-out METRIC rises above VALUE (cross_lingual.METRIC as --floor); "
                                "repeatable")
    calibrate.set_defaults(command=cmd_calibrate)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


if __name__ == "__main__":
    sys.exit(main())
