"""Building the index from the corpus: read, cut, embed, save."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .corpus import corpus_fingerprint, read_corpus
from .cross_lingual import FOLDER as MULTILINGUAL_FOLDER
from .cross_lingual import embed_for_index, write_for_index
from .embedding import Embedder
from .embedding_cache import embed_with_cache
from .lexical import vocabulary_of
from .multilingual import MultilingualModel
from .onnx_export import OnnxExport
from .passages import CHUNKER_VERSION, make_passages, make_units
from .store import ArticleInfo, Manifest, StoredIndex, write_index
from .vector_index import build_vector_index, describe


@dataclass(frozen=True)
class BuildReport:
    articles: int
    passages: int
    units: int
    model: str
    seconds: float
    onnx: str = ""  # what happened to the ONNX export of the model (onnx_export.py)
    onnx_written: bool = False  # the index can be served by the ONNX backends
    embedded: int = 0  # units whose vectors the model computed in this build; the rest came from the cache
    reused: int = 0  # units whose vectors the previous build's cache held (embedding_cache.py)
    vector_index: str = ""  # the FAISS index type chosen for this many vectors (vector_index.py)
    multilingual: str = ""  # the multilingual model whose vectors of the units the index keeps, if any

    def summary(self) -> str:
        return (
            f"built index: {self.articles} article(s), {self.passages} passages "
            f"({self.units} scoring units: {self.embedded} embedded, {self.reused} reused), "
            f"{self.vector_index}, model {self.model}, {self.seconds:.1f} s"
        ) + (f"; {self.onnx}" if self.onnx else "") + (
            f"; units and vocabulary also embedded by {self.multilingual} for questions in Russian"
            if self.multilingual else "")


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, *, progress: bool = False,
                multilingual: MultilingualModel | None = None) -> BuildReport:
    """Rebuild the whole index; the previous one keeps serving until the new one is in place.

    `multilingual`: also keep that model's vectors of the units and the vocabulary, which
    questions in Russian are read with (cross_lingual.py); else they are computed at the
    first such question."""
    started = time.perf_counter()
    fingerprint = corpus_fingerprint(corpus_dir) if corpus_dir.is_dir() else ""
    articles = read_corpus(corpus_dir)
    passages = make_passages(articles)
    units = make_units(passages)
    # Only units whose text is new to the previous build of this folder are embedded.
    embedded = embed_with_cache([u.text for u in units], embedder, index_dir, progress=progress)
    vectors = build_vector_index(embedded.vectors)
    seconds = time.perf_counter() - started
    passages_of = Counter(p.article_id for p in passages)
    manifest = Manifest(
        model=embedder.name,
        dimension=embedder.dimension,
        passage_count=len(passages),
        unit_count=len(units),
        chunker_version=CHUNKER_VERSION,
        corpus_hash=fingerprint,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=round(seconds, 3),
        articles=tuple(ArticleInfo(a.id, a.title, a.source, a.date, passages_of[a.id], a.examples,
                                  a.translated_examples) for a in articles),
        vector_index=describe(vectors),
    )
    export = OnnxExport(embedder, index_dir)  # the model beside the index, for serving without torch
    across = None
    if multilingual is not None:  # the previous build's vectors are reused as the English model's are
        documents = [u.text for u in units if u.sentence is None]
        across = embed_for_index(multilingual, [u.text for u in units], vocabulary_of(documents),
                                 index_dir / MULTILINGUAL_FOLDER, progress=progress)

    def extras(staging: Path) -> None:
        embedded.write(staging)  # the cache for the next build, swapped in with this index
        export(staging)
        if across is not None:
            write_for_index(across, staging / MULTILINGUAL_FOLDER)

    write_index(index_dir, StoredIndex(manifest, passages, vectors), extras=extras)
    return BuildReport(
        len(articles), len(passages), len(units), embedder.name, time.perf_counter() - started, export.outcome,
        export.written, embedded=embedded.embedded, reused=embedded.reused, vector_index=describe(vectors),
        multilingual=multilingual.name if multilingual is not None else "",
    )
