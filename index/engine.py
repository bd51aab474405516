"""The engine: the index loaded once, answering questions. What the CLI and the bot call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .embedding import Embedder, serving_embedder
from .errors import IndexMismatch
from .passages import Passage, make_units
from .retrieval import Hit, Retriever, Signals, rank
from .scoring import Scoring, load_scoring
from .settings import IndexSettings
from .store import Manifest, read_index


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool  # False: the engine judges that the corpus does not answer the question
    hits: tuple[Hit, ...]  # best first, even when not answered
    confidence: float


class Engine:
    def __init__(self, manifest: Manifest, retriever: Retriever, scoring: Scoring, top_k: int,
                 threshold: float | None = None) -> None:
        self.manifest = manifest
        self._retriever = retriever
        self.scoring = scoring
        # The confidence an answer needs: the fit's own unless a setting overrides it.
        self.threshold = scoring.abstention.threshold if threshold is None else threshold
        self.top_k = top_k

    @classmethod
    def load(cls, settings: IndexSettings, embedder: Embedder | None = None, scoring: Scoring | None = None) -> Engine:
        """Read the index (checking its manifest) and load the model that built it, run by
        the EMBEDDING_BACKEND (or `embedder`, when given), with the SCORING_FILE fit (or `scoring`)."""
        stored = read_index(Path(settings.index_dir), model=settings.embedding_model)
        scoring = scoring or load_scoring(settings.scoring_file)
        embedder = embedder or serving_embedder(settings)
        if embedder.dimension != stored.manifest.dimension:
            raise IndexMismatch(
                f"model {embedder.name!r} gives {embedder.dimension}-d vectors but the index holds "
                f"{stored.manifest.dimension}-d ones; run: python -m index build"
            )
        retriever = Retriever(stored.passages, make_units(stored.passages), stored.vectors, embedder)
        return cls(stored.manifest, retriever, scoring, settings.top_k, settings.answer_threshold)

    @property
    def passages(self) -> list[Passage]:
        return self._retriever.passages

    @property
    def embedder(self) -> Embedder:
        return self._retriever.embedder

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        """Blocking: embeds the question and searches. Run it off the event loop in async code."""
        return self.judge(self._retriever.signals(question), question, top_k)

    def judge(self, signals: Signals, question: str, top_k: int | None = None, scoring: Scoring | None = None) -> Answer:
        """Rank a question's signals and decide whether the best passage answers it."""
        scoring = scoring or self.scoring
        retrieval = rank(signals, self._retriever.passages, scoring, top_k or self.top_k)
        if not retrieval.hits:
            return Answer(question, False, (), 0.0)
        confidence = scoring.abstention.confidence(retrieval.features)
        threshold = self.threshold if scoring is self.scoring else scoring.abstention.threshold
        return Answer(question, confidence >= threshold, tuple(retrieval.hits), confidence)
