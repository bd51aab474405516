"""The three EMBEDDING_BACKENDs side by side: the measurement behind its default.

    python benchmarks/embedding_backends.py ../shared/eval/dev.jsonl tests/data/extra.jsonl
    python benchmarks/embedding_backends.py --rounds 9 --starts 7 --threads 1,2 QUESTIONS...

Builds a throw-away index of the corpus (sentence-transformers, with its ONNX export), then
for each backend prints, every figure a median over rounds:

- embed p50/p95: one question at a time through the backend's `embed`, as the engine calls
  it (every question of the sets, --rounds times, after a warm-up);
- ask p50: `Engine.ask` end to end (embedding, FAISS, lexical scoring);
- start: wall time of `python -m index ask --json QUESTION` in a fresh process, from
  launch to exit (imports, index and model load, one answer), median of --starts runs;
- RSS: peak resident memory of that process (ru_maxrss);
- hit@1 and the number of questions whose first passage differs from sentence-transformers';
- min cos: the lowest cosine between its question embeddings and sentence-transformers'.

--threads adds ONNX rows with other intra-op thread counts (embed latency only).
--variants adds fp32 rows for what the default is made of: the plain traced graph against
the fused one (onnx_graph.py), each with worker threads that never spin, spin only during
a run (the default), or spin on after it as onnxruntime does by default (a question after a
quiet spell: benchmarks/after_idle.py); `idle CPU` is the CPU time the process burns in the
100 ms after a question, when it has nothing to do.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index import Engine, IndexSettings, build_index, load_embedder  # noqa: E402
from index.evaluation import first_hit_rank, load_questions  # noqa: E402
from index.onnx_embedder import ONNX_DIR, OnnxEmbedder  # noqa: E402
from index.settings import DEFAULT_MODEL  # noqa: E402

BACKENDS = ("torch", "onnx", "onnx-int8")
PROBE = "Who is the CEO of Robinhood?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="JSONL question sets")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--threads", default="", help="comma-separated ONNX thread counts to compare")
    parser.add_argument("--variants", action="store_true", help="compare plain and fused graphs and spinning policies")
    args = parser.parse_args()
    questions = [q for path in args.files for q in load_questions(path)]

    with tempfile.TemporaryDirectory() as root:
        index = Path(root) / "index"
        build_index(REPO / "corpus", index, load_embedder(DEFAULT_MODEL))
        engines = {b: Engine.load(settings(index, b)) for b in BACKENDS}
        reference = {q.question: engines["torch"].ask(q.question).hits[0].passage for q in questions}
        texts = [q.question for q in questions]
        reference_vectors = engines["torch"].embedder.embed(texts)
        print(f"{len(questions)} questions; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'backend':<14}{'embed p50':>10}{'p95':>8}{'ask p50':>9}{'start':>8}{'RSS MB':>8}{'hit@1':>7}{'differ':>8}"
              f"{'min cos':>10}")
        for backend, engine in engines.items():
            embed = latencies(lambda q: engine.embedder.embed([q]), questions, args.rounds)
            ask = latencies(engine.ask, questions, args.rounds)
            start, rss = cold_start(index, backend, args.starts)
            answerable = [q for q in questions if q.answers]
            hit1 = sum(first_hit_rank(q, [engine.ask(q.question).hits[0].passage.text]) == 1 for q in answerable)
            differ = sum(engine.ask(q.question).hits[0].passage != reference[q.question] for q in questions)
            # The lowest cosine between this backend's and sentence-transformers' question embeddings.
            closest = float((engine.embedder.embed(texts) * reference_vectors).sum(axis=1).min())
            print(f"{backend:<14}{ms(embed, 50):>10}{ms(embed, 95):>8}{ms(ask, 50):>9}{start:>7.2f}s{rss:>8.0f}"
                  f"{hit1 / len(answerable):>7.3f}{differ:>8}{closest:>10.6f}")
        for threads in filter(None, args.threads.split(",")):
            for quantized in (False, True):
                embedder = OnnxEmbedder(index / ONNX_DIR, DEFAULT_MODEL, quantized=quantized, threads=int(threads))
                embed = latencies(lambda q: embedder.embed([q]), questions, args.rounds)
                name = f"{'onnx-int8' if quantized else 'onnx'} x{threads}"
                print(f"{name:<14}{ms(embed, 50):>10}{ms(embed, 95):>8}")
        if args.variants:
            compare_variants(index, Path(root) / "plain-graph", questions, args.rounds)


# onnxruntime session config entries of each spinning policy, over the engine's own.
SPINNING = {
    "no spinning": {"session.intra_op.allow_spinning": "0"},
    "spin in run": {},  # the engine's choice (onnx_embedder.SESSION_CONFIG)
    "spin on": {"session.intra_op.allow_spinning": "1", "session.force_spinning_stop": "0"},
}


def compare_variants(index: Path, plain_dir: Path, questions, rounds: int) -> None:
    """Rounds interleaved across the variants, so that drift in the machine's speed (it is
    shared) hits them all alike."""
    from index.onnx_export import export_model

    export_model(load_embedder(DEFAULT_MODEL), plain_dir, quantize=False, fuse=False)
    variants = {
        f"{graph}, {policy}": OnnxEmbedder(onnx_dir, DEFAULT_MODEL, session_config=config)
        for graph, onnx_dir in (("plain", plain_dir), ("fused", index / ONNX_DIR))
        for policy, config in SPINNING.items()
    }
    runs: dict[str, list[list[float]]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, embedder in variants.items():
            runs[name] += latencies(lambda q: embedder.embed([q]), questions, 1)
    print(f"{'fp32 variant':<26}{'embed p50':>10}{'p95':>8}{'idle CPU':>10}")
    for name, embedder in variants.items():
        print(f"{name:<26}{ms(runs[name], 50):>10}{ms(runs[name], 95):>8}{idle_cpu_ms(embedder, questions):>8.1f}ms")


def idle_cpu_ms(embedder, questions) -> float:
    """Median CPU time of the whole process in the 100 ms after one question."""
    burnt = []
    for q in questions[:10]:
        embedder.embed([q.question])
        before = time.process_time()
        time.sleep(0.1)
        burnt.append(time.process_time() - before)
    return statistics.median(burnt) * 1000


def settings(index: Path, backend: str) -> IndexSettings:
    return IndexSettings(_env_file=None, corpus_dir=REPO / "corpus", index_dir=index, embedding_backend=backend)


def latencies(call, questions, rounds: int) -> list[list[float]]:
    """Seconds per call, one list per round (the first questions once more as a warm-up)."""
    for q in questions[:5]:
        call(q.question)
    runs = []
    for _ in range(rounds):
        run = []
        for q in questions:
            started = time.perf_counter()
            call(q.question)
            run.append(time.perf_counter() - started)
        runs.append(run)
    return runs


def ms(runs: list[list[float]], percentile: int) -> str:
    """The median over rounds of each round's percentile, in milliseconds."""
    values = [statistics.quantiles(run, n=100)[percentile - 1] if percentile != 50 else statistics.median(run) for run in runs]
    return f"{statistics.median(values) * 1000:.2f}"


# `python -m index ask --json PROBE`, reporting its peak RSS on exit. VmHWM is read in the
# process itself: ru_maxrss of a child counts the parent's pages from before its exec.
ASK = (
    "import atexit, re, sys\n"
    "atexit.register(lambda: print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1], file=sys.stderr))\n"
    "from index.cli import main\n"
    "sys.exit(main(['ask', '--json', sys.argv[1]]))\n"
)


def cold_start(index: Path, backend: str, starts: int) -> tuple[float, float]:
    """Median seconds and MB of peak RSS of `python -m index ask` in a fresh process."""
    env = {**os.environ, "INDEX_DIR": str(index), "CORPUS_DIR": str(REPO / "corpus"), "EMBEDDING_BACKEND": backend}
    seconds, peaks = [], []
    for _ in range(starts):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", ASK, PROBE], cwd=REPO, env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0 or not json.loads(done.stdout)["passages"]:
            raise SystemExit(f"python -m index ask failed with EMBEDDING_BACKEND={backend}: {done.stderr[-500:]}")
        peaks.append(int(done.stderr.split()[-1]) / 1024)  # kB
    return statistics.median(seconds), statistics.median(peaks)


if __name__ == "__main__":
    main()
