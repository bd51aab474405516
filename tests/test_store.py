"""The index on disk: build, manifest checks, damage, and atomic replacement."""

import json
from pathlib import Path

import pytest

from index import Engine, IndexCorrupted, IndexMismatch, IndexMissing, IndexSettings, build_index
from index.embedding_cache import EMBEDDING_KEYS, EMBEDDINGS
from index.store import MANIFEST, PASSAGES, VECTORS, read_index
from tests.fake_embedder import BrokenEmbedder, HashingEmbedder

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def built(tmp_path):
    index_dir = tmp_path / "index"
    report = build_index(REPO_CORPUS, index_dir, HashingEmbedder())
    return index_dir, report


def test_build_writes_a_manifest_that_describes_the_index(built):
    index_dir, report = built
    manifest = json.loads((index_dir / MANIFEST).read_text())
    assert manifest["model"] == "test/hashing" and manifest["dimension"] == 64
    assert manifest["passage_count"] == report.passages == 6
    assert manifest["articles"][0]["title"].startswith("Why Is Everyone Talking")
    assert len(manifest["corpus_hash"]) == 64 and manifest["built_at"].endswith("+00:00")
    assert {p.name for p in index_dir.iterdir()} == {MANIFEST, PASSAGES, VECTORS, EMBEDDINGS, EMBEDDING_KEYS}


def test_example_questions_of_each_language_survive_the_manifest(built, tmp_path):
    """The bot offers the examples read back from manifest.json, not from the corpus."""
    index_dir, _ = built
    article = read_index(index_dir, model="test/hashing").manifest.articles[0]
    assert article.examples[0] == "What did Musk tweet to Putin?"
    assert article.translated_examples["ru"][0] == "Что Маск предложил Путину?"
    assert all(isinstance(q, tuple) for q in article.translated_examples.values())

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plain.txt").write_text("---\ntitle: Plain\n---\n\nA paragraph about nothing much at all.\n", encoding="utf-8")
    plain_dir = tmp_path / "plain-index"
    build_index(corpus, plain_dir, HashingEmbedder())
    plain = read_index(plain_dir, model="test/hashing").manifest.articles[0]
    assert plain.examples == () and plain.translated_examples == {}


def test_engine_loads_and_answers_with_the_fake_model(built):
    index_dir, _ = built
    settings = IndexSettings(_env_file=None, index_dir=index_dir, embedding_model="test/hashing")
    engine = Engine.load(settings, HashingEmbedder())
    answer = engine.ask("Who is the CEO of Robinhood?")
    assert "Vlad Tenev" in answer.hits[0].passage.text
    assert answer.hits[0].answer.startswith("Vlad Tenev")


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissing, match="python -m index build"):
        read_index(tmp_path / "nothing", model="test/hashing")


def test_index_of_another_model_is_refused(built):
    index_dir, _ = built
    with pytest.raises(IndexMismatch, match="built with model 'test/hashing' but EMBEDDING_MODEL is 'other'"):
        read_index(index_dir, model="other")


def test_index_of_another_chunker_is_refused(built):
    index_dir, _ = built
    manifest = json.loads((index_dir / MANIFEST).read_text())
    manifest["chunker_version"] = "0"
    (index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="chunker"):
        read_index(index_dir, model="test/hashing")


@pytest.mark.parametrize("damage", ["truncate_vectors", "garbage_passages", "garbage_manifest", "delete_vectors"])
def test_damaged_index_is_refused_in_one_line(built, damage):
    index_dir, _ = built
    if damage == "truncate_vectors":
        data = (index_dir / VECTORS).read_bytes()
        (index_dir / VECTORS).write_bytes(data[: len(data) // 2])
    elif damage == "garbage_passages":
        (index_dir / PASSAGES).write_text("[{not json")
    elif damage == "garbage_manifest":
        (index_dir / MANIFEST).write_text("{\"model\": ")
    else:
        (index_dir / VECTORS).unlink()
    with pytest.raises(IndexCorrupted) as error:
        read_index(index_dir, model="test/hashing")
    assert "\n" not in str(error.value) and "python -m index build" in str(error.value)


def test_failed_build_leaves_the_old_index_serving_and_no_debris(built):
    index_dir, _ = built
    before = {p.name: p.read_bytes() for p in index_dir.iterdir()}
    with pytest.raises(RuntimeError):
        # Another model: its vectors are not in the cache, so the build has to embed, and fails.
        build_index(REPO_CORPUS, index_dir, BrokenEmbedder(name="test/broken"))
    assert {p.name: p.read_bytes() for p in index_dir.iterdir()} == before
    assert [p.name for p in index_dir.parent.iterdir()] == ["index"]


def test_rebuild_replaces_the_index_in_place(built, tmp_path):
    index_dir, _ = built
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("One\n\nA single short paragraph.\n", encoding="utf-8")
    build_index(corpus, index_dir, HashingEmbedder())
    assert read_index(index_dir, model="test/hashing").manifest.passage_count == 1
    assert sorted(p.name for p in index_dir.parent.iterdir()) == ["corpus", "index"]
