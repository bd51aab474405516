"""Typo repair checked by meaning: a real word is not read as a corpus word it does not mean.

Repair (lexical.py) reads a question word the corpus never uses as the corpus word one or
two edits away: "Clubhose" -> clubhouse, "write" -> wrote. Spelling alone cannot tell a typo
from a real word the article happens not to use, so it also reads "counted" -> touted,
"version" -> person, "head" -> read, "book" -> facebook. Such a repair draws the question to
sentences about something else ("Who counted them?" to "Clubhouse has been touted as …"), and
lends it a known word it does not have.

A word the embedding model's tokenizer holds whole is a real word; when the model puts it far
from its repair (the cosine of the two words alone under the fit's `far_repair`), the repair
is undone: the question is searched as asked, and its unknown-word share
(retrieval._judged_words) is judged without the word. Counted as unknown instead, such a word
would weigh against the answerable questions that the wrong repair had been helping ("Tried
and left out" in docs/quality.md has those figures). Typos are not whole words, so they are
repaired as before.

The cut is fit with the other weights (`fitting.FAR_REPAIR_GRID`, `Scoring.far_repair`; None:
no check). Each pair's cosine is worked out once per process (two words, one model run) and
kept, whatever the cut; most questions repair no real word and cost nothing more.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from .embedding import Embedder
from .lexical import QueryTerms, is_cyrillic

_KEPT_PAIRS = 4096  # cosines remembered; a pair costs one model run to work out again


class RepairCheck:
    """Undoes the repairs of real words to corpus words far from them in meaning."""

    def __init__(self, embedder: Embedder) -> None:
        """Real words are those `embedder.holds_whole`; an embedder without it (a test's fake)
        leaves every repair as it is."""
        self._embedder = embedder
        self._holds_whole: Callable[[str], bool] | None = getattr(embedder, "holds_whole", None)
        self._cosines: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()  # the engine answers questions on several threads

    def check(self, terms: QueryTerms, far_repair: float | None) -> tuple[QueryTerms, frozenset[str]]:
        """`terms` with the repairs of real words to words under `far_repair` from them undone
        (None: none undone), and the words so kept as asked."""
        if far_repair is None:
            return terms, frozenset()
        kept = frozenset(asked for asked, repair in terms.repaired.items()
                         if (cosine := self.cosine(asked, repair)) is not None and cosine < far_repair)
        if not kept:
            return terms, kept
        words = tuple(asked if asked in kept else word for asked, word in zip(terms.asked, terms.words))
        repaired = {asked: repair for asked, repair in terms.repaired.items() if asked not in kept}
        return QueryTerms(words, repaired, terms.asked), kept

    def cosine(self, asked: str, repair: str) -> float | None:
        """The model's cosine of a real word and the word repair read it as; None when `asked`
        is no real word in Latin letters (a typo, a figure, a Cyrillic word, whose repair is its
        reading across languages, cross_lingual.py), or the embedder cannot tell."""
        if self._holds_whole is None or not asked.isalpha() or is_cyrillic(asked) or not self._holds_whole(asked):
            return None
        key = (asked, repair)
        with self._lock:
            cosine = self._cosines.get(key)
            if cosine is not None:
                self._cosines.move_to_end(key)
                return cosine
        vectors = self._embedder.embed([asked, repair])
        cosine = float(np.dot(vectors[0], vectors[1]))
        with self._lock:
            self._cosines[key] = cosine
            while len(self._cosines) > _KEPT_PAIRS:
                self._cosines.popitem(last=False)
        return cosine
