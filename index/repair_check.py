"""Typo repair checked by meaning: a real word is not read as a corpus word it does not mean.

Repair (lexical.py) reads a question word the corpus never uses as the corpus word one or
two edits away: "Clubhose" -> clubhouse, "write" -> wrote. Spelling alone cannot tell a typo
from a real word the article happens not to use, so it also reads "counted" -> touted,
"version" -> person, "head" -> read, "book" -> facebook. Such a repair draws the question to
sentences about something else ("Who counted them?" to "Clubhouse has been touted as …"), and
lends it a known word it does not have.

A word the embedding model's tokenizer holds whole is a real word; when the model puts it far
from its repair (the cosine of the two words alone under FAR_REPAIR), the repair is undone:
the question is searched as asked, and its unknown-word share (retrieval._judged_words) is
judged without the word. Counted as unknown instead, such a word would weigh against the
answerable questions that the wrong repair had been helping ("Tried and left out" in
docs/quality.md has those figures). Typos are not whole words, so they are repaired as before.

FAR_REPAIR is set by hand, not fit on each fold: the cosines of real words with their repairs
in the project's sets and the shared dev sets sit at 0.61-0.89 for the right ones (write ->
wrote, driving -> driven, honor -> honour) and 0.29-0.44 for the wrong ones; held-out figures
are the same for any cut from 0.45 to 0.55, and SQuAD's articles, never looked at for it, are
the check on unseen questions (docs/quality.md, step 5). Each pair is embedded once per process (two words, one model run) and
kept; most questions repair no real word and cost nothing more.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from .embedding import Embedder
from .lexical import QueryTerms, is_cyrillic

FAR_REPAIR = 0.5  # the cosine of a word and its repair under which the repair is undone
_KEPT_PAIRS = 4096  # verdicts remembered; a pair costs one model run to judge again


class RepairCheck:
    """Undoes the repairs of real words to corpus words far from them in meaning."""

    def __init__(self, embedder: Embedder) -> None:
        """Real words are those `embedder.holds_whole`; an embedder without it (a test's fake)
        leaves every repair as it is."""
        self._embedder = embedder
        self._holds_whole: Callable[[str], bool] | None = getattr(embedder, "holds_whole", None)
        self._verdicts: OrderedDict[tuple[str, str], bool] = OrderedDict()
        self._lock = threading.Lock()  # the engine answers questions on several threads

    def check(self, terms: QueryTerms) -> tuple[QueryTerms, frozenset[str]]:
        """`terms` with the far repairs undone, and the words so kept as asked."""
        kept = frozenset(asked for asked, repair in terms.repaired.items() if self._far(asked, repair))
        if not kept:
            return terms, kept
        words = tuple(asked if asked in kept else word for asked, word in zip(terms.asked, terms.words))
        repaired = {asked: repair for asked, repair in terms.repaired.items() if asked not in kept}
        return QueryTerms(words, repaired, terms.asked), kept

    def _far(self, asked: str, repair: str) -> bool:
        # Only real words in Latin letters: a Cyrillic word's repair is its reading across
        # languages (cross_lingual.py), and a figure is never repaired.
        if self._holds_whole is None or not asked.isalpha() or is_cyrillic(asked) or not self._holds_whole(asked):
            return False
        key = (asked, repair)
        with self._lock:
            verdict = self._verdicts.get(key)
            if verdict is not None:
                self._verdicts.move_to_end(key)
                return verdict
        vectors = self._embedder.embed([asked, repair])
        verdict = float(np.dot(vectors[0], vectors[1])) < FAR_REPAIR
        with self._lock:
            self._verdicts[key] = verdict
            while len(self._verdicts) > _KEPT_PAIRS:
                self._verdicts.popitem(last=False)
        return verdict
