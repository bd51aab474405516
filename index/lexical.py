"""Lexical retrieval: BM25 (the `bm25s` library) over the scoring units, with typo repair.

Dense embeddings find paraphrases; BM25 finds the exact names, numbers and rare keywords
that a small embedding model blurs ("robinhood", "5000"). Both see the same units.

Tokens are stemmed with Snowball (PyStemmer) in the language of their script, so English
and Russian words both reduce to stems and nothing breaks on Cyrillic.
"""

from __future__ import annotations

import bisect
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .text import words


def _import_bm25s():
    """bm25s, without scipy. bm25s imports scipy.sparse whenever it is installed (it is, for
    sentence-transformers) only to offer it as a matrix backend that is not its default, and
    this index builds with the default, numpy (`LexicalIndex`). Loading it raised a serving
    process's peak by 11 MB (148 against 137; docs/benchmarks.md), for nothing. So the import
    is halted for bm25s's own import only (a None in `sys.modules` makes `import scipy...`
    raise ImportError, which bm25s expects when scipy is missing) and let through again at
    once; a process that has loaded scipy already keeps it."""
    if "scipy" in sys.modules:
        import bm25s
        return bm25s
    sys.modules["scipy"] = None  # type: ignore[assignment]
    try:
        import bm25s
    finally:
        if "scipy" in sys.modules and sys.modules["scipy"] is None:
            del sys.modules["scipy"]
    return bm25s


bm25s = _import_bm25s()
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_RUSSIAN  # noqa: E402

# bm25s sets its own logger to DEBUG, so its notes on every index built ("Building index
# from tokens") reach any handler the application installs, the bot's log included.
logging.getLogger("bm25s").setLevel(logging.WARNING)

STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | frozenset(STOPWORDS_RUSSIAN) | frozenset(
    # Question words and fillers that STOPWORDS_EN_PLUS keeps but that say nothing about content.
    {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "did", "do",
     "many", "much", "can", "could", "would", "should", "tell", "me", "about", "please", "is", "are"}
) | frozenset(
    # The same in Russian, beside bm25s's list: question words in their cases, and casual fillers.
    {"кого", "кому", "кем", "чём", "откуда", "почему", "зачем", "сколько", "скока", "какое", "какие", "каким", "какую",
     "какого", "каких", "каком", "чей", "чья", "чьё", "это", "вообще", "ещё", "именно", "реально", "правда", "чё",
     "чо", "щас", "можно", "расскажи", "скажи"}
)
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN_WORD = re.compile(r"[a-z]+")
# A figure is not a typo of another one: 2500 users is not 1500 users.
_DIGIT = re.compile(r"\d")
# Letters of Russian spelled in Latin, for names asked about in Russian ("Маск" -> "mask",
# which typo repair then takes to "musk").
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})
# Typo repair only for words long enough that one slip still leaves them recognisable.
_MIN_REPAIR_LENGTH = 4
# Letters that spell one sound, read as one, before a sound key drops the vowels: a Russian
# rendering of an English name and the name itself differ mostly in these ("клабхаус" ->
# klabkhaus; clubhouse). Applied in order, longest first.
_SOUNDS = (("sch", "s"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("ch", "4"), ("sh", "s"), ("zh", "j"), ("ts", "z"),
           ("c", "k"), ("q", "k"), ("x", "ks"), ("w", "v"))  # fmt: skip
_VOWELS = frozenset("aeiouy")
# Sound keys shorter than this match too many names to say which one was meant.
_MIN_KEY_LENGTH = 3
# The shortest word read as part of a longer corpus word ("zuck", "phone"): shorter ones are
# parts of too many words by chance.
_MIN_PART_LENGTH = 4


def _max_edits(word: str, transliterated: bool) -> int:
    """Edits allowed when repairing a word: one slip per short word, two in a long one.

    A transliteration is a guess at spelling (Маск -> mask for Musk), so it gets one more.
    """
    return (1 if len(word) < 7 else 2) + (1 if transliterated else 0)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


def transliterate(word: str) -> str:
    """A Russian word in Latin letters ("маск" -> "mask")."""
    return word.translate(_TRANSLIT)


def stem(token: str) -> str:
    return _stemmer("russian" if _CYRILLIC.search(token) else "english").stemWord(token)


def sound_key(word: str) -> str:
    """The consonants of a word spelled in Latin letters, each sound once: the first letter, then
    no vowels and no doubled letters ("clubhouse" -> klbhs, "klabkhausa" -> klbhs, "robinkhuda" ->
    rbnhd). A Russian case ending that is a vowel drops out with the rest of them."""
    word = word.lower()
    for letters, sound in _SOUNDS:
        word = word.replace(letters, sound)
    key = word[:1]
    for letter in word[1:]:
        if letter not in _VOWELS and letter != key[-1]:
            key += letter
    return key


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning: no stopwords, not stemmed."""
    return [w for w in words(text) if w not in STOPWORDS]


def analyze(text: str) -> list[str]:
    """Text to BM25 terms: content words, stemmed."""
    return [stem(w) for w in content_words(text)]


@dataclass(frozen=True)
class QueryTerms:
    words: tuple[str, ...]  # content words after repair
    repaired: dict[str, str]  # what was changed: typo or transliteration -> corpus word
    asked: tuple[str, ...] = ()  # the content words as asked, one for each of `words`

    @property
    def terms(self) -> list[str]:
        return [stem(w) for w in self.words]

    def translated(self, translations: dict[str, str]) -> QueryTerms:
        """These terms with some words as asked read as other words, in place of any repair
        (cross_lingual.py: Russian -> English)."""
        if not translations:
            return self
        words = tuple(translations.get(a, w) for a, w in zip(self.asked, self.words))
        return QueryTerms(words, {**self.repaired, **translations}, self.asked)

    def guessed(self, known) -> list[str]:
        """The Cyrillic words as asked that the corpus does not use (`known`: a word -> bool)
        and that their plain transliteration does not name: left as they are, or taken to the
        nearest corpus word by spelling alone (Маск -> mask -> mark as readily as musk)."""
        return [a for a in dict.fromkeys(self.asked)
                if is_cyrillic(a) and not known(a) and not known(transliterate(a))]


def _starting_with(items: list, prefix: str, key=lambda item: item) -> Iterator:
    """The items of a sorted list whose key starts with `prefix`."""
    for item in items[bisect.bisect_left(items, prefix, key=key):]:
        if not key(item).startswith(prefix):
            return
        yield item


def vocabulary_of(texts: list[str]) -> list[str]:
    """The content words of these texts, each once, sorted."""
    return sorted({w for t in texts for w in content_words(t)})


class LexicalIndex:
    """BM25 over unit texts, plus the corpus vocabulary for repairing query words."""

    def __init__(self, texts: list[str], names: Iterable[str] = ()) -> None:
        """`names`: the corpus words that are (part of) names, lower case ("musk", "clubhouse"),
        which a Russian word may be the spelling of however far its letters are from them."""
        self._bm25 = bm25s.BM25(csc_backend="numpy")  # numpy: what needs no scipy (_import_bm25s)
        self._bm25.index([analyze(t) or [""] for t in texts], show_progress=False)
        self._size = len(texts)
        self.vocabulary = vocabulary_of(texts)
        self._known = frozenset(self.vocabulary)
        self._known_stems = frozenset(stem(w) for w in self.vocabulary)
        # Each corpus word's forms a compound's head may end ("iphones": iphon, iphone).
        endings = {w: {w, stem(w), w.removesuffix("s")} for w in self.vocabulary if not _CYRILLIC.search(w)}
        # For whole_word, sorted so that a lookup costs a bisection, not a pass over the
        # vocabulary: the words (a clipping is a prefix of one) and their endings spelled
        # backwards (a compound's head, spelled backwards, is a prefix of one of them).
        self._latin_words = sorted(endings)
        self._reversed_endings = sorted((ending[::-1], w) for w, forms in endings.items() for ending in forms)
        self._names_by_sound: dict[str, set[str]] = {}
        for name in names:
            if _LATIN_WORD.fullmatch(name):
                self._names_by_sound.setdefault(sound_key(name), set()).add(name)

    def knows(self, word: str) -> bool:
        return word in self._known or stem(word) in self._known_stems

    def repair(self, question: str) -> QueryTerms:
        """Map words the corpus never uses to the closest corpus word, if one is close.

        Cyrillic words are first spelled in Latin letters, so a name typed in Russian can
        meet its English spelling.
        """
        repaired: dict[str, str] = {}
        result: list[str] = []
        asked = content_words(question)
        for word in asked:
            candidate = word
            figure = bool(_DIGIT.search(word))  # spelling it in Latin letters keeps its digits
            transliterated = not self.knows(word) and bool(_CYRILLIC.search(word))
            if transliterated:
                # A name it sounds like, before the nearest word by letters ("маск": mask, one
                # edit from "mark" and from "musk", sounds like Musk).
                candidate = self.name_spelled(word) or transliterate(word)
            if not self.knows(candidate) and len(candidate) >= _MIN_REPAIR_LENGTH and not figure:
                match = process.extractOne(
                    candidate,
                    self.vocabulary,
                    scorer=Levenshtein.distance,
                    score_cutoff=_max_edits(candidate, transliterated),
                )
                if match is not None:
                    candidate = match[0]
            if not self.knows(candidate) and not transliterated and not figure:
                candidate = self.whole_word(word) or candidate
            if candidate != word and self.knows(candidate):
                repaired[word] = candidate
                result.append(candidate)
            else:
                result.append(word)
        return QueryTerms(tuple(result), repaired, tuple(asked))

    def whole_word(self, word: str) -> str | None:
        """The one corpus word this word is part of, if exactly one: the head of a compound
        ("streamed" -> livestreams, "phones" -> iphones) or a clipping ("crypto" ->
        cryptocurrency, "zuck" -> zuckerberg). Typo repair leaves such words alone (they are
        many edits away), and the corpus not knowing a word counts against a question."""
        if len(word) < _MIN_PART_LENGTH:
            return None
        found = {corpus_word for corpus_word in _starting_with(self._latin_words, word)
                 if len(corpus_word) >= len(word) + 3}
        for form in {word, stem(word)}:
            if len(form) >= _MIN_PART_LENGTH:
                found.update(corpus_word for reversed_ending, corpus_word
                             in _starting_with(self._reversed_endings, form[::-1], key=lambda item: item[0])
                             if len(reversed_ending) >= len(form) + 2)
        return next(iter(found)) if len(found) == 1 else None

    def name_spelled(self, word: str) -> str | None:
        """The corpus name a Russian word spells by its sounds, when exactly one does: the word's
        transliteration, or its stem's, has the name's sound key ("клабхауса" -> clubhouse,
        "робинхуда" -> robinhood, "маском" -> musk). Names only: a common Russian word meets some
        English word's key by chance ("руководит" -> received)."""
        for form in (word, stem(word)):
            key = sound_key(transliterate(form))
            names = self._names_by_sound.get(key, ())
            if len(key) >= _MIN_KEY_LENGTH and len(names) == 1:
                return next(iter(names))
        return None

    def spellings(self, word: str) -> list[str]:
        """The corpus words a Russian word may be the spelling of: those nearest by edits to its
        transliteration or its stem's (маска -> маск -> mask -> mark, musk), all of them, for
        the multilingual model to choose from (cross_lingual.py); none beyond the edits `repair` allows.
        A name the word spells by its sounds (`name_spelled`) is the only one."""
        name = self.name_spelled(word)
        if name is not None:
            return [name]
        forms = {transliterate(word), transliterate(stem(word))}
        found: dict[str, int] = {}
        for form in forms:
            if len(form) < _MIN_REPAIR_LENGTH:
                continue
            for match, distance, _ in process.extract(form, self.vocabulary, scorer=Levenshtein.distance,
                                                      score_cutoff=_max_edits(form, True), limit=None):
                found[match] = min(distance, found.get(match, distance))
        nearest = min(found.values(), default=0)
        return [w for w, d in found.items() if d == nearest]

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every unit for these terms (zeros when no term is known)."""
        known = [t for t in terms if t in self._bm25.vocab_dict and t]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
