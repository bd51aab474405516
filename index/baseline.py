"""The naive method the project is measured against, kept runnable so every eval reports it.

Blank-line paragraphs of the raw files embedded whole (headings and captions included),
a flat FAISS index, and the top passages returned: no cleaning, no lexical signal, and
no abstention (it always answers).
"""

from __future__ import annotations

import re
from pathlib import Path

import faiss

from .corpus import ARTICLE_SUFFIXES
from .embedding import Embedder
from .errors import CorpusError
from .evaluation import Outcome


class NaiveBaseline:
    def __init__(self, corpus_dir: Path, embedder: Embedder, top_k: int = 3) -> None:
        self._paragraphs = [
            block.strip()
            for path in sorted(corpus_dir.glob("*"))
            if path.suffix.lower() in ARTICLE_SUFFIXES
            for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
            if block.strip()
        ]
        if not self._paragraphs:
            raise CorpusError(f"corpus folder {corpus_dir} holds no text")
        self._embedder = embedder
        self._top_k = top_k
        self._index = faiss.IndexFlatIP(embedder.dimension)
        self._index.add(embedder.embed(self._paragraphs))

    def __call__(self, question: str) -> Outcome:
        scores, ids = self._index.search(self._embedder.embed([question]), self._top_k)
        return Outcome(True, tuple(self._paragraphs[i] for i in ids[0] if i >= 0), float(scores[0][0]))
