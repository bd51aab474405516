"""Incremental rebuilds: only units whose text changed are embedded; the cache never breaks a build."""

from pathlib import Path

import numpy as np
import pytest

from index import build_index
from index.embedding_cache import EMBEDDING_KEYS, EMBEDDINGS
from index.passages import make_passages, make_units
from index.corpus import read_corpus
from index.store import read_index
from tests.fake_embedder import HashingEmbedder

PARAGRAPHS = [
    "The council approved a new ferry route to the island. Boats will run every hour in summer.",
    "Critics said the ferry would be too expensive. The mayor disagreed and cited rising demand.",
    "Tickets go on sale in May. Children under twelve travel free on weekdays.",
    "The first boat leaves the harbour at six in the morning. The last one returns at ten at night.",
]


def write_article(folder: Path, name: str, title: str, paragraphs: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md").write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def unit_texts(corpus: Path) -> list[str]:
    return [u.text for u in make_units(make_passages(read_corpus(corpus)))]


def stored_vectors(index_dir: Path) -> np.ndarray:
    index = read_index(index_dir, model="test/hashing").vectors
    return index.reconstruct_n(0, index.ntotal)


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    write_article(folder, "ferry", "Island ferry", PARAGRAPHS)
    write_article(folder, "library", "Library", ["The library opens a new reading room. It holds maps of the old town."])
    return folder


def test_editing_one_paragraph_embeds_only_the_units_whose_text_changed(corpus, tmp_path):
    index_dir = tmp_path / "index"
    first = build_index(corpus, index_dir, HashingEmbedder())
    assert (first.embedded, first.reused) == (first.units, 0)
    before = set(unit_texts(corpus))

    edited = PARAGRAPHS.copy()
    edited[1] = "Critics said the ferry would be too expensive. The mayor disagreed, citing rising demand."
    write_article(corpus, "ferry", "Island ferry", edited)
    embedder = HashingEmbedder()
    report = build_index(corpus, index_dir, embedder)

    changed = [t for t in unit_texts(corpus) if t not in before]
    # The passage, the edited sentence alone and in context, and the next passage's first
    # sentence in context, which quotes it; the passage's other sentence is untouched.
    assert len(changed) == 4
    assert set(embedder.texts) == set(changed) and len(embedder.texts) == len(set(changed))  # a repeated text once
    assert (report.embedded, report.reused) == (len(changed), report.units - len(changed))
    assert f"{len(changed)} embedded, {report.units - len(changed)} reused" in report.summary()

    full_dir = tmp_path / "full"
    build_index(corpus, full_dir, HashingEmbedder())
    assert np.array_equal(stored_vectors(index_dir), stored_vectors(full_dir))


def test_an_unchanged_corpus_embeds_nothing(corpus, tmp_path):
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    embedder = HashingEmbedder()
    report = build_index(corpus, tmp_path / "index", embedder)
    assert embedder.texts == [] and report.embedded == 0 and report.reused == report.units


def test_another_model_shares_nothing_with_the_cache(corpus, tmp_path):
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    report = build_index(corpus, tmp_path / "index", HashingEmbedder(name="test/other"))
    assert report.reused == 0


def test_removing_an_article_drops_its_vectors(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    (corpus / "library.md").unlink()
    embedder = HashingEmbedder()
    report = build_index(corpus, index_dir, embedder)
    assert embedder.texts == []  # what is left was all in the cache
    assert report.units == report.reused == len(unit_texts(corpus))
    assert len(np.load(index_dir / EMBEDDINGS)) == len(np.load(index_dir / EMBEDDING_KEYS)) == report.units
    assert read_index(index_dir, model="test/hashing").vectors.ntotal == report.units


def damage(index_dir: Path, how: str) -> None:
    if how == "truncated vectors":
        data = (index_dir / EMBEDDINGS).read_bytes()
        (index_dir / EMBEDDINGS).write_bytes(data[: len(data) // 2])
    elif how == "garbage keys":
        (index_dir / EMBEDDING_KEYS).write_bytes(b"\x93NUMPY garbage")
    elif how == "missing keys":
        (index_dir / EMBEDDING_KEYS).unlink()
    elif how == "other dimension":
        np.save(index_dir / EMBEDDINGS, np.ones((len(np.load(index_dir / EMBEDDING_KEYS)), 3), dtype=np.float32))
    elif how == "scrambled values":
        vectors = np.load(index_dir / EMBEDDINGS)
        np.save(index_dir / EMBEDDINGS, vectors * 3)  # right shape and type, wrong numbers
    elif how == "pickled object":
        np.save(index_dir / EMBEDDING_KEYS, np.array([object()], dtype=object), allow_pickle=True)


@pytest.mark.parametrize(
    "how", ["truncated vectors", "garbage keys", "missing keys", "other dimension", "scrambled values", "pickled object"]
)
def test_a_damaged_cache_is_ignored(corpus, tmp_path, how):
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    expected = stored_vectors(index_dir)
    damage(index_dir, how)
    report = build_index(corpus, index_dir, HashingEmbedder())
    assert (report.embedded, report.reused) == (report.units, 0)
    assert np.array_equal(stored_vectors(index_dir), expected)
    # and the rebuilt cache is whole again
    assert build_index(corpus, index_dir, HashingEmbedder()).reused == report.units
