"""Which FAISS index holds the unit vectors: exact search for small corpora, HNSW above.

Exact search (`IndexFlatIP`) reads every vector for every question, so its cost grows with
the corpus: about 0.055 ms per thousand 384-d vectors here. HNSW walks a neighbour graph
and stays near 1.5-2.5 ms for the engine's search from 30,000 to 1,000,000 vectors, but it
costs a build (6-14 s per 100,000 vectors on 2 cores, redone on every rebuild), some
memory (M * 8 bytes per vector for the graph) and a little recall.

Measured with `python benchmarks/vector_index.py` (all-MiniLM-L6-v2 embeddings of
synthetic news sentences; 1M = 100k real vectors plus noise; one search thread; 2-core
machine), for the engine's search of DENSE_NEIGHBOURS = 1024 units per question:

    vectors   exact p50   HNSW p50 (efSearch raised to 1024)   HNSW recall@1024   HNSW build
     10,000     0.38 ms     0.83 ms                              0.998              1.4 s
     20,000     0.86 ms     1.29 ms                              0.997              2.7 s
     30,000     1.64 ms     1.50 ms                              0.996              3.9 s
     40,000     2.19 ms     1.49 ms                              0.996              5.1 s
    100,000     5.6 ms      1.7 ms                               0.994              6.5-14 s
  1,000,000    53 ms        2.1 ms                               0.982            200 s

so below about 30,000 vectors (some 3,000 passages) exact search is as fast, exact, and
free to build; above it HNSW wins and keeps winning. For k = 10 HNSW with efSearch 128
finds 0.999 of the exact top ten at 100,000 vectors and 0.993 at 1,000,000.

IVF (IndexIVFFlat, nlist = 4 sqrt(n)) was the alternative: at 100,000 vectors it takes a
k-means training (11 s) and needs nprobe 128 for recall@10 0.996 (0.60 ms, HNSW 0.999 in
0.22 ms) and nprobe 256 for recall@1024 0.970 (1.30 ms, HNSW 0.994 in 1.67 ms); it only
saves memory (+2% over the raw vectors against +18%), so HNSW it is.

Parameters: M = 32 against 16 gave recall@10 0.991 against 0.968 at 1M for 8% more
memory; efConstruction 80 against 40 gave 0.999 against 0.991 at 100k (efSearch 128) for
1.5x the build time; efSearch 128 reaches recall@10 0.99 at 1M, where 64 gave 0.967.
"""

from __future__ import annotations

import faiss
import numpy as np

EXACT_UP_TO = 30_000  # vectors; the crossover measured above
HNSW_M = 32  # graph neighbours per vector (2 * M on the bottom layer)
HNSW_EF_CONSTRUCTION = 80  # candidates considered when linking a vector into the graph
HNSW_EF_SEARCH = 128  # candidates explored per query; raised to k for longer result lists


def flat_index(dimension: int) -> faiss.Index:
    return faiss.IndexFlatIP(dimension)


def hnsw_index(dimension: int, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION,
               ef_search: int = HNSW_EF_SEARCH) -> faiss.Index:
    """Inner product on unit vectors, so scores are cosines exactly as with the flat index."""
    index = faiss.IndexHNSWFlat(dimension, m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.hnsw.efSearch = ef_search  # saved with the index, so the engine loads it as built
    return index


def choose_vector_index(n_vectors: int, dimension: int) -> faiss.Index:
    """An empty index of the type measured best for this many vectors."""
    return flat_index(dimension) if n_vectors <= EXACT_UP_TO else hnsw_index(dimension)


def build_vector_index(vectors: np.ndarray) -> faiss.Index:
    index = choose_vector_index(len(vectors), vectors.shape[1])
    index.add(vectors)
    return index


def search_parameters(index: faiss.Index, k: int) -> faiss.SearchParameters | None:
    """HNSW returns k good neighbours only if it explores at least k candidates (efSearch >= k);
    without this the engine's 1024-long lists had recall 0.6 at efSearch 128."""
    if isinstance(index, faiss.IndexHNSW):
        return faiss.SearchParametersHNSW(efSearch=max(index.hnsw.efSearch, k))
    return None


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, ids) of the k nearest, on the calling thread alone.

    A question's search is a few queries: OpenMP threads would gain nothing, and after
    each search they spin-wait for more work, taking the second core from the ONNX model
    that embeds the next question. The OpenMP
    thread count is the calling thread's own setting, so it is restored for whatever this
    thread runs next (an index build in a test or a benchmark)."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(queries, k, params=search_parameters(index, k))
    finally:
        faiss.omp_set_num_threads(threads)


def describe(index: faiss.Index) -> str:
    """The type and parameters, as recorded in the manifest and checked on load."""
    if isinstance(index, faiss.IndexHNSWFlat):
        hnsw = index.hnsw
        return f"IndexHNSWFlat(M={hnsw.nb_neighbors(1)}, efConstruction={hnsw.efConstruction}, efSearch={hnsw.efSearch})"
    return type(index).__name__
