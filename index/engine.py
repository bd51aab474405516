"""The engine: the index loaded once, answering questions. What the CLI and the bot call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .embedding import Embedder, serving_embedder
from .errors import IndexMismatch
from .passages import Passage, make_units
from .retrieval import Hit, Retrieval, Retriever
from .settings import IndexSettings
from .store import Manifest, read_index


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool  # False: the engine judges that the corpus does not answer the question
    hits: tuple[Hit, ...]  # best first, even when not answered
    confidence: float


class Engine:
    def __init__(self, manifest: Manifest, retriever: Retriever, threshold: float, top_k: int) -> None:
        self.manifest = manifest
        self._retriever = retriever
        self.threshold = threshold
        self.top_k = top_k

    @classmethod
    def load(cls, settings: IndexSettings, embedder: Embedder | None = None) -> Engine:
        """Read the index (checking its manifest) and load the model that built it, run by
        the EMBEDDING_BACKEND (or `embedder`, when given)."""
        stored = read_index(Path(settings.index_dir), model=settings.embedding_model)
        embedder = embedder or serving_embedder(settings)
        if embedder.dimension != stored.manifest.dimension:
            raise IndexMismatch(
                f"model {embedder.name!r} gives {embedder.dimension}-d vectors but the index holds "
                f"{stored.manifest.dimension}-d ones; run: python -m index build"
            )
        retriever = Retriever(stored.passages, make_units(stored.passages), stored.vectors, embedder)
        return cls(stored.manifest, retriever, settings.answer_threshold, settings.top_k)

    @property
    def passages(self) -> list[Passage]:
        return self._retriever.passages

    @property
    def embedder(self) -> Embedder:
        return self._retriever.embedder

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """Blocking: embeds the question and searches. Run it off the event loop in async code."""
        retrieval = self._retriever.search(question, top_k or self.top_k)
        confidence = confidence_of(retrieval) if retrieval.hits else 0.0
        return Answer(question, confidence >= self.threshold, tuple(retrieval.hits), confidence)


def confidence_of(retrieval: Retrieval) -> float:
    """How sure the engine is that the best passage answers (README, "Abstention").

    Meaning (the answer sentence's cosine) plus the share of the question's words it
    covers, less the share of the question the corpus has never heard of, and more so for
    unknown names: a question about someone or something the articles never mention is
    not answered by them, however close the wording.
    """
    best = retrieval.hits[0]
    return best.dense + 0.5 * best.coverage - 0.25 * retrieval.unknown_share - 0.5 * retrieval.unknown_names
