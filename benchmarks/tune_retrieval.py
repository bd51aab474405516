"""Sweep retrieval's fusion weights on question sets and print the best settings.

    python benchmarks/tune_retrieval.py ../shared/eval/dev.jsonl tests/data/extra.jsonl

Builds a throw-away index of the corpus with the configured model, then scores every
combination of the weights in `GRID` by the summed MRR over the sets (hit@1 per set shown
beside it). Pick a point in the middle of a plateau, not a lone peak: the sets are small.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import index.retrieval as retrieval  # noqa: E402
from index import Engine, IndexSettings, build_index, load_embedder  # noqa: E402
from index.evaluation import Outcome, load_questions, run, score  # noqa: E402

GRID = {
    "COVERAGE_WEIGHT": [0.4, 0.5, 0.6, 0.7, 0.8],
    "CONTEXT_SHARE": [0.3, 0.4, 0.5, 0.6, 0.7],
    "ANSWER_TYPE_BONUS": [0.0, 0.1, 0.15, 0.2],
}


def main(paths: list[str]) -> None:
    settings = IndexSettings()
    embedder = load_embedder(settings.embedding_model)
    sets = {Path(p).name: load_questions(Path(p)) for p in paths}
    with tempfile.TemporaryDirectory() as scratch:
        build_index(Path(settings.corpus_dir), Path(scratch) / "index", embedder)
        engine = Engine.load(settings.model_copy(update={"index_dir": Path(scratch) / "index"}), embedder)
        rows = []
        for values in itertools.product(*GRID.values()):
            for name, value in zip(GRID, values):
                setattr(retrieval, name, value)
            metrics = {
                name: score(questions, run(questions, lambda q: Outcome(True, tuple(h.passage.text for h in engine.ask(q, 3).hits))))
                for name, questions in sets.items()
            }
            rows.append((sum(m.mrr for m in metrics.values()), values, metrics))
    rows.sort(key=lambda row: -row[0])
    print("  ".join(GRID) + "  | " + "  ".join(f"{name} hit@1/MRR" for name in sets))
    for total, values, metrics in rows[:20]:
        cells = "  ".join(f"{m.hit_at_1:.3f}/{m.mrr:.3f}" for m in metrics.values())
        print("  ".join(f"{v:<{len(n)}}" for n, v in zip(GRID, values)) + f"  | {cells}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["../shared/eval/dev.jsonl", "tests/data/extra.jsonl"])
