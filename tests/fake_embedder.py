"""A model-free Embedder for tests that must not load sentence-transformers.

Hashes word stems into a fixed number of buckets: similar wording gives similar vectors,
which is all the storage, build and CLI tests need.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from index.lexical import analyze


class HashingEmbedder:
    def __init__(self, name: str = "test/hashing", dimension: int = 64) -> None:
        self.name = name
        self.dimension = dimension
        self.calls = 0
        self.texts: list[str] = []  # every text embedded, in order: what a build had to compute

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts.extend(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in analyze(text) or ["<empty>"]:
                bucket = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little")
                vectors[row, bucket % self.dimension] += 1.0
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


class HashingEmbedderWithWords(HashingEmbedder):
    """A hashing fake whose tokenizer holds `words` whole, as a real model's does: its
    cosine of two different words is near 0, so every repair of one of them is far
    (index/repair_check.py)."""

    def __init__(self, words: Sequence[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._words = list(words)

    def holds_whole(self, word: str) -> bool:
        return word in self._words


class BrokenEmbedder(HashingEmbedder):
    """Fails half-way through a build, as a crash or an out-of-memory would."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        raise RuntimeError("embedding failed mid-build")


class HashingMultilingual:
    """A multilingual model for tests: a Russian word in `glossary` is read as its English
    gloss, then the text is hashed as HashingEmbedder does, so "загрузок" and "downloads" get
    the same vector and a Russian question lands near the English sentence it asks about.
    Counts what it embeds, to show what was computed at build time and what at a question."""

    def __init__(self, glossary: dict[str, str], name: str = "test/multilingual", dimension: int = 512) -> None:
        self.name = name
        self.dimension = dimension
        self.glossary = glossary
        self._hashing = HashingEmbedder(name, dimension)
        self.texts: list[str] = []
        self.queries = _Side(self, f"{name} query")
        self.passages = _Side(self, f"{name} passage")

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        glossed = [re.sub(r"\w+", lambda m: self.glossary.get(m.group().lower(), m.group()), text) for text in texts]
        return self._hashing.embed(glossed)


class _Side:
    def __init__(self, model: HashingMultilingual, name: str) -> None:
        self.name = name
        self.dimension = model.dimension
        self._model = model

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._model._embed(texts)
