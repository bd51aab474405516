"""Exact against approximate FAISS search on real embeddings: the measurement behind
`index/vector_index.py`.

    python benchmarks/vector_index.py                      # 10k and 100k vectors, < 10 min
    python benchmarks/vector_index.py --real 100000 --sizes 10000,100000,1000000
    python benchmarks/vector_index.py --sizes 20000,30000,40000 --kinds flat,hnsw,ivf --ef-search 64,128

Vectors are the packaged all-MiniLM-L6-v2 model's embeddings of synthetic news sentences
(benchmarks/synthetic.py), computed once and cached in var/bench/ (embedding is the slow
part: about 80-100 texts/s on this 2-core machine, printed on the first run, so the default
embeds 30,000 and --real 100000 takes some 20 minutes once). Beyond --real vectors the rest
are derived: a real embedding plus Gaussian noise of --noise per component, renormalised.
At 0.03 a derived vector keeps cosine 0.86 with its source, about what a real sentence
has with its nearest neighbour here (median 0.88), so the set keeps the real vectors'
clustering without exact duplicates. Queries are the model's embeddings of questions
about the same names and things (benchmarks/synthetic.py), never in the indexed set.

For each size and index type the table shows the build time, the search latency of one
question at a time (p50/p95 over --queries questions, k = --k), recall@k against exact
search (the share of the exact top k the index returns) and the memory the index takes
(bytes of its serialised form, which is what it holds in RAM). The k=1024 columns are the
engine's own search (DENSE_NEIGHBOURS), with HNSW's efSearch raised to k as the engine does.

Searches run on one OpenMP thread (--search-threads): a single question is a sequential
search, and on this 2-core machine a second OpenMP thread only adds spin-waiting, which
made exact search at 10,000 vectors 2x slower at p50 and 10x at p95 while anything else ran.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import questions, sentences  # noqa: E402
from index import vector_index  # noqa: E402

CACHE = REPO / "var" / "bench"
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DERIVED_NOISE = 0.03


def real_embeddings(n: int, seed: int = 0) -> np.ndarray:
    """The model's vectors of the first n synthetic sentences, embedding only what the cache lacks."""
    return _cached(f"sentences-seed{seed}", n, lambda count: sentences(count, seed))


def query_embeddings(n: int, seed: int = 0) -> np.ndarray:
    return _cached(f"questions-seed{seed}", n, lambda count: questions(count, seed))


def vectors_for(n: int, real: int, noise: float, seed: int = 0) -> np.ndarray:
    """n vectors: the first `real` are the model's; the rest are real ones plus noise, renormalised."""
    base = real_embeddings(min(n, real), seed)
    if n <= len(base):
        return base
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    out[: len(base)] = base
    for start in range(len(base), n, 100_000):  # in blocks, to bound the temporaries
        stop = min(n, start + 100_000)
        block = base[np.arange(start, stop) % len(base)] + rng.normal(0, noise, (stop - start, base.shape[1])).astype(np.float32)
        faiss.normalize_L2(block)
        out[start:stop] = block
    return out


def build(kind: str, vectors: np.ndarray, args: argparse.Namespace) -> faiss.Index:
    d = vectors.shape[1]
    if kind == "flat":
        index = vector_index.flat_index(d)
    elif kind == "hnsw":
        index = vector_index.hnsw_index(d, args.hnsw_m, args.ef_construction)
    elif kind == "ivf":
        nlist = max(1, int(args.ivf_lists * np.sqrt(len(vectors))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: 64 * nlist]]
        index.train(sample)
    else:
        raise SystemExit(f"unknown index kind {kind!r}: flat, hnsw or ivf")
    index.add(vectors)
    return index


def search_settings(kind: str, args: argparse.Namespace) -> list[tuple[str, Callable[[faiss.Index], None]]]:
    """The query-time settings to try on one built index, each with a label."""
    if kind == "hnsw":
        return [(f"HNSW M={args.hnsw_m} efC={args.ef_construction} efS={ef}", _setter("hnsw.efSearch", ef)) for ef in args.ef_search]
    if kind == "ivf":
        return [(f"IVF lists={args.ivf_lists}*sqrt(n) nprobe={p}", _setter("nprobe", p)) for p in args.nprobe]
    return [("Flat (exact)", lambda index: None)]


def _setter(attribute: str, value: int) -> Callable[[faiss.Index], None]:
    def apply(index: faiss.Index) -> None:
        owner, _, name = attribute.rpartition(".")
        setattr(getattr(index, owner) if owner else index, name, value)
    return apply


def latencies(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, per-query seconds): one question at a time, with the parameters the engine uses
    (for HNSW, efSearch raised to k)."""
    params = vector_index.search_parameters(index, k)
    index.search(queries[:5], k, params=params)  # warm caches
    ids = np.empty((len(queries), k), dtype=np.int64)
    seconds = np.empty(len(queries))
    for row in range(len(queries)):
        started = time.perf_counter()
        _, found = index.search(queries[row : row + 1], k, params=params)
        seconds[row] = time.perf_counter() - started
        ids[row] = found[0]
    return ids, seconds


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact top k that the index returned, over all queries."""
    return float(np.mean([len(set(f[f >= 0].tolist()) & set(e.tolist())) / len(e) for f, e in zip(found, exact)]))


def memory_mb(index: faiss.Index) -> float:
    return faiss.serialize_index(index).nbytes / 1e6


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    queries = query_embeddings(args.queries)
    threads = faiss.omp_get_max_threads()
    print(f"{args.queries} queries, k={args.k} and k={args.engine_k}; vectors beyond {args.real:,} are real ones "
          f"plus N(0, {args.noise}) noise, renormalised; builds on {threads} threads, searches on {args.search_threads}")
    header = (f"{'n':>9}  {'index':<36} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'recall@' + str(args.k):>9} "
              f"{'p50 ms k=' + str(args.engine_k):>13} {'recall@' + str(args.engine_k):>11} {'memory MB':>10}  chosen")
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        vectors = vectors_for(n, args.real, args.noise)
        chosen = vector_index.describe(vector_index.choose_vector_index(n, vectors.shape[1]))
        exact_index = None
        for kind in args.kinds:
            started = time.perf_counter()
            index = build(kind, vectors, args)
            build_seconds = time.perf_counter() - started
            if exact_index is None:  # ground truth from exact search, whatever is measured first
                exact_index = index if kind == "flat" else build("flat", vectors, args)
                exact = exact_index.search(queries, args.k)[1]
                exact_engine = exact_index.search(queries, args.engine_k)[1]
            for label, apply in search_settings(kind, args):
                apply(index)
                faiss.omp_set_num_threads(args.search_threads)
                found, seconds = latencies(index, queries, args.k)
                found_engine, seconds_engine = latencies(index, queries, args.engine_k)
                mark = "<-" if vector_index.describe(index) == chosen else ""
                print(f"{n:>9,}  {label:<36} {build_seconds:>8.1f} {np.median(seconds) * 1e3:>7.2f} "
                      f"{np.percentile(seconds, 95) * 1e3:>7.2f} {recall(found, exact):>9.3f} "
                      f"{np.median(seconds_engine) * 1e3:>13.2f} {recall(found_engine, exact_engine):>11.3f} "
                      f"{memory_mb(index):>10.0f}  {mark}", flush=True)
            del index
            faiss.omp_set_num_threads(threads)
    print(f"chosen by index/vector_index.py: exact up to {vector_index.EXACT_UP_TO:,} vectors, then "
          f"{vector_index.describe(vector_index.hnsw_index(8))}")


def _cached(name: str, n: int, make_texts: Callable[[int], list[str]]) -> np.ndarray:
    """Embeddings of make_texts(n), kept in var/bench/ and extended when more are asked for."""
    path = CACHE / f"{name}.npy"
    cached = np.load(path) if path.exists() else np.zeros((0, 384), dtype=np.float32)
    if len(cached) < n:
        texts = make_texts(n)[len(cached):]
        started = time.perf_counter()
        fresh = _embedder().embed(texts, progress=sys.stderr.isatty())
        seconds = time.perf_counter() - started
        print(f"embedded {len(texts):,} texts in {seconds:.0f} s ({len(texts) / seconds:.0f}/s)", file=sys.stderr)
        cached = np.concatenate([cached, fresh])
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, cached)
    return np.ascontiguousarray(cached[:n])


def _embedder():
    from index import load_embedder

    return load_embedder(MODEL)


def _ints(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_ints, default=[10_000, 100_000], help="vector counts, comma-separated")
    parser.add_argument("--kinds", type=lambda t: t.split(","), default=["flat", "hnsw"], help="flat,hnsw,ivf")
    parser.add_argument("--real", type=int, default=30_000, help="vectors embedded by the model; the rest derived")
    parser.add_argument("--noise", type=float, default=DERIVED_NOISE, help="noise per component of derived vectors")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--search-threads", type=int, default=1,
                        help="OpenMP threads for searching (default 1: see the module docstring)")
    parser.add_argument("--engine-k", type=int, default=1024, help="the engine's DENSE_NEIGHBOURS")
    parser.add_argument("--hnsw-m", type=int, default=vector_index.HNSW_M)
    parser.add_argument("--ef-construction", type=int, default=vector_index.HNSW_EF_CONSTRUCTION)
    parser.add_argument("--ef-search", type=_ints, default=[vector_index.HNSW_EF_SEARCH])
    parser.add_argument("--ivf-lists", type=float, default=4.0, help="nlist = this * sqrt(n)")
    parser.add_argument("--nprobe", type=_ints, default=[16])
    return parser


if __name__ == "__main__":
    main()
