"""Questions in Russian about English articles: what the multilingual model adds to retrieval.

Two signals, both from the multilingual model (multilingual.py), fused with the rest by the
scoring's own weights for such questions (scoring.CrossLingual), never taken as the answer:

- **cross-lingual cosines**: the question against every scoring unit, as the English model's
  cosines are for an English question (a Russian question's English cosines are noise).
  Off-topic questions get cosines in much the same range, so they rank, not decide.
- **words read across languages**: a Russian word the corpus never uses and the
  transliteration bridge (lexical.py) could not map is replaced by the corpus word nearest
  to it in the same model ("приглашение" -> "invite", "слушателей" -> "listening"), when their
  cosine reaches the fit's `word_match`. Word coverage, BM25 and the English model then see
  an English reading of the question, as they see a repaired typo.

A question takes this route when it has a word in Cyrillic (`reads_across`): "Что такое
Twitter Spaces?", "App Annie клабхаус"; English questions never do, so they are answered,
and cost, exactly as without the multilingual model.

The unit and vocabulary vectors are computed by `python -m index build` and kept in the
index (`multilingual/`, a content-hash cache like embedding_cache.py), or, for an index
built without them, at the first Russian question.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embedding_cache import CachedEmbeddings, embed_with_cache
from .multilingual import LazyModel, MultilingualModel

WORD_MEMORY = 10_000  # question words whose nearest corpus word is remembered
FOLDER = "multilingual"  # inside the index: the units' vectors; words/ the vocabulary's
WORDS = "words"
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_LATIN_LETTERS = re.compile(r"[a-z]+(?:-[a-z]+)*")


def reads_across(question: str) -> bool:
    """Whether the question is read as one in Russian: it has a word in Cyrillic. The
    multilingual model reads English too, so a question mixing the two loses nothing by it."""
    return bool(_CYRILLIC.search(question))


def translation_targets(vocabulary: Sequence[str]) -> list[str]:
    """The corpus words a Russian word can be read as: words of Latin letters (not numbers,
    nor the Cyrillic the article quotes, which the lexical index matches as it is)."""
    return [w for w in vocabulary if len(w) > 1 and _LATIN_LETTERS.fullmatch(w)]


@dataclass(frozen=True)
class CrossReading:
    """What the multilingual model makes of one question."""

    similarities: np.ndarray  # cosine with every scoring unit, in index order
    translations: dict[str, str]  # Russian word -> the corpus word it was read as
    # A follow-up's cosines as read after the turn before it ("Сколько стоит Clubhouse? а кто
    # их подсчитал?"); None for a question read alone.
    in_conversation: np.ndarray | None = None


def embed_for_index(model: MultilingualModel, unit_texts: Sequence[str], vocabulary: Sequence[str],
                    cache_dir: Path, *, progress: bool = False) -> tuple[CachedEmbeddings, CachedEmbeddings]:
    """The units' and the vocabulary's vectors, reusing those `cache_dir` holds (the index's
    `multilingual/` folder from the build before)."""
    units = embed_with_cache(unit_texts, model.passages, cache_dir, progress=progress)
    words = embed_with_cache(translation_targets(vocabulary), model.queries, cache_dir / WORDS, progress=progress)
    return units, words


def write_for_index(embedded: tuple[CachedEmbeddings, CachedEmbeddings], folder: Path) -> None:
    units, words = embedded
    (folder / WORDS).mkdir(parents=True, exist_ok=True)
    units.write(folder)
    words.write(folder / WORDS)


class CrossLingualIndex:
    """The multilingual model and the corpus as it sees it: loaded at the first Russian question."""

    def __init__(self, model: LazyModel[MultilingualModel], unit_texts: Sequence[str], vocabulary: Sequence[str],
                 cache_dir: Path) -> None:
        """`cache_dir`: the index's `multilingual/` folder, where the build kept the vectors."""
        self.model = model
        self._unit_texts = list(unit_texts)
        self._targets = translation_targets(vocabulary)
        self._target_row = {t: row for row, t in enumerate(self._targets)}
        self._cache_dir = cache_dir
        self._vectors: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()
        # Russian word -> its nearest corpus word, their cosine, and its cosine with every corpus word.
        self._words: dict[str, tuple[str, float, np.ndarray]] = {}

    @property
    def loaded(self) -> bool:
        return self.model.loaded

    def _prepared(self) -> tuple[MultilingualModel, np.ndarray, np.ndarray]:
        model = self.model.get()
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    units, words = embed_for_index(model, self._unit_texts, self._targets, self._cache_dir)
                    self._vectors = (units.vectors, words.vectors)
        return model, *self._vectors

    def read(self, question: str, spellings: dict[str, list[str]], word_match: float | None,
             names: dict[str, str] | None = None, conversation: str | None = None) -> CrossReading:
        """The question's cosines with every unit, and its words the corpus does not use read as
        corpus words, when the two are at least `word_match` alike in the model (None: no word
        is read). `spellings`: each such word -> the corpus words it may be a spelling of
        (lexical.LexicalIndex.spellings), of which the nearest in the model comes first;
        failing that, the corpus word nearest in the model ("загрузок": downloads).

        `names`: its Russian words that are the article's names (lexical.py: "клабхауса" ->
        clubhouse). The cosines are then the mean of the question's as asked and as it reads
        with those names in Latin letters ("…у Clubhouse?"), both embedded in one run: the model
        knows "Clubhouse" better than "клабхауса", and the question as asked keeps the rest.

        `conversation`: a follow-up as read with the turn before it (conversation.py), read in
        the same run, in the same ways."""
        model, units, targets = self._prepared()
        readings = [question] + ([conversation] if conversation else [])
        texts = [t for text in readings for t in ([text, _with_names(text, names)] if names else [text])]
        vectors = model.queries.embed(texts).reshape(len(readings), -1, units.shape[1]).mean(axis=1)
        translations: dict[str, str] = {}
        words = list(spellings)
        if word_match is not None and len(targets) and words:
            for word, (nearest, cosine, row) in zip(words, self._nearest_words(model, targets, words)):
                spelled = [self._target_row[t] for t in spellings[word] if t in self._target_row]
                best = max(spelled, key=lambda column: row[column], default=None)
                if best is not None and row[best] >= word_match:
                    translations[word] = self._targets[best]
                elif cosine >= word_match:
                    translations[word] = nearest
        return CrossReading(units @ vectors[0], translations, units @ vectors[1] if conversation else None)

    def _nearest_words(self, model: MultilingualModel, targets: np.ndarray,
                       words: Sequence[str]) -> list[tuple[str, float, np.ndarray]]:
        """Each word's nearest corpus word, their cosine, and its cosines with every corpus
        word; remembered, since people reuse words."""
        memory = self._words
        found = {w: memory[w] for w in words if w in memory}
        missing = [w for w in dict.fromkeys(words) if w not in found]
        if missing:
            similarities = model.queries.embed(missing) @ targets.T
            for word, row in zip(missing, similarities):
                column = int(row.argmax())
                found[word] = (self._targets[column], float(row[column]), row)
            if len(memory) + len(missing) > WORD_MEMORY:
                memory = self._words = {}
            memory.update((w, found[w]) for w in missing)
        return [found[w] for w in words]


def _with_names(question: str, names: dict[str, str]) -> str:
    """The question with each of those words (lower case, as lexical.py reads them) written as
    the name, capitalised: "сколько скачиваний у клабхауса?" -> "сколько скачиваний у Clubhouse?"."""
    for word, name in names.items():
        question = re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", name.capitalize(), question)
    return question
