"""The index on disk: a folder with the FAISS vectors, the passages and a manifest.

    manifest.json   what built it (model, dimension, chunker, corpus hash, time) and counts
    passages.json   the passages, in index order
    vectors.faiss   one normalised vector per scoring unit, inner product = cosine; exact
                    search for small corpora, HNSW for large ones (vector_index.py)
    embeddings.npy, embedding_keys.npy
                    the unit vectors by content hash, reused by the next build (embedding_cache.py)

The manifest is checked on load: an index built by another model or chunker would give
silently wrong answers, so it is refused with a message saying to rebuild. Writes go to a
temporary folder beside the target and are renamed into place, so a crash mid-build never
leaves a half-written index where the bot reads.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss

from .errors import IndexCorrupted, IndexMismatch, IndexMissing
from .passages import CHUNKER_VERSION, Passage
from .vector_index import describe

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PASSAGES = "passages.json"
VECTORS = "vectors.faiss"
REBUILD_HINT = "run: python -m index build"


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    source: str | None
    date: str | None
    passages: int
    # The front matter's example questions; indexes built before they were kept have none.
    examples: tuple[str, ...] = ()
    # Those for users of another interface language, by its code (`examples.ru:`).
    translated_examples: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    passage_count: int
    unit_count: int
    chunker_version: str
    corpus_hash: str
    built_at: str  # ISO 8601, UTC
    build_seconds: float
    articles: tuple[ArticleInfo, ...]
    format_version: int = FORMAT_VERSION
    # The FAISS index type and its parameters (vector_index.describe); indexes built before
    # the choice existed were all exact.
    vector_index: str = "IndexFlatIP"

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        data = dict(data)
        data["articles"] = tuple(ArticleInfo(**{
            **a, "examples": tuple(a.get("examples", ())),
            "translated_examples": {language: tuple(q) for language, q in a.get("translated_examples", {}).items()},
        }) for a in data["articles"])
        return cls(**data)


@dataclass(frozen=True)
class StoredIndex:
    manifest: Manifest
    passages: list[Passage]
    vectors: faiss.Index


def write_index(index_dir: Path, stored: StoredIndex, *, extras: Callable[[Path], None] | None = None) -> None:
    """Write atomically: into a sibling temporary folder, then swap it into place.

    `extras(staging)` writes further files into the new folder before it is finished (the
    ONNX export of the model), so they are swapped in with the index or not at all.
    """
    index_dir = index_dir.resolve()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.new-", dir=index_dir.parent))
    try:
        faiss.write_index(stored.vectors, str(staging / VECTORS))
        passages = [asdict(p) for p in stored.passages]
        (staging / PASSAGES).write_text(json.dumps(passages, ensure_ascii=False), encoding="utf-8")
        if extras is not None:
            extras(staging)
        # The manifest goes last: a folder with a manifest is a finished one.
        (staging / MANIFEST).write_text(json.dumps(asdict(stored.manifest), indent=2, ensure_ascii=False), encoding="utf-8")
        _swap_into_place(staging, index_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    if not path.exists():
        raise IndexMissing(f"no index in {index_dir}; {REBUILD_HINT}")
    try:
        return Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupted(f"index manifest {path} is unreadable ({type(exc).__name__}); {REBUILD_HINT}") from None


def read_index(index_dir: Path, *, model: str) -> StoredIndex:
    """Load and check an index; every way it can be unusable is a one-line IndexUnavailable."""
    manifest = read_manifest(index_dir)
    if manifest.format_version != FORMAT_VERSION or manifest.chunker_version != CHUNKER_VERSION:
        raise IndexMismatch(
            f"index in {index_dir} was built by an older version of the chunker "
            f"(format {manifest.format_version}, chunker {manifest.chunker_version}); {REBUILD_HINT}"
        )
    if manifest.model != model:
        raise IndexMismatch(
            f"index in {index_dir} was built with model {manifest.model!r} but EMBEDDING_MODEL is {model!r}; {REBUILD_HINT}"
        )
    try:
        raw = json.loads((index_dir / PASSAGES).read_text(encoding="utf-8"))
        passages = [Passage(**{**p, "sentences": tuple(p["sentences"])}) for p in raw]
        vectors = faiss.read_index(str(index_dir / VECTORS))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexCorrupted(f"index in {index_dir} is damaged ({type(exc).__name__}); {REBUILD_HINT}") from None
    if (
        len(passages) != manifest.passage_count or vectors.ntotal != manifest.unit_count
        or vectors.d != manifest.dimension or describe(vectors) != manifest.vector_index
    ):
        raise IndexCorrupted(f"index in {index_dir} is inconsistent with its manifest; {REBUILD_HINT}")
    return StoredIndex(manifest, passages, vectors)


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        retired.rename(target)  # put the old index back rather than leave none
        raise
    shutil.rmtree(retired, ignore_errors=True)
