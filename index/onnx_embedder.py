"""The embedding model run by onnxruntime: the serving path that never imports torch.

`python -m index build` embeds with sentence-transformers (the source of truth) and also
exports the same model beside the index (onnx_export.py):

    onnx/model.onnx        the transformer: input ids, mask (and token types) -> last_hidden_state,
                           with each layer's nodes fused into a few kernels (onnx_graph.py)
    onnx/model.int8.onnx   the same, weights quantised to int8 per channel (EMBEDDING_BACKEND=onnx-int8)
    onnx/*.onnx.data       each graph's weights, beside it (ONNX external data)
    onnx/tokenizer.json    the fast tokenizer sentence-transformers uses, for the `tokenizers` library
    onnx/export.json       what was exported (model name, weights fingerprint, dimension,
                           max_seq_length, pooling) and each file's size

Pooling and normalisation happen here in numpy, so the graph is the transformer alone and
the answers match sentence-transformers' (cosine >= 0.9999; tests/test_onnx.py). This
module imports only onnxruntime, tokenizers and numpy: loading it costs a fraction of a
second and a fraction of the memory that importing torch does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import IndexCorrupted, IndexMismatch
from .store import REBUILD_HINT

ONNX_DIR = "onnx"
FACTS = "export.json"
TOKENIZER = "tokenizer.json"
MODEL_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}
# 2: model.onnx is the fused graph (onnx_graph.py); an export of version 1 is redone.
# 3: the weights in a file beside each graph (onnx_graph.weights_beside): onnxruntime maps
# them rather than parsing them out of the graph, which takes about 40 MB off the serving
# peak (docs/benchmarks.md).
EXPORT_VERSION = 3
# Version 2 still serves as it did (with the higher peak); a build re-exports it.
SERVED_VERSIONS = (2, EXPORT_VERSION)
OUTPUT = "last_hidden_state"  # per token; pooled here

# Texts per model run. Sorting by length first (as sentence-transformers does) keeps
# padding small; 32 rows of up to 256 tokens is a few MB of activations.
BATCH_SIZE = 32
# Worker threads spin while a run is under way and stop when it returns (_session_options).
SESSION_CONFIG = {"session.intra_op.allow_spinning": "1", "session.force_spinning_stop": "1"}


def weights_file(graph: str) -> str:
    """The name of the file a graph's weights are kept in, beside it (export version 3)."""
    return graph + ".data"


@dataclass(frozen=True)
class ExportFacts:
    """The content of export.json: enough to refuse an export of another model or layout."""

    model: str  # EMBEDDING_MODEL as configured when exported
    fingerprint: str  # sha256 of the weights and tokenizer sentence-transformers loaded
    dimension: int
    max_seq_length: int  # longer texts are truncated, as sentence-transformers does
    pooling: str  # "mean": the only pooling exported
    inputs: tuple[str, ...]  # graph inputs, in order
    pad_id: int
    pad_token: str
    files: dict[str, int]  # file name -> size in bytes, checked on load
    fused: dict[str, int] = field(default_factory=dict)  # fused kernels in model.onnx; {} for the plain graph
    export_version: int = EXPORT_VERSION

    @classmethod
    def from_dict(cls, data: dict) -> ExportFacts:
        return cls(**{**data, "inputs": tuple(data["inputs"])})


def read_facts(onnx_dir: Path, *, model: str) -> ExportFacts:
    """export.json checked against the configured model and the files beside it (sizes only:
    cheap enough for every start). Every problem is a one-line IndexUnavailable."""
    index_dir = onnx_dir.parent
    path = onnx_dir / FACTS
    if not path.exists():
        raise IndexCorrupted(f"index in {index_dir} has no ONNX export of its model; {REBUILD_HINT} (or set EMBEDDING_BACKEND=torch)")
    try:
        facts = ExportFacts.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupted(f"ONNX export in {onnx_dir} is unreadable ({type(exc).__name__}); {REBUILD_HINT}") from None
    if facts.export_version not in SERVED_VERSIONS or facts.pooling != "mean":
        raise IndexMismatch(f"ONNX export in {onnx_dir} has another layout (version {facts.export_version}); {REBUILD_HINT}")
    if facts.model != model:
        raise IndexMismatch(
            f"ONNX export in {onnx_dir} is of model {facts.model!r} but EMBEDDING_MODEL is {model!r}; {REBUILD_HINT}"
        )
    for name, size in facts.files.items():
        file = onnx_dir / name
        if not file.is_file() or file.stat().st_size != size:
            raise IndexCorrupted(f"ONNX export in {onnx_dir} is damaged ({name} missing or truncated); {REBUILD_HINT}")
    return facts


def has_int8(onnx_dir: Path, model: str) -> bool:
    """Whether the export holds an int8 graph (export_model keeps none that strays from
    sentence-transformers)."""
    return MODEL_FILES["int8"] in read_facts(onnx_dir, model=model).files


class OnnxEmbedder:
    """The exported model on onnxruntime's CPU provider; tokenised by `tokenizers`."""

    def __init__(self, onnx_dir: Path, model: str, *, quantized: bool = False, threads: int | None = None,
                 session_config: dict[str, str] | None = None) -> None:
        """`threads`: per question, None for one per usable core (EMBEDDING_THREADS).
        `session_config`: onnxruntime session config entries over SESSION_CONFIG, for
        benchmarks comparing them."""
        facts = read_facts(onnx_dir, model=model)
        variant = "int8" if quantized else "fp32"
        model_file = MODEL_FILES[variant]
        if model_file not in facts.files:
            raise IndexCorrupted(f"ONNX export in {onnx_dir} has no {variant} model; {REBUILD_HINT}")
        # Imported only once the export checks out: a refused export costs no runtime start.
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = model
        self.dimension = facts.dimension
        self.variant = variant
        try:
            self._tokenizer = Tokenizer.from_file(str(onnx_dir / TOKENIZER))
            self._session = onnxruntime.InferenceSession(
                str(onnx_dir / model_file), _session_options(onnxruntime, threads, session_config or {}),
                providers=["CPUExecutionProvider"],
            )
        except Exception as exc:  # both libraries raise plain Exception subclasses for a bad file
            raise IndexCorrupted(f"ONNX export in {onnx_dir} cannot be loaded ({type(exc).__name__}); {REBUILD_HINT}") from None
        # The tokenizer file is saved without either, so both are set from the recorded facts.
        self._tokenizer.enable_truncation(max_length=facts.max_seq_length)
        self._tokenizer.enable_padding(pad_id=facts.pad_id, pad_token=facts.pad_token)
        self._inputs = tuple(i.name for i in self._session.get_inputs())
        outputs = {o.name for o in self._session.get_outputs()}
        if set(self._inputs) != set(facts.inputs) or OUTPUT not in outputs:
            raise IndexCorrupted(f"ONNX export in {onnx_dir} does not have the recorded inputs and output; {REBUILD_HINT}")

    def holds_whole(self, word: str) -> bool:
        """Whether its tokenizer holds `word` as one token: a real word, not a typo (repair_check.py)."""
        return self._tokenizer.token_to_id(word) is not None

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths share a batch
        batches = range(0, len(texts), BATCH_SIZE)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="Batches", unit="batch")
        for start in batches:
            rows = order[start:start + BATCH_SIZE]
            vectors[rows] = self._embed_batch([texts[i] for i in rows])
        return vectors

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (hidden,) = self._session.run([OUTPUT], {name: feeds[name] for name in self._inputs})
        # Mean over the real tokens, then unit length: sentence-transformers' Pooling + Normalize.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def _session_options(onnxruntime, threads: int | None, config: dict[str, str]):
    """A thread per usable core, spinning only while a run is under way.

    One question's run is some fifty kernels, each split across the threads: a worker that
    sleeps between kernels pays a wake-up at each, while one that spins waits on the core
    (1.08 against 1.56 ms p50 per question on the 2-core box, `python benchmarks/
    embedding_backends.py --variants`). onnxruntime's own default also spins after the
    run, taking the core from the bot's event loop and the question's lexical scoring; so
    spinning is allowed but stopped the moment the last concurrent run returns
    (session.force_spinning_stop), which leaves no CPU busy between questions."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or _usable_cores()
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    for key, value in {**SESSION_CONFIG, **config}.items():
        options.add_session_config_entry(key, value)
    options.log_severity_level = 3  # errors only: the optimiser's notices are noise on every start
    return options


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
