"""One serving process, measured from the inside: run by benchmarks/bench.py, not by hand.

    python benchmarks/serve_probe.py plain   --artifacts DIR --questions FILE
    python benchmarks/serve_probe.py project --index DIR --backend onnx --questions FILE [--russian FILE]

Imports what its pipeline needs, answers the first question and prints `FIRST` at once (the
parent times process start to that line), then answers every question one at a time
(--rounds times) and all of them again from --concurrency threads, and prints one JSON line:
per-question latencies, questions per second under concurrency, peak RSS. With --russian,
questions in Russian last of all: the multilingual model loads at the first of them, so every
figure before is the English path's, and the peak RSS after is with both models loaded.

`plain` is the pipeline a first version would ship: sentence-transformers with torch, the
article's blank-line paragraphs embedded whole in a flat FAISS index, the top 3 returned.
`project` is `index.Engine` with the configured EMBEDDING_BACKEND.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def plain_pipeline(artifacts: Path):
    import faiss
    from sentence_transformers import SentenceTransformer

    from index.embedding import resolve_model
    from index.settings import DEFAULT_MODEL

    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    vectors = faiss.read_index(str(artifacts / "vectors.faiss"))
    paragraphs = json.loads((artifacts / "paragraphs.json").read_text(encoding="utf-8"))

    def ask(question: str) -> str:
        query = model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
        _, ids = vectors.search(query, 3)
        return paragraphs[ids[0][0]]

    return ask


def project_pipeline(index_dir: Path, backend: str):
    from index import Engine, IndexSettings

    settings = IndexSettings(_env_file=None, index_dir=index_dir, embedding_backend=backend)
    engine = Engine.load(settings)
    return lambda question, history=(): engine.ask(question, history=history).hits[0].passage.text


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux carries that over from the
    parent across fork and exec, so a child of a large benchmark process would report the
    parent's peak. VmHWM belongs to this process's own address space."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pipeline", choices=["plain", "project"])
    parser.add_argument("--artifacts", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--dialogues", type=Path, help="project only: follow-ups ({history, question} lines) to time")
    parser.add_argument("--russian", type=Path, help="project only: questions in Russian to time, after all the others")
    args = parser.parse_args()

    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    ask = plain_pipeline(args.artifacts) if args.pipeline == "plain" else project_pipeline(args.index, args.backend)
    first = ask(questions[0])
    print("FIRST", flush=True)

    latencies = []
    for _ in range(args.rounds):
        for question in questions:
            started = time.perf_counter()
            ask(question)
            latencies.append(time.perf_counter() - started)

    batch = questions * max(1, (args.concurrency * 4) // len(questions))
    with ThreadPoolExecutor(args.concurrency) as pool:
        started = time.perf_counter()
        list(pool.map(ask, batch))
        elapsed = time.perf_counter() - started

    # A follow-up as a chat asks it: its earlier questions a moment before, untimed.
    follow_up_latencies = []
    if args.dialogues and args.pipeline == "project":
        dialogues = [json.loads(line) for line in args.dialogues.read_text(encoding="utf-8").splitlines() if line.strip()]
        for _ in range(args.rounds):
            for row in dialogues:
                for turn, earlier in enumerate(row["history"]):
                    ask(earlier, tuple(row["history"][:turn]))
                started = time.perf_counter()
                ask(row["question"], tuple(row["history"]))
                follow_up_latencies.append(time.perf_counter() - started)

    english_rss = peak_rss_mb()
    # Questions in Russian last: the first loads the multilingual model (timed apart, as
    # `russian_first_s`), the others are timed as any question.
    russian_latencies, russian_first = [], None
    if args.russian and args.pipeline == "project":
        russian = [json.loads(line)["question"] for line in args.russian.read_text(encoding="utf-8").splitlines() if line.strip()]
        started = time.perf_counter()
        ask(russian[0])
        russian_first = time.perf_counter() - started
        for _ in range(args.rounds):
            for question in russian:
                started = time.perf_counter()
                ask(question)
                russian_latencies.append(time.perf_counter() - started)

    print(json.dumps({
        "first_passage": first,
        "russian_latencies": russian_latencies,
        "russian_first_s": russian_first,
        "peak_rss_multilingual_mb": peak_rss_mb() if russian_latencies else None,
        "follow_up_latencies": follow_up_latencies,
        "latencies": latencies,
        "concurrent_qps": len(batch) / elapsed,
        "peak_rss_mb": english_rss,
        "torch_imported": "torch" in sys.modules,
    }), flush=True)


if __name__ == "__main__":
    main()
