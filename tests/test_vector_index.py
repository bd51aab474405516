"""The FAISS index type by corpus size, the approximate index's recall, and sparse dense scoring."""

from pathlib import Path

import faiss
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import Engine, IndexSettings, build_index, vector_index
from index.retrieval import _best_per_key, _top_indices
from index.store import read_index
from tests.fake_embedder import HashingEmbedder

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def unit_vectors(n: int, dimension: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, dimension)).astype(np.float32)
    faiss.normalize_L2(vectors)
    return vectors


@pytest.mark.parametrize("n, kind", [
    (1, faiss.IndexFlatIP),
    (vector_index.EXACT_UP_TO, faiss.IndexFlatIP),
    (vector_index.EXACT_UP_TO + 1, faiss.IndexHNSWFlat),
])
def test_exact_search_up_to_the_threshold_and_hnsw_above(n, kind):
    index = vector_index.choose_vector_index(n, 32)
    assert type(index) is kind and index.d == 32 and index.metric_type == faiss.METRIC_INNER_PRODUCT


def test_hnsw_gets_the_measured_parameters():
    index = vector_index.choose_vector_index(vector_index.EXACT_UP_TO + 1, 32)
    assert index.hnsw.efConstruction == vector_index.HNSW_EF_CONSTRUCTION
    assert index.hnsw.efSearch == vector_index.HNSW_EF_SEARCH
    assert vector_index.describe(index) == (
        f"IndexHNSWFlat(M={vector_index.HNSW_M}, efConstruction={vector_index.HNSW_EF_CONSTRUCTION}, "
        f"efSearch={vector_index.HNSW_EF_SEARCH})"
    )


def exact_and_hnsw(vectors: np.ndarray) -> tuple[faiss.Index, faiss.Index]:
    exact, approximate = faiss.IndexFlatIP(vectors.shape[1]), vector_index.hnsw_index(vectors.shape[1])
    exact.add(vectors)
    approximate.add(vectors)
    return exact, approximate


def test_hnsw_finds_nearly_all_of_the_exact_top_ten():
    vectors, queries = unit_vectors(4000, 64), unit_vectors(100, 64, seed=1)
    exact, approximate = exact_and_hnsw(vectors)
    truth, found = exact.search(queries, 10)[1], approximate.search(queries, 10)[1]
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
    # Random 64-d vectors are harder for HNSW than real embeddings, which cluster.
    assert recall >= 0.95


def test_the_engine_s_long_neighbour_lists_are_searched_as_deep_as_they_are_long():
    vectors, queries = unit_vectors(3000, 32), unit_vectors(20, 32, seed=1)
    exact, approximate = exact_and_hnsw(vectors)
    params = vector_index.search_parameters(approximate, 500)
    assert params.efSearch == 500 and vector_index.search_parameters(exact, 500) is None
    truth, found = exact.search(queries, 500)[1], approximate.search(queries, 500, params=params)[1]
    assert np.mean([len(set(f) & set(t)) / 500 for f, t in zip(found, truth)]) >= 0.95


def test_an_approximate_index_is_saved_loaded_and_served(tmp_path, monkeypatch):
    monkeypatch.setattr(vector_index, "EXACT_UP_TO", 0)  # HNSW even for the six-passage corpus
    report = build_index(REPO_CORPUS, tmp_path / "index", HashingEmbedder())
    stored = read_index(tmp_path / "index", model="test/hashing")
    assert isinstance(stored.vectors, faiss.IndexHNSWFlat)
    assert stored.vectors.hnsw.efSearch == vector_index.HNSW_EF_SEARCH  # query-time setting survives the file
    assert stored.manifest.vector_index == report.vector_index == vector_index.describe(stored.vectors)
    assert report.vector_index.startswith("IndexHNSWFlat(") and report.vector_index in report.summary()
    settings = IndexSettings(_env_file=None, index_dir=tmp_path / "index", embedding_model="test/hashing")
    answer = Engine.load(settings, HashingEmbedder()).ask("Who is the CEO of Robinhood?")
    assert "Vlad Tenev" in answer.hits[0].passage.text


def test_a_small_corpus_gets_an_exact_index(tmp_path):
    report = build_index(REPO_CORPUS, tmp_path / "index", HashingEmbedder())
    assert report.vector_index == "IndexFlatIP"
    assert read_index(tmp_path / "index", model="test/hashing").manifest.vector_index == "IndexFlatIP"


scores = st.lists(st.integers(0, 5).map(float), min_size=1, max_size=80)


@given(scores, st.integers(1, 60))
def test_top_indices_are_a_stable_argsort(values, k):
    values = np.array(values, dtype=np.float32)
    assert _top_indices(values, k).tolist() == np.argsort(-values, kind="stable")[:k].tolist()


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(-5, 5)), min_size=1, max_size=60))
def test_best_per_key_is_a_sparse_maximum(pairs):
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.float32)
    dense = np.full(21, -np.inf, dtype=np.float32)
    np.maximum.at(dense, keys, values)
    found_keys, found_values = _best_per_key(keys, values)
    assert found_keys.tolist() == sorted(set(keys.tolist()))
    assert found_values.tolist() == dense[found_keys].tolist()


def test_a_search_runs_on_the_calling_thread_and_leaves_its_thread_count_as_it_was():
    """A question's search on one OpenMP thread (its spinning helpers would take the core
    the model needs next), without changing the thread count the caller uses for builds."""
    index = vector_index.build_vector_index(unit_vectors(50, 16))
    seen = []
    original = index.search

    def search(*args, **kwargs):
        seen.append(faiss.omp_get_max_threads())
        return original(*args, **kwargs)

    index.search = search
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        similarities, ids = vector_index.search(index, unit_vectors(2, 16, seed=1), 5)
        assert seen == [1] and faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(before)
    assert ids.shape == (2, 5) and np.all(np.diff(similarities, axis=1) <= 0)
