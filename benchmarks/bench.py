"""The project against the plain pipeline, measured side by side in one run: one table.

    python benchmarks/bench.py                       # everything (about 20-30 min on 2 cores)
    python benchmarks/bench.py --quick               # fewer repetitions, 2,000-passage build, no 1M vectors

`plain` is what a first version ships: sentence-transformers with torch, blank-line paragraphs
embedded whole, a flat FAISS index, the top passage. `project` is this repository as
configured (EMBEDDING_BACKEND, default onnx-int8). Every figure is a median over repeated runs
(the number is in the table); ratios are project / plain, so lower is better for times and
memory and higher is better for throughput. Results are also written to var/bench/results.json.

Rows:
- start to first answer: a fresh process from launch to its first answer (imports, loading);
- peak RSS of a process serving questions (all of the dev set, several rounds, 32 threads);
- per-question latency p50/p95 one at a time, and questions/s with 32 concurrent askers;
- a question in Russian (../shared/eval/dev-ru.jsonl), asked after all the English ones: p50,
  the first one (which loads the multilingual model), and the peak RSS with both models loaded;
- the same first passage as sentence-transformers on every dev question (onnx vs torch engine);
- build throughput on a synthetic corpus (benchmarks/synthetic.py) of --build-passages
  passages, and an incremental rebuild after one passage changes (the embedding cache);
- FAISS search latency p50 and recall@10 against exact search at 100,000 and 1,000,000 vectors
  for the index type `index/vector_index.py` chooses (benchmarks/vector_index.py measures more);
- the bot's round trip through the local Bot API server (tests/fake_telegram): a user's
  message in, the reply out, p50/p95, and messages/s with 50 concurrent users; once with the
  Application in this process (sharing the server's event loop and CPU) and once as
  `python -m bot` in a process of its own, as it is deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index import Engine, IndexSettings, build_index, load_embedder  # noqa: E402
from index.corpus import ARTICLE_SUFFIXES  # noqa: E402
from index.evaluation import load_questions  # noqa: E402
from index.multilingual import load_multilingual  # noqa: E402
from index.settings import DEFAULT_MODEL  # noqa: E402

WORK = REPO / "var" / "bench"
DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"
DEV_DIALOGUES = REPO.parent / "shared" / "eval" / "dev-dialogues.jsonl"
DEV_RUSSIAN = REPO.parent / "shared" / "eval" / "dev-ru.jsonl"
RUSSIAN = DEV_RUSSIAN if DEV_RUSSIAN.exists() else REPO / "tests" / "data" / "russian.jsonl"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def median(values: list[float]) -> float:
    return float(statistics.median(values))


# --- serving: start, memory, latency, concurrency -------------------------------------------


def prepare_serving(corpus: Path, multilingual_model: str = "") -> tuple[Path, Path]:
    """Build the project index (with its ONNX export and, as `python -m index build` does, the
    multilingual model's vectors) and the plain pipeline's artifacts."""
    embedder = load_embedder(DEFAULT_MODEL)
    project = WORK / "project-index"
    multilingual = load_multilingual(multilingual_model, None) if multilingual_model else None
    build_index(corpus, project, embedder, multilingual=multilingual)
    plain = WORK / "plain"
    plain.mkdir(parents=True, exist_ok=True)
    paragraphs = [
        block.strip()
        for path in sorted(corpus.iterdir()) if path.suffix in ARTICLE_SUFFIXES
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if block.strip()
    ]
    flat = faiss.IndexFlatIP(embedder.dimension)
    flat.add(embedder.embed(paragraphs))
    faiss.write_index(flat, str(plain / "vectors.faiss"))
    (plain / "paragraphs.json").write_text(json.dumps(paragraphs, ensure_ascii=False), encoding="utf-8")
    return plain, project


def probe(pipeline: str, plain: Path, project: Path, questions: Path, backend: str) -> dict:
    command = [sys.executable, str(REPO / "benchmarks" / "serve_probe.py"), pipeline, "--questions", str(questions)]
    command += ["--artifacts", str(plain)] if pipeline == "plain" else ["--index", str(project), "--backend", backend]
    if pipeline == "project" and DEV_DIALOGUES.exists():
        command += ["--dialogues", str(DEV_DIALOGUES)]
    if pipeline == "project" and RUSSIAN.exists():
        command += ["--russian", str(RUSSIAN)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    assert process.stdout is not None
    first = None
    for line in process.stdout:
        if line.startswith("FIRST"):
            first = time.perf_counter() - started
        elif line.startswith("{"):
            result = json.loads(line)
    if process.wait() != 0 or first is None:
        raise SystemExit(f"serve_probe {pipeline} failed (exit {process.returncode})")
    result["start_s"] = first
    return result


def measure_serving(plain: Path, project: Path, questions: Path, backend: str, runs: int) -> dict:
    rows: dict[str, dict[str, list[float]]] = {"plain": {}, "project": {}}
    for _ in range(runs):
        for pipeline in ("plain", "project"):  # interleaved, so drift in machine load hits both
            result = probe(pipeline, plain, project, questions, backend)
            figures = {
                "start_s": result["start_s"],
                "rss_mb": result["peak_rss_mb"],
                "p50_ms": percentile(result["latencies"], 50) * 1000,
                "p95_ms": percentile(result["latencies"], 95) * 1000,
                "qps32": result["concurrent_qps"],
            }
            if result.get("follow_up_latencies"):
                figures["follow_up_p50_ms"] = percentile(result["follow_up_latencies"], 50) * 1000
            if result.get("russian_latencies"):
                figures["russian_p50_ms"] = percentile(result["russian_latencies"], 50) * 1000
                figures["russian_first_s"] = result["russian_first_s"]
                figures["rss_multilingual_mb"] = result["peak_rss_multilingual_mb"]
            for name, value in figures.items():
                rows[pipeline].setdefault(name, []).append(value)
            rows[pipeline]["torch"] = [float(result["torch_imported"])]
    return {p: {name: median(values) for name, values in figures.items()} for p, figures in rows.items()}


def same_first_passage(project: Path, questions: Path) -> tuple[int, int]:
    """How many questions get the same first passage from the configured backend as from torch."""
    settings = IndexSettings(_env_file=None, index_dir=project)
    served = Engine.load(settings)
    reference = Engine.load(settings.model_copy(update={"embedding_backend": "torch"}))
    texts = [q.question for q in load_questions(questions)]
    same = sum(served.ask(t).hits[0].passage == reference.ask(t).hits[0].passage for t in texts)
    return same, len(texts)


# --- building: throughput and incremental rebuild -------------------------------------------


def measure_build(passages: int, edits: int) -> dict:
    from benchmarks.synthetic import write_corpus

    embedder = load_embedder(DEFAULT_MODEL)
    corpus = WORK / f"synthetic-{passages}"
    shutil.rmtree(corpus, ignore_errors=True)
    write_corpus(corpus, passages)
    paragraphs = [
        block.strip()
        for path in sorted(corpus.iterdir())
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if block.strip()
    ]
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(embedder.dimension)
    flat.add(embedder.embed(paragraphs))
    plain_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        index_dir = Path(scratch) / "index"
        full = build_index(corpus, index_dir, embedder)
        incremental = []
        files = sorted(corpus.iterdir())
        for edit in range(edits):
            path = files[(edit * 7) % len(files)]
            text = path.read_text(encoding="utf-8").rstrip("\n")
            path.write_text(f"{text} It was updated again, for the {edit + 1}. time.\n", encoding="utf-8")
            report = build_index(corpus, index_dir, embedder)
            incremental.append((report.seconds, report.embedded))
    return {
        "passages": full.passages,
        "plain_passages_per_s": len(paragraphs) / plain_seconds,
        "project_passages_per_s": full.passages / full.seconds,
        "full_build_s": full.seconds,
        "units": full.units,
        "incremental_s": median([s for s, _ in incremental]),
        "incremental_embedded": median([e for _, e in incremental]),
        "edits": edits,
    }


# --- vector search at scale -----------------------------------------------------------------


def measure_vectors(sizes: list[int], queries: int) -> dict:
    from benchmarks import vector_index as bench_vectors
    from index.vector_index import build_vector_index, describe, search_parameters

    results = {}
    query_vectors = bench_vectors.query_embeddings(queries)
    for size in sizes:
        vectors = bench_vectors.vectors_for(size, real=min(size, 100_000), noise=0.02)
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(vectors)
        _, truth = exact.search(query_vectors, 10)
        index = build_vector_index(vectors)
        params = search_parameters(index, 10)
        timings, found = [], []
        for query in query_vectors:
            started = time.perf_counter()
            _, ids = index.search(query[None, :], 10, params=params) if params else index.search(query[None, :], 10)
            timings.append(time.perf_counter() - started)
            found.append(ids[0])
        recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))
        results[size] = {"type": describe(index), "p50_ms": percentile(timings, 50) * 1000,
                         "p95_ms": percentile(timings, 95) * 1000, "recall_at_10": recall}
    return results


# --- the bot through the local Bot API server -----------------------------------------------


async def measure_bot(project: Path, backend: str, singles: int, users: int, per_user: int, *, own_process: bool) -> dict:
    """Round trips through the local Bot API server: one user at a time, then `users` at once.

    `own_process`: the bot is `python -m bot` in a process of its own, as deployed, with the
    server in this one (as Telegram is elsewhere). Otherwise the real Application runs in
    this process, sharing its event loop and its CPU with the server."""
    from tests.fake_telegram import FakeBotApi

    questions = [q.question for q in load_questions(DEV_SET)] if DEV_SET.exists() else ["What did Musk tweet to Putin?"]
    async with FakeBotApi() as api:
        with tempfile.TemporaryDirectory(dir=WORK) as scratch:
            values = {
                "telegram_bot_token": "123:ABC", "telegram_api_url": api.api_root, "index_dir": project,
                "embedding_backend": backend, "rate_limit_per_minute": 1_000_000,
                "feedback_file": Path(scratch) / "votes.jsonl", "update_journal_file": Path(scratch) / "journal.jsonl",
                "state_db": Path(scratch) / "bot.sqlite3",
            }
            running = _bot_process(api, values, Path(scratch)) if own_process else _bot_in_process(values)
            async with running:

                async def ask(user: int, text: str) -> float:
                    mark = api.mark()
                    started = time.perf_counter()
                    api.send_message(text, user_id=user)
                    await api.wait_for_reply(user, after=mark, timeout=30)
                    return time.perf_counter() - started

                for question in questions[:5]:  # warm-up
                    await ask(1, question)
                single = [await ask(1, questions[i % len(questions)]) for i in range(singles)]

                async def user(number: int) -> None:
                    for i in range(per_user):
                        await ask(10_000 + number, questions[(number + i) % len(questions)])

                started = time.perf_counter()
                await asyncio.gather(*(user(n) for n in range(users)))
                rate = users * per_user / (time.perf_counter() - started)
    return {"p50_ms": percentile(single, 50) * 1000, "p95_ms": percentile(single, 95) * 1000, "messages_per_s": rate}


@contextlib.asynccontextmanager
async def _bot_in_process(values: dict):
    from bot.app import build_application
    from bot.settings import BotSettings

    settings = BotSettings(_env_file=None, **values)
    application = build_application(settings, Engine.load(settings))
    await application.initialize()
    await application.post_init(application)  # as run_polling does: opens STATE_DB and the journal
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)  # closes STATE_DB


@contextlib.asynccontextmanager
async def _bot_process(api, values: dict, scratch: Path):
    """`python -m bot` with these settings in its environment, ready once it has registered its commands."""
    from benchmarks.bot_process import bot_process

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update({name.upper(): str(value) for name, value in values.items()})
    env.update(PYTHONPATH=str(REPO), CORPUS_DIR=str(REPO / "corpus"), LOG_LEVEL="WARNING")
    async with bot_process(env, scratch):
        await api.wait_for_call("setMyCommands", timeout=300)
        yield


# --- the table ------------------------------------------------------------------------------


def table(report: dict) -> str:
    s, b, v = report["serving"], report.get("build"), report.get("vectors", {})
    plain, project = s["plain"], s["project"]
    runs = report["runs"]
    rows = [("metric", "plain", "project", "ratio", "target")]

    def add(name, a, c, fmt, target="", lower_is_better=True):
        ratio = f"{c / a:.2f}x" if a else ""
        rows.append((name, format(a, fmt) if a is not None else "-", format(c, fmt), ratio, target))

    add(f"start to first answer, s (median of {runs})", plain["start_s"], project["start_s"], ".2f", "<= 0.15x")
    add(f"peak RSS serving English questions, MB (median of {runs})", plain["rss_mb"], project["rss_mb"], ".0f", "<= 0.45x")
    add(f"per question p50, ms (median of {runs})", plain["p50_ms"], project["p50_ms"], ".2f", "<= 0.35x")
    add(f"per question p95, ms (median of {runs})", plain["p95_ms"], project["p95_ms"], ".2f")
    if "follow_up_p50_ms" in project:  # against the plain pipeline's question, which has no follow-ups
        add(f"follow-up p50 (dev-dialogues), ms (median of {runs})", plain["p50_ms"], project["follow_up_p50_ms"],
            ".2f", "<= 0.35x")
    if "russian_p50_ms" in project:  # the plain pipeline answers them as any question
        add(f"question in Russian p50 ({RUSSIAN.name}), ms (median of {runs})", plain["p50_ms"], project["russian_p50_ms"],
            ".2f")
        add(f"first question in Russian (loads the multilingual model), s (median of {runs})", None,
            project["russian_first_s"], ".2f")
        add(f"peak RSS with the multilingual model loaded, MB (median of {runs})", plain["rss_mb"],
            project["rss_multilingual_mb"], ".0f", "<= 0.45x")
    add(f"questions/s, 32 askers (median of {runs})", plain["qps32"], project["qps32"], ".0f")
    same, total = report["same_first_passage"]
    rows.append(("same first passage as sentence-transformers", "-", f"{same}/{total}", "", "all"))
    if b:
        add(f"build, passages/s ({b['passages']} synthetic passages, 1 run)", b["plain_passages_per_s"],
            b["project_passages_per_s"], ".0f")
        rows.append((f"incremental rebuild after 1 passage changes, s (median of {b['edits']})", "-",
                     f"{b['incremental_s']:.2f}", f"{b['incremental_s'] / b['full_build_s']:.3f}x of full",
                     "<= 0.05x of full"))
    for size, r in v.items():
        rows.append((f"search at {size:,} vectors ({r['type']}), p50/p95 ms; recall@10", "-",
                     f"{r['p50_ms']:.2f}/{r['p95_ms']:.2f}; {r['recall_at_10']:.3f}", "", ""))
    # The target is in milliseconds; the ratio to the plain engine's round trip of the same form,
    # measured in the same run, tells a slow hour of the machine from a slower bot.
    for label, key, plain_key in (("plain engine, in-process", "bot_plain", None),
                                  ("project engine, in-process", "bot_project", "bot_plain"),
                                  ("plain engine, python -m bot", "bot_plain_process", None),
                                  ("project engine, python -m bot", "bot_project_process", "bot_plain_process")):
        if key in report:
            bot = report[key]
            ratio = (f"{bot['p50_ms'] / report[plain_key]['p50_ms']:.2f}x of plain p50"
                     if plain_key in report and report[plain_key]["p50_ms"] else "")
            rows.append((f"bot round trip ({label}) p50/p95 ms; msgs/s with 50 users", "-",
                         f"{bot['p50_ms']:.1f}/{bot['p95_ms']:.1f}; {bot['messages_per_s']:.0f}", ratio,
                         "p50 < 10 ms; >= 100/s" if plain_key else ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    return "\n".join("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a smaller build")
    parser.add_argument("--runs", type=int, help="serving processes per pipeline (default 5, quick 3)")
    parser.add_argument("--build-passages", type=int, help="synthetic corpus size (default 10000, quick 2000)")
    parser.add_argument("--vector-sizes", help="comma-separated (default 100000,1000000; quick 100000)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: build,vectors,bot")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    skip = set(filter(None, args.skip.split(",")))
    settings = IndexSettings()
    questions = DEV_SET if DEV_SET.exists() else REPO / "tests" / "data" / "extra.jsonl"
    WORK.mkdir(parents=True, exist_ok=True)

    plain, project = prepare_serving(Path(settings.corpus_dir), settings.multilingual_model)
    report: dict = {"runs": runs, "backend": settings.embedding_backend}
    report["serving"] = measure_serving(plain, project, questions, settings.embedding_backend, runs)
    report["same_first_passage"] = same_first_passage(project, questions)
    if "build" not in skip:
        report["build"] = measure_build(args.build_passages or (2000 if args.quick else 10_000), edits=3)
    if "vectors" not in skip:
        sizes = [int(n) for n in (args.vector_sizes or ("100000" if args.quick else "100000,1000000")).split(",")]
        report["vectors"] = measure_vectors(sizes, queries=200)
    if "bot" not in skip:
        for own_process, suffix in ((False, ""), (True, "_process")):
            report[f"bot_project{suffix}"] = asyncio.run(
                measure_bot(project, settings.embedding_backend, 100, 50, 10, own_process=own_process))
            report[f"bot_plain{suffix}"] = asyncio.run(measure_bot(project, "torch", 100, 50, 10, own_process=own_process))
    (WORK / "results.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
