"""Reusing unit embeddings across builds: a content-hash cache kept inside the index.

A unit's vector depends only on the model and the unit's text, so each unit is keyed by a
hash of the two, and a rebuild embeds only the units whose key the previous build did not
have. Editing one paragraph re-embeds that passage's units and the one context unit of the
next passage that quotes its last sentence; everything else is copied.

    embeddings.npy       float32, one row per scoring unit, in index order
    embedding_keys.npy   the key of each row: blake2b of model name and unit text, as hex

The cache is written into the new index folder with everything else (store.write_index's
`extras`), so it is swapped in atomically with the index it describes and never outlives
the articles it was built from. It keeps the model's exact vectors rather than reading them
back from vectors.faiss, because an approximate index may store them compressed.

Anything wrong with the cache (missing, truncated, garbage, another dimension, rows that
are not unit length) means it is ignored and every unit is embedded: a cache can make a
build faster, never make it fail or give other vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embedding import Embedder

EMBEDDINGS = "embeddings.npy"
EMBEDDING_KEYS = "embedding_keys.npy"
_KEY_DTYPE = "S32"  # hex of a 16-byte blake2b digest: ASCII, so numpy keeps every byte
_NORM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class CachedEmbeddings:
    """The vectors of a build's units, with their keys, and how many were computed afresh."""

    keys: np.ndarray  # (units,) of _KEY_DTYPE
    vectors: np.ndarray  # (units, dimension) float32
    embedded: int  # units whose vectors the model computed in this build (a text repeated is embedded once)
    reused: int  # units whose vector came from the previous build

    def write(self, folder: Path) -> None:
        # Keys last: a cache whose keys file is missing or short is ignored as a whole.
        np.save(folder / EMBEDDINGS, self.vectors, allow_pickle=False)
        np.save(folder / EMBEDDING_KEYS, self.keys, allow_pickle=False)


def unit_keys(model: str, texts: Sequence[str]) -> np.ndarray:
    prefix = model.encode() + b"\0"
    return np.array([hashlib.blake2b(prefix + t.encode(), digest_size=16).hexdigest() for t in texts], dtype=_KEY_DTYPE)


def embed_with_cache(texts: Sequence[str], embedder: Embedder, cache_dir: Path, *, progress: bool = False) -> CachedEmbeddings:
    """Vectors for `texts`, taking every one the cache in `cache_dir` holds and embedding the rest
    (each distinct missing text once)."""
    keys = unit_keys(embedder.name, texts)
    vectors = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    cached_keys, cached_vectors = _load(cache_dir, embedder.dimension)
    row_of = {key: row for row, key in enumerate(cached_keys.tolist())}
    hits = [(unit, row_of[key]) for unit, key in enumerate(keys.tolist()) if key in row_of]
    if hits:
        units, rows = (np.array(column, dtype=np.int64) for column in zip(*hits))
        reused = cached_vectors[rows]
        if np.all(np.abs(np.linalg.norm(reused, axis=1) - 1.0) < _NORM_TOLERANCE):
            vectors[units] = reused
        else:  # the file was damaged in a way its shape does not show
            hits = []
    have = np.zeros(len(texts), dtype=bool)
    have[[unit for unit, _ in hits]] = True
    missing: dict[str, list[int]] = {}
    for unit in np.flatnonzero(~have).tolist():
        missing.setdefault(texts[unit], []).append(unit)
    if missing:
        fresh = embedder.embed(list(missing), progress=progress)
        for row, units_of_text in enumerate(missing.values()):
            vectors[units_of_text] = fresh[row]
    return CachedEmbeddings(keys, vectors, embedded=len(texts) - len(hits), reused=len(hits))


def _load(cache_dir: Path, dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """The cached keys and vectors, or empty arrays when there is no usable cache."""
    empty = np.empty(0, dtype=_KEY_DTYPE), np.empty((0, dimension), dtype=np.float32)
    try:
        keys = np.load(cache_dir / EMBEDDING_KEYS, allow_pickle=False)
        # Read whole rather than memory-mapped: a mapped file cut short under a running build
        # would kill the process (SIGBUS) instead of raising.
        vectors = np.load(cache_dir / EMBEDDINGS, allow_pickle=False)
    except Exception:  # missing or unreadable in any of the ways numpy can report
        return empty
    if (
        keys.dtype != np.dtype(_KEY_DTYPE) or keys.ndim != 1
        or vectors.dtype != np.float32 or vectors.shape != (len(keys), dimension)
    ):
        return empty
    return keys, vectors
