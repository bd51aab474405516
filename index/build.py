"""Building the index from the corpus: read, cut, embed, save."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import faiss

from .corpus import corpus_fingerprint, read_corpus
from .embedding import Embedder
from .passages import CHUNKER_VERSION, make_passages, make_units
from .store import ArticleInfo, Manifest, StoredIndex, write_index


@dataclass(frozen=True)
class BuildReport:
    articles: int
    passages: int
    units: int
    model: str
    seconds: float

    def summary(self) -> str:
        return (
            f"built index: {self.articles} article(s), {self.passages} passages "
            f"({self.units} scoring units), model {self.model}, {self.seconds:.1f} s"
        )


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, *, progress: bool = False) -> BuildReport:
    """Rebuild the whole index; the previous one keeps serving until the new one is in place."""
    started = time.perf_counter()
    fingerprint = corpus_fingerprint(corpus_dir) if corpus_dir.is_dir() else ""
    articles = read_corpus(corpus_dir)
    passages = make_passages(articles)
    units = make_units(passages)
    vectors = embedder.embed([u.text for u in units], progress=progress)
    flat = faiss.IndexFlatIP(embedder.dimension)
    flat.add(vectors)
    seconds = time.perf_counter() - started
    manifest = Manifest(
        model=embedder.name,
        dimension=embedder.dimension,
        passage_count=len(passages),
        unit_count=len(units),
        chunker_version=CHUNKER_VERSION,
        corpus_hash=fingerprint,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=round(seconds, 3),
        articles=tuple(
            ArticleInfo(a.id, a.title, a.source, a.date, sum(1 for p in passages if p.article_id == a.id))
            for a in articles
        ),
    )
    write_index(index_dir, StoredIndex(manifest, passages, flat))
    return BuildReport(len(articles), len(passages), len(units), embedder.name, time.perf_counter() - started)
