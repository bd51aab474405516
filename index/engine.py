"""The engine: the index loaded once, answering questions. What the CLI and the bot call."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .conversation import cannot_stand_alone, is_follow_up
from .cross_lingual import FOLDER as MULTILINGUAL_FOLDER
from .cross_lingual import reads_across
from .embedding import Embedder, serving_embedder
from .errors import IndexMismatch
from .multilingual import LazyModel, MultilingualModel, load_multilingual, resolve_multilingual
from .passages import Passage, make_units
from .retrieval import Across, FollowUp, Hit, Retriever, Signals, rank
from .scoring import Scoring, load_scoring
from .settings import IndexSettings
from .store import Manifest, read_index


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool  # False: the engine judges that the corpus does not answer the question
    hits: tuple[Hit, ...]  # best first, even when not answered
    confidence: float
    follow_up_of: str | None = None  # the earlier question a follow-up is about (Engine.subject_of)
    cross_lingual: bool = False  # a question in Russian, read through the multilingual model
    # Words of the question read as other words, as asked -> the corpus word: typos repaired,
    # names transliterated, Russian words read across languages. Shown by `index ask`, so an
    # operator sees why a question was answered as it was.
    read_as: tuple[tuple[str, str], ...] = ()
    # Means nothing without an earlier turn ("who is he?", "and why?": conversation.
    # cannot_stand_alone) but came with none, so it was read alone: a refusal can say so.
    refers_back: bool = False


TURN_CACHE = 1024  # earlier turns remembered for reading follow-ups
# An earlier turn is read with at most this many turns before it (Engine._turn), so a follow-up's
# reading reaches READING_TURNS earlier questions: the turn before and those it was read with.
LOOK_BACK = 3
READING_TURNS = LOOK_BACK + 1


def cross_lingual_embedder(settings: IndexSettings, served: Embedder) -> LazyModel[Embedder] | None:
    """What embeds the English reading of a question in Russian, when it is not `served`, what
    embeds every other question: for the int8 graph, the fp32 one, loaded at the first such
    question (none when int8 is not what is served, as when the export kept no int8 graph).

    Held-out, those readings embedded in int8 answered fewer questions rightly (answered and
    right first 0.729 -> 0.686, mean of three fold seeds; docs/benchmarks.md), while English
    questions did as well as in fp32; such a question spends tens of milliseconds in the
    multilingual model anyway, beside which the fp32 run is small."""
    if getattr(served, "variant", None) != "int8" or not settings.multilingual_model:
        return None
    return LazyModel(lambda: serving_embedder(settings, exact=True))


class Engine:
    def __init__(self, manifest: Manifest, retriever: Retriever, scoring: Scoring, top_k: int,
                 threshold: float | None = None) -> None:
        self.manifest = manifest
        self._retriever = retriever
        self.scoring = scoring
        # The confidence an answer needs: the fit's own (for its kind of question) unless a setting overrides it.
        self._threshold = threshold
        self.threshold = scoring.abstention.threshold if threshold is None else threshold
        self.top_k = top_k
        self._passage_numbers = {(p.article_id, p.position): n for n, p in enumerate(retriever.passages)}
        # Readings of recent turns: a chat's previous question was usually asked a moment ago,
        # so its follow-up does not search it again. Bounded; shared by the bot's worker threads.
        self._turns: OrderedDict[tuple[str, tuple[str, ...]], tuple[str, int | None, np.ndarray]] = OrderedDict()
        self._turns_lock = threading.Lock()

    @classmethod
    def load(cls, settings: IndexSettings, embedder: Embedder | None = None, scoring: Scoring | None = None,
             multilingual: MultilingualModel | None = None) -> Engine:
        """Read the index (checking its manifest) and load the model that built it, run by
        the EMBEDDING_BACKEND (or `embedder`, when given), with the SCORING_FILE fit (or `scoring`).
        The MULTILINGUAL_MODEL (or `multilingual`) is loaded at the first question in Russian."""
        stored = read_index(Path(settings.index_dir), model=settings.embedding_model)
        scoring = scoring or load_scoring(settings.scoring_file)
        given = embedder is not None  # then used for every question
        embedder = embedder or serving_embedder(settings)
        if embedder.dimension != stored.manifest.dimension:
            raise IndexMismatch(
                f"model {embedder.name!r} gives {embedder.dimension}-d vectors but the index holds "
                f"{stored.manifest.dimension}-d ones; run: python -m index build"
            )
        if multilingual is not None:
            lazy: LazyModel[MultilingualModel] | None = LazyModel(lambda: multilingual)
        elif settings.multilingual_model:
            name = settings.multilingual_model
            resolve_multilingual(name)  # a setting naming no model fails now, not at the first Russian question
            lazy = LazyModel(lambda: load_multilingual(name))
        else:
            lazy = None
        retriever = Retriever(stored.passages, make_units(stored.passages), stored.vectors, embedder,
                              lazy, Path(settings.index_dir) / MULTILINGUAL_FOLDER,
                              None if given else cross_lingual_embedder(settings, embedder))
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

    def ask(self, question: str, top_k: int | None = None, history: Sequence[str] = ()) -> Answer:
        """Blocking: embeds the question and searches. Run it off the event loop in async code.

        `history`: the chat's earlier questions, oldest first. A follow-up ("Who translated
        it?") is read with them (conversation.py); any other question is answered alone."""
        history = tuple(history)
        follow_up = self.reading(question, history)
        signals = self._retriever.signals(question, follow_up, self.across(question), self.scoring.far_repair)
        answer = self.judge(signals, question, top_k)
        # Remembered as a turn, so the follow-up that may come next does not search it again.
        self._remember(question, history, follow_up, answer, signals)
        if follow_up is not None:
            return replace(answer, follow_up_of=self.subject_of(history))
        if not history and cannot_stand_alone(question, self._retriever.name_words):
            return replace(answer, refers_back=True)
        return answer

    def subject_of(self, history: tuple[str, ...]) -> str:
        """The earlier question a follow-up to `history` is about: the latest one that was not a
        follow-up itself, among the turns a reading looks back over ("Who translated it?" then
        "what does it mean in English?": about "What did Musk tweet to Putin?"), else the
        earliest of them."""
        window = history[-READING_TURNS:]
        return next((q for q in reversed(window) if not is_follow_up(q, self._retriever.name_words)), window[0])

    def reading(self, question: str, history: tuple[str, ...]) -> FollowUp | None:
        """How a question is read with the conversation before it; None for one read alone."""
        if not history or not is_follow_up(question, self._retriever.name_words):
            return None
        previous_text, previous_passage, previous_vector = self._turn(history[-1], history[:-1])
        return FollowUp(f"{previous_text} {question}", previous_passage, previous_vector)

    def _turn(self, question: str, history: tuple[str, ...]) -> tuple[str, int | None, np.ndarray]:
        """An earlier turn: the text it was read as, the passage that answered it, and its
        embedding as read."""
        history = history[-LOOK_BACK:]
        with self._turns_lock:
            cached = self._turns.get((question, history))
            if cached is not None:
                self._turns.move_to_end((question, history))
                return cached
        follow_up = self.reading(question, history)
        signals = self._retriever.signals(question, follow_up, self.across(question), self.scoring.far_repair)
        return self._remember(question, history, follow_up, self.judge(signals, question, 1), signals)

    def _remember(self, question: str, history: tuple[str, ...], follow_up: FollowUp | None,
                  answer: Answer, signals: Signals) -> tuple[str, int | None, np.ndarray]:
        best = answer.hits[0].passage if answer.hits else None
        turn = (follow_up.text if follow_up else question,
                self._passage_numbers.get((best.article_id, best.position)) if best else None,
                signals.reading_vector)
        key = (question, history[-LOOK_BACK:])
        with self._turns_lock:
            self._turns[key] = turn
            self._turns.move_to_end(key)
            while len(self._turns) > TURN_CACHE:
                self._turns.popitem(last=False)
        return turn

    def across(self, question: str, scoring: Scoring | None = None) -> Across | None:
        """How a question in Russian is read through the multilingual model; None for any
        other question, and when there is no multilingual model or no fit for such questions."""
        part = (scoring or self.scoring).cross_lingual
        if part is None or self._retriever.cross_lingual is None or not reads_across(question):
            return None
        return Across(part.word_match)

    def threshold_for(self, cross_lingual: bool) -> float:
        """The confidence an answer needs, for a question of this kind."""
        return self._threshold if self._threshold is not None else self.scoring.for_question(cross_lingual).abstention.threshold

    @property
    def multilingual_loaded(self) -> bool:
        """Whether the multilingual model has been loaded (by a question in Russian)."""
        return self._retriever.cross_lingual is not None and self._retriever.cross_lingual.loaded

    def judge(self, signals: Signals, question: str, top_k: int | None = None, scoring: Scoring | None = None) -> Answer:
        """Rank a question's signals and decide whether the best passage answers it."""
        own = scoring is None or scoring is self.scoring
        threshold = self._threshold if own else None
        return judge(signals, self._retriever.passages, question, top_k or self.top_k, scoring or self.scoring, threshold)


def judge(signals: Signals, passages: list[Passage], question: str, top_k: int, scoring: Scoring,
          threshold: float | None = None) -> Answer:
    """Rank a question's signals over the passages they were measured on and decide whether
    the best one answers it (`threshold`: the confidence needed, else the scoring's own)."""
    scoring = scoring.for_question(signals.cross_lingual)
    retrieval = rank(signals, passages, scoring, top_k)
    read_as = tuple(signals.terms.repaired.items())
    if not retrieval.hits:
        return Answer(question, False, (), 0.0, cross_lingual=signals.cross_lingual, read_as=read_as)
    confidence = scoring.abstention.confidence(retrieval.features)
    threshold = scoring.abstention.threshold if threshold is None else threshold
    return Answer(question, confidence >= threshold, tuple(retrieval.hits), confidence,
                  cross_lingual=signals.cross_lingual, read_as=read_as)
