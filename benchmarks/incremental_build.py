"""Full build against a rebuild after one paragraph changed, on a synthetic corpus.

    python benchmarks/incremental_build.py                 # 10,000 passages, the real model
    python benchmarks/incremental_build.py --passages 2000

Writes a corpus of --passages paragraphs (benchmarks/synthetic.py) into a scratch folder,
builds it from nothing, edits one sentence of one paragraph and builds again into the
same index folder, so the second build reuses the first one's embedding cache. Prints
both times, the units embedded by each, and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import write_corpus  # noqa: E402
from index import build_index, load_embedder  # noqa: E402
from index.settings import DEFAULT_MODEL  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    embedder = load_embedder(args.model)
    embedder.embed(["warm up"])
    with tempfile.TemporaryDirectory() as scratch:
        corpus, index_dir = Path(scratch) / "corpus", Path(scratch) / "index"
        articles = write_corpus(corpus, args.passages)
        full = _timed(lambda: build_index(corpus, index_dir, embedder, progress=sys.stderr.isatty()))
        middle = articles[len(articles) // 2]
        text = middle.read_text(encoding="utf-8")
        middle.write_text(text.replace(". ", ". Officials said nothing more. ", 1), encoding="utf-8")
        again = _timed(lambda: build_index(corpus, index_dir, embedder))
    for name, (report, seconds) in (("full build", full), ("one paragraph changed", again)):
        print(f"{name:<22} {seconds:8.1f} s   {report.summary()}")
    print(f"incremental / full = {again[1] / full[1]:.4f}; build throughput {full[0].passages / full[1]:.0f} passages/s")


def _timed(build):
    started = time.perf_counter()
    report = build()
    return report, time.perf_counter() - started


if __name__ == "__main__":
    main()
