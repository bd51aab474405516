"""The ONNX serving path: export beside the index, agreement with sentence-transformers,
refusal of a missing, damaged or foreign export, and no torch on the way to an answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import Engine, IndexCorrupted, IndexMismatch, IndexSettings, IndexUnavailable, build_index
from index.onnx_embedder import (
    EXPORT_VERSION, FACTS, MODEL_FILES, ONNX_DIR, TOKENIZER, OnnxEmbedder, read_facts, weights_file,
)
from index.onnx_export import PLAIN_GRAPH
from tests.conftest import MODEL, REPO
from tests.fake_embedder import HashingEmbedder

DATA = Path(__file__).resolve().parent / "data"
QUESTION_SETS = [REPO.parent / "shared" / "eval" / "dev.jsonl", DATA / "extra.jsonl"]
TEXTS = [
    "What did Musk tweet to Putin?",
    "Илон Маск пригласил Владимира Путина в Clubhouse. Что ответил Кремль?",  # Cyrillic
    "Clubhouse " + "is an audio-only social network where people talk in rooms. " * 60,  # > max_seq_length
    "",
    "  leading and trailing spaces  ",
]


def questions() -> list[str]:
    found = [path for path in QUESTION_SETS if path.exists()]
    return [json.loads(line)["question"] for path in found for line in path.read_text().splitlines() if line.strip()]


def settings(index_dir: Path, backend: str = "onnx", model: str = MODEL) -> IndexSettings:
    return IndexSettings(_env_file=None, corpus_dir=REPO / "corpus", index_dir=index_dir,
                         embedding_model=model, embedding_backend=backend)


# --- the export and the embeddings (real model) -------------------------------------------------


@pytest.mark.model
def test_the_build_exports_the_model_and_records_what_it_exported(bot_index):
    _, index = bot_index
    onnx = index / ONNX_DIR
    graphs = set(MODEL_FILES.values())
    assert {p.name for p in onnx.iterdir()} == {FACTS, TOKENIZER, *graphs, *map(weights_file, graphs)}
    facts = read_facts(onnx, model=MODEL)
    assert (facts.model, facts.dimension, facts.max_seq_length, facts.pooling) == (MODEL, 384, 256, "mean")
    assert facts.inputs == ("input_ids", "attention_mask", "token_type_ids")
    assert len(facts.fingerprint) == 64
    # Every layer's attention fused into one kernel (onnx_graph.py): MiniLM-L6 has six.
    assert facts.fused["Attention"] == 6 and facts.fused["SkipLayerNormalization"] == 12
    assert facts.export_version == EXPORT_VERSION and not (onnx / PLAIN_GRAPH).exists()
    assert set(facts.files) == {p.name for p in onnx.iterdir()} - {FACTS}  # each file's size checked on load


@pytest.mark.model
def test_the_weights_sit_beside_each_graph_so_a_session_maps_them(bot_index):
    """A graph holding its weights is parsed into memory whole: the serving peak would grow
    by the size of the model (onnx_graph.weights_beside)."""
    import onnx as onnx_format

    _, index = bot_index
    for graph in MODEL_FILES.values():
        model = onnx_format.load(str(index / ONNX_DIR / graph), load_external_data=False)
        stored = {next(e.value for e in t.external_data if e.key == "location")
                  for t in model.graph.initializer if t.data_location == onnx_format.TensorProto.EXTERNAL}
        assert stored == {weights_file(graph)}
        weights = index / ONNX_DIR / weights_file(graph)
        assert (index / ONNX_DIR / graph).stat().st_size < 1_000_000 < weights.stat().st_size
        assert weights.stat().st_mode & 0o777 == (index / ONNX_DIR / graph).stat().st_mode & 0o777


@pytest.mark.model
def test_a_fusion_that_changes_the_embeddings_gives_way_to_the_plain_graph(real_embedder, tmp_path, monkeypatch):
    from index import onnx_export

    checked = []  # what model.onnx held at each agreement check

    def fused_graph_disagrees(embedder, onnx_dir):
        checked.append(read_facts(onnx_dir, model=MODEL).fused)
        return 0.5 if len(checked) == 1 else real_agreement(embedder, onnx_dir)

    real_agreement = onnx_export._agreement
    monkeypatch.setattr(onnx_export, "_agreement", fused_graph_disagrees)
    target = tmp_path / "onnx"
    facts = onnx_export.export_model(real_embedder, target, quantize=False)
    assert checked[0]["Attention"] == 6 and checked[1] == {} and facts.fused == {}
    assert read_facts(target, model=MODEL) == facts and not (target / PLAIN_GRAPH).exists()
    assert {p.name for p in target.iterdir()} == {FACTS, TOKENIZER, MODEL_FILES["fp32"], weights_file(MODEL_FILES["fp32"])}
    plain = OnnxEmbedder(target, MODEL).embed(TEXTS)
    assert np.min(np.sum(real_embedder.embed(TEXTS) * plain, axis=1)) >= 0.9999


@pytest.mark.model
def test_an_export_that_disagrees_with_sentence_transformers_is_not_served(real_embedder, tmp_path, monkeypatch):
    """The index is still built, for the torch backend; nothing half-checked is left beside it."""
    from index import onnx_export

    monkeypatch.setattr(onnx_export, "_agreement", lambda embedder, onnx_dir: 0.5)
    monkeypatch.setattr(onnx_export, "_last_export", {})  # no export of this process to link instead
    report = build_index(REPO / "corpus", tmp_path / "index", real_embedder)
    assert not report.onnx_written and "disagrees with sentence-transformers" in report.onnx
    assert not (tmp_path / "index" / ONNX_DIR).exists()
    assert Engine.load(settings(tmp_path / "index", "torch"), real_embedder).ask("What did Musk tweet to Putin?").hits


@pytest.mark.model
def test_an_int8_graph_that_strays_from_sentence_transformers_is_not_kept(real_embedder, tmp_path, monkeypatch, caplog):
    """Then the default backend (onnx-int8) serves the fp32 graph, and says so."""
    from index import onnx_export
    from index.embedding import serving_embedder

    real_agreement = onnx_export._agreement
    monkeypatch.setattr(onnx_export, "_agreement", lambda embedder, onnx_dir, quantized=False:
                        0.5 if quantized else real_agreement(embedder, onnx_dir))
    facts = onnx_export.export_model(real_embedder, tmp_path / ONNX_DIR)
    int8 = MODEL_FILES["int8"]
    assert int8 not in facts.files and read_facts(tmp_path / ONNX_DIR, model=MODEL) == facts
    assert not (tmp_path / ONNX_DIR / int8).exists() and not (tmp_path / ONNX_DIR / weights_file(int8)).exists()
    default = IndexSettings(_env_file=None, index_dir=tmp_path, embedding_model=MODEL)
    assert default.embedding_backend == "onnx-int8"
    with caplog.at_level("WARNING", logger="index.embedding"):
        assert serving_embedder(default).variant == "fp32"
    assert "no int8 graph" in caplog.text


@pytest.mark.model
def test_a_question_is_embedded_on_every_core_unless_embedding_threads_says_otherwise(bot_index):
    from bot.settings import BotSettings
    from index.onnx_embedder import _usable_cores

    corpus, index = bot_index

    def session_options(values):
        return Engine.load(values).embedder._session.get_session_options()

    bot = BotSettings(_env_file=None, corpus_dir=corpus, index_dir=index, embedding_model=MODEL, embedding_threads="")
    assert session_options(bot).intra_op_num_threads == _usable_cores()
    chosen = session_options(settings(index).model_copy(update={"embedding_threads": 1}))
    assert chosen.intra_op_num_threads == 1
    # Worker threads spin while a run is under way and stop when it returns.
    assert chosen.get_session_config_entry("session.force_spinning_stop") == "1"


@pytest.mark.model
def test_a_rebuild_links_the_export_instead_of_exporting_again(bot_index, real_embedder, tmp_path):
    corpus, _ = bot_index
    report = build_index(corpus, tmp_path / "index", real_embedder)
    assert report.onnx == "ONNX export reused" and report.onnx_written
    weights = tmp_path / "index" / ONNX_DIR / weights_file(MODEL_FILES["fp32"])
    assert weights.stat().st_nlink >= 2  # a hard link, not a 90 MB copy


@pytest.mark.model
def test_onnx_embeddings_match_sentence_transformers(bot_index, real_embedder):
    _, index = bot_index
    expected = real_embedder.embed(TEXTS)
    onnx = OnnxEmbedder(index / ONNX_DIR, MODEL).embed(TEXTS)
    assert onnx.dtype == np.float32 and onnx.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(expected * onnx, axis=1)) >= 0.9999
    # int8 (the default backend) moves embeddings a little: a looser bound, the figure shown with -rP.
    int8 = OnnxEmbedder(index / ONNX_DIR, MODEL, quantized=True).embed(TEXTS)
    cosines = np.sum(expected * int8, axis=1)
    print(f"int8 cosine to sentence-transformers: min {cosines.min():.4f}, mean {cosines.mean():.4f}")
    assert cosines.min() >= 0.95


@pytest.mark.model
@pytest.mark.skipif(not questions(), reason="no question sets")
def test_the_onnx_backend_ranks_the_same_first_passage_as_sentence_transformers(bot_index, real_embedder):
    """What the fp32 graph promises: on every dev and extra question, the same answer. int8 (the
    default) may differ on a few; its answers are measured held-out (docs/benchmarks.md)."""
    _, index = bot_index
    torch = Engine.load(settings(index, "torch"), Prefetched(real_embedder, questions()))
    onnx = Engine.load(settings(index, "onnx"))
    int8 = Engine.load(settings(index, "onnx-int8"))
    differ = {"onnx": [], "onnx-int8": []}
    for question in questions():
        expected = torch.ask(question).hits[0].passage
        for name, engine in (("onnx", onnx), ("onnx-int8", int8)):
            if engine.ask(question).hits[0].passage != expected:
                differ[name].append(question)
    print(f"int8: first passage differs on {len(differ['onnx-int8'])} of {len(questions())} questions")
    assert differ["onnx"] == []


@pytest.mark.model
@pytest.mark.parametrize("backend", ["torch", "onnx", "onnx-int8"])
def test_every_backend_tells_a_real_word_from_a_typo_alike(bot_index, real_embedder, backend):
    """Typo repair is checked by the model's tokenizer (index/repair_check.py): the same
    verdicts whichever backend serves the questions."""
    _, index = bot_index
    embedder = real_embedder if backend == "torch" else Engine.load(settings(index, backend)).embedder
    assert [embedder.holds_whole(w) for w in ("counted", "version", "downloads", "clubhose", "downlods")] == [
        True, True, True, False, False]


class Prefetched:
    """sentence-transformers with the questions embedded up front in one batch: the same
    vectors to float rounding, without a slow torch call per question on a busy machine."""

    def __init__(self, embedder, texts: list[str]) -> None:
        self.name, self.dimension, self._embedder = embedder.name, embedder.dimension, embedder
        self._known = dict(zip(texts, embedder.embed(texts)))

    def embed(self, texts, *, progress: bool = False) -> np.ndarray:
        missing = [t for t in texts if t not in self._known]  # a question with a repaired typo
        if missing:
            self._known.update(zip(missing, self._embedder.embed(missing)))
        return np.stack([self._known[t] for t in texts])

    def holds_whole(self, word: str) -> bool:  # as the engine serving it has (index/repair_check.py)
        return self._embedder.holds_whole(word)


@pytest.mark.model
def test_no_torch_is_imported_to_answer_a_question(bot_index):
    """`python -m index ask` and the bot's modules, in fresh processes: torch and its
    libraries are never imported (-X importtime lists every module a process imports)."""
    corpus, index = bot_index
    env = {**os.environ, "CORPUS_DIR": str(corpus), "INDEX_DIR": str(index), "EMBEDDING_BACKEND": "onnx",
           "EMBEDDING_MODEL": MODEL, "PYTHONPATH": str(REPO)}
    ask = subprocess.run([sys.executable, "-X", "importtime", "-m", "index", "ask", "--json", "Who is the CEO of Robinhood?"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert ask.returncode == 0, ask.stderr[-2000:]
    assert "Vlad Tenev" in json.loads(ask.stdout)["passages"][0]["text"]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in ask.stderr.splitlines() if line.startswith("import time:")}
    assert "onnxruntime" in imported
    assert not imported & {"torch", "transformers", "sentence_transformers"}

    script = (
        "import sys, bot.__main__, bot.app, bot.reindex\n"
        "from index import Engine, IndexSettings\n"
        "engine = Engine.load(IndexSettings())\n"
        "assert engine.ask('Who is the CEO of Robinhood?').hits\n"
        # scipy too: bm25s is imported without it (index/lexical._import_bm25s); -X importtime
        # above lists the import it halts, so this is checked here, on what was loaded.
        "print(sorted({'torch', 'transformers', 'sentence_transformers', 'scipy'} & set(sys.modules)))\n"
    )
    bot = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert bot.returncode == 0, bot.stderr[-2000:]
    assert bot.stdout.strip() == "[]"


# --- refusals, with the fake model ------------------------------------------------------------

# An export is checked against its description before onnxruntime is imported, so refusals
# of a missing, damaged or mismatched export stay in the fast tier; loading a file does not.
RUNTIME = pytest.mark.model


@pytest.fixture
def fake_index(tmp_path) -> Path:
    """An index built by the fake model: no ONNX export beside it."""
    index = tmp_path / "index"
    report = build_index(REPO / "corpus", index, HashingEmbedder(name=MODEL, dimension=384))
    assert not report.onnx_written and "no ONNX export" in report.summary()
    return index


def fake_export(index: Path, **facts) -> Path:
    onnx = index / ONNX_DIR
    onnx.mkdir()
    for name in (*MODEL_FILES.values(), TOKENIZER):
        (onnx / name).write_bytes(b"not an onnx file")
    values = {"model": MODEL, "fingerprint": "0" * 64, "dimension": 384, "max_seq_length": 256, "pooling": "mean",
              "inputs": ["input_ids", "attention_mask"], "pad_id": 0, "pad_token": "[PAD]",
              "files": {name: 16 for name in (*MODEL_FILES.values(), TOKENIZER)}, **facts}
    (onnx / FACTS).write_text(json.dumps(values))
    return onnx


def one_line_error(index: Path, backend: str = "onnx") -> IndexUnavailable:
    with pytest.raises(IndexUnavailable) as caught:
        Engine.load(settings(index, backend))
    message = str(caught.value)
    assert "\n" not in message and "python -m index build" in message
    return caught.value


def test_an_index_without_an_export_asks_for_a_rebuild(fake_index):
    error = one_line_error(fake_index)
    assert isinstance(error, IndexCorrupted) and "no ONNX export" in str(error)


def test_a_truncated_or_missing_model_file_is_refused(fake_index):
    onnx = fake_export(fake_index)
    (onnx / MODEL_FILES["int8"]).write_bytes(b"short")
    assert "damaged" in str(one_line_error(fake_index, "onnx-int8"))
    (onnx / MODEL_FILES["fp32"]).unlink()
    assert "damaged" in str(one_line_error(fake_index, "onnx"))


@RUNTIME
def test_an_unloadable_model_file_is_refused(fake_index):
    fake_export(fake_index)
    error = one_line_error(fake_index)
    assert isinstance(error, IndexCorrupted) and "cannot be loaded" in str(error)


def test_an_unreadable_export_description_is_refused(fake_index):
    fake_export(fake_index)
    (fake_index / ONNX_DIR / FACTS).write_text("{not json")
    assert "unreadable" in str(one_line_error(fake_index))


@pytest.mark.model
def test_an_export_with_the_weights_inside_the_graph_is_still_served(bot_index, real_embedder, tmp_path):
    """Version 2 exports, written before the weights moved beside the graph, serve until the
    next build re-exports them."""
    import onnx as onnx_format

    _, index = bot_index
    current = shutil.copytree(index / ONNX_DIR, tmp_path / "current")  # copies: onnx will not read a hard link
    onnx = tmp_path / ONNX_DIR
    onnx.mkdir()
    facts = json.loads((current / FACTS).read_text())
    for graph in MODEL_FILES.values():
        onnx_format.save_model(onnx_format.load(str(current / graph)), str(onnx / graph))
        facts["files"].pop(weights_file(graph))
        facts["files"][graph] = (onnx / graph).stat().st_size
    (onnx / TOKENIZER).write_bytes((index / ONNX_DIR / TOKENIZER).read_bytes())
    (onnx / FACTS).write_text(json.dumps({**facts, "export_version": 2}))
    served = OnnxEmbedder(onnx, MODEL).embed(TEXTS)
    assert np.min(np.sum(real_embedder.embed(TEXTS) * served, axis=1)) >= 0.9999


def test_a_build_reuses_only_an_export_of_the_current_layout(fake_index):
    from index.onnx_export import _export_of

    onnx = fake_export(fake_index, export_version=EXPORT_VERSION)
    assert _export_of(onnx, MODEL, "0" * 64) is not None
    assert _export_of(onnx, MODEL, "1" * 64) is None  # other weights
    facts = json.loads((onnx / FACTS).read_text())
    (onnx / FACTS).write_text(json.dumps({**facts, "export_version": 2}))  # served, but not reused
    assert read_facts(onnx, model=MODEL).export_version == 2 and _export_of(onnx, MODEL, "0" * 64) is None


def test_an_export_of_an_earlier_layout_asks_for_a_rebuild(fake_index):
    """Version 1 held the unfused graph and no `fused` record: it is redone, not served."""
    fake_export(fake_index, export_version=1)
    error = one_line_error(fake_index)
    assert isinstance(error, IndexMismatch) and "another layout" in str(error)


def test_an_export_of_another_model_is_refused(fake_index):
    fake_export(fake_index, model="someone/other-model")
    error = one_line_error(fake_index)
    assert isinstance(error, IndexMismatch) and "other-model" in str(error)


def test_the_torch_backend_needs_no_export(fake_index, monkeypatch):
    from index import embedding

    loaded = []  # the fake stands in for sentence-transformers: the backend decides which is created
    monkeypatch.setattr(embedding, "load_embedder", lambda name: loaded.append(name) or HashingEmbedder(MODEL, 384))
    Engine.load(settings(fake_index, "torch"))
    assert loaded == [MODEL]


def test_an_unknown_backend_is_a_settings_error():
    from pydantic import ValidationError

    from index.settings import describe_error

    with pytest.raises(ValidationError) as caught:
        settings(Path("unused"), "tensorflow")
    assert describe_error(caught.value).startswith("invalid settings: EMBEDDING_BACKEND:")


@RUNTIME
def test_build_if_missing_rebuilds_an_index_without_an_export(fake_index, monkeypatch, capsys):
    from index import cli

    monkeypatch.chdir(fake_index.parent)
    monkeypatch.setenv("INDEX_DIR", str(fake_index))
    monkeypatch.setenv("CORPUS_DIR", str(REPO / "corpus"))
    monkeypatch.setenv("EMBEDDING_BACKEND", "onnx")
    monkeypatch.setattr(cli, "load_embedder", lambda name: HashingEmbedder(MODEL, 384))
    assert cli.main(["build", "--if-missing"]) == 1  # rebuilt, but the fake model has no export to serve
    err = capsys.readouterr().err
    assert "has no ONNX export" in err and "set EMBEDDING_BACKEND=torch" in err
