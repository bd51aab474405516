"""A lone question after a quiet spell, under each spinning policy of onnxruntime's threads.

    python benchmarks/after_idle.py [--questions 16] [--idle 0.3] [--rounds 2]

A bot's question usually comes when the process has had nothing to do for a while, and its
threads (on a virtual machine, its cores too) have gone to sleep. For each policy, in a fresh
process serving the index of the current settings (`python -m index build` first): the
median time of `embed` and of `Engine.ask` for questions of ../shared/eval/dev.jsonl asked
`--idle` seconds after the one before. Rounds alternate the policies, so that drift in the
machine's speed hits them alike. `benchmarks/embedding_backends.py --variants` times the
same policies back to back, and the CPU each burns when idle.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench import DEV_SET  # noqa: E402
from index import Engine, IndexSettings  # noqa: E402
from index.evaluation import load_questions  # noqa: E402
from index.onnx_embedder import ONNX_DIR, OnnxEmbedder  # noqa: E402

# Each policy: onnxruntime session config entries over the engine's own (onnx_embedder.SESSION_CONFIG,
# which spins in a run), and threads per question (None: EMBEDDING_THREADS, as the engine takes it).
POLICIES = {
    "no spinning": ({"session.intra_op.allow_spinning": "0"}, None),
    "spin in run (the engine's)": ({}, None),
    "spin on": ({"session.intra_op.allow_spinning": "1", "session.force_spinning_stop": "0"}, None),
    "spin in run, one thread": ({}, 1),
}
FALLBACK = ["What did Musk tweet to Putin?", "How many downloads does Clubhouse have?", "Who joined Musk's session?"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=16)
    parser.add_argument("--idle", type=float, default=0.3, help="seconds of nothing before each question")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", choices=POLICIES, help=argparse.SUPPRESS)  # run as the measured process
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(measure(args.worker, args.questions, args.idle)))
        return
    results: dict[str, list[dict[str, float]]] = {name: [] for name in POLICIES}
    for _ in range(args.rounds):
        for name in POLICIES:
            out = subprocess.run([sys.executable, __file__, "--worker", name, "--questions", str(args.questions),
                                  "--idle", str(args.idle)], check=True, capture_output=True, text=True)
            results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{args.questions} questions, each after {args.idle} s idle; median of {args.rounds} processes per policy")
    print(f"{'policy':<26}{'embed p50':>12}{'ask p50':>10}")
    for name, rows in results.items():
        embed = statistics.median(r["embed_ms"] for r in rows)
        ask = statistics.median(r["ask_ms"] for r in rows)
        print(f"{name:<26}{embed:>10.2f}ms{ask:>8.2f}ms")


def measure(policy: str, count: int, idle: float) -> dict[str, float]:
    config, threads = POLICIES[policy]
    settings = IndexSettings()
    if settings.embedding_backend == "torch":
        raise SystemExit("after_idle.py measures the ONNX backends (EMBEDDING_BACKEND=onnx or onnx-int8)")
    # As index.embedding.serving_embedder makes it, with the policy's session config and threads.
    embedder = OnnxEmbedder(Path(settings.index_dir) / ONNX_DIR, settings.embedding_model,
                            quantized=settings.embedding_backend == "onnx-int8",
                            threads=settings.embedding_threads if threads is None else threads, session_config=config)
    engine = Engine.load(settings, embedder)
    questions = [q.question for q in load_questions(DEV_SET)] if DEV_SET.exists() else FALLBACK
    for q in questions:  # warm-up: every page the questions touch is read in
        engine.ask(q)
    embed, ask = [], []
    for i in range(count):
        time.sleep(idle)
        started = time.perf_counter()
        embedder.embed([questions[i % len(questions)]])
        embed.append(time.perf_counter() - started)
        time.sleep(idle)
        started = time.perf_counter()
        engine.ask(questions[(i + 1) % len(questions)])
        ask.append(time.perf_counter() - started)
    return {"embed_ms": statistics.median(embed) * 1000, "ask_ms": statistics.median(ask) * 1000}


if __name__ == "__main__":
    main()
