"""Typo repair checked by meaning (index/repair_check.py): a real word far from its repair in
the model is kept as asked and judged neither known nor unknown; typos are repaired as before."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from index.lexical import LexicalIndex, QueryTerms
from index.repair_check import FAR_REPAIR, RepairCheck
from index.scoring import Abstention, Scoring
from tests.fake_embedder import HashingEmbedder, HashingEmbedderWithWords
from tests.fakes import HARBOUR_ARTICLE, hashing_engine


class WordVectors:
    """An embedder that knows a few words, each a fixed vector, and counts its calls."""

    name, dimension = "test/words", 2

    def __init__(self, vectors: dict[str, Sequence[float]]) -> None:
        self._vectors = {w: np.asarray(v, dtype=np.float32) / np.linalg.norm(v) for w, v in vectors.items()}
        self.calls = 0

    def holds_whole(self, word: str) -> bool:
        return word in self._vectors

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls += 1
        return np.stack([self._vectors[t] for t in texts])


def _at(cosine: float) -> tuple[float, float]:
    """A unit vector at `cosine` with (1, 0)."""
    return cosine, float(np.sqrt(1 - cosine**2))


@pytest.fixture
def lexical() -> LexicalIndex:
    return LexicalIndex(["The trust touted the ferry and wrote to the mayor about the harbour."])


def test_a_real_word_far_from_its_repair_is_kept_as_asked(lexical):
    check = RepairCheck(WordVectors({"touted": (1, 0), "counted": _at(FAR_REPAIR - 0.2)}))
    repaired = lexical.repair("who counted the ferry")
    assert repaired.repaired == {"counted": "touted"}  # spelling alone reads it so
    terms, kept = check.check(repaired)
    assert kept == {"counted"}
    assert terms.words == ("counted", "ferry") and terms.repaired == {} and terms.asked == repaired.asked


def test_a_typo_and_a_real_word_near_its_repair_are_repaired(lexical):
    # "write" is a real word near "wrote"; "harbur" is no word the tokenizer holds whole.
    check = RepairCheck(WordVectors({"wrote": (1, 0), "write": _at(FAR_REPAIR + 0.2)}))
    terms, kept = check.check(lexical.repair("who did the mayor write to at the harbur"))
    assert kept == frozenset()
    assert terms.repaired == {"write": "wrote", "harbur": "harbour"}


def test_each_pair_is_judged_once(lexical):
    embedder = WordVectors({"touted": (1, 0), "counted": _at(0.1)})
    check = RepairCheck(embedder)
    for _ in range(3):
        check.check(lexical.repair("who counted the ferry"))
    assert embedder.calls == 1


def test_words_in_cyrillic_and_embedders_without_a_vocabulary_are_left_alone(lexical):
    embedder = WordVectors({"touted": (1, 0), "counted": _at(0.1), "тутед": _at(0.1)})
    terms = QueryTerms(("touted",), {"тутед": "touted"}, ("тутед",))
    assert RepairCheck(embedder).check(terms) == (terms, frozenset())
    assert RepairCheck(HashingEmbedder()).check(lexical.repair("who counted the ferry"))[1] == frozenset()


def test_a_kept_word_draws_no_sentence_and_is_not_judged_unknown(tmp_path):
    """In the engine: "mounted" (a real word, one edit from the article's "counted") no
    longer reads as "counted", and the question is judged by its other words."""
    scoring = Scoring(ranking={"dense": 1.0, "coverage": 0.6}, answer={"own_dense": 1.0},
                      abstention=Abstention({"dense": 10.0}, -3.0, 0.5))
    plain = hashing_engine(tmp_path / "plain", HARBOUR_ARTICLE, scoring)
    checked = hashing_engine(tmp_path / "checked", HARBOUR_ARTICLE, scoring,
                             embedder=HashingEmbedderWithWords(["mounted"]))
    question = "Who mounted the lamp?"
    before, after = plain.retriever.signals(question), checked.retriever.signals(question)
    assert before.terms.repaired == {"mounted": "counted"}
    assert after.terms.repaired == {} and "mounted" in after.terms.words
    assert after.unknown_share == 0.0  # judged by "lamp", which the article uses
    # A word the corpus never uses and that nothing repairs still counts against a question.
    assert checked.retriever.signals("Who zorbled the lamp?").unknown_share == pytest.approx(0.5)
    # The repair drew coverage to the sentence holding "counted"; undone, it draws none.
    assert _coverage(before, plain, "counted") > 0 and _coverage(after, checked, "counted") == 0.0


def _coverage(signals, engine, needle: str) -> float:
    from index.scoring import SENTENCE_FEATURES

    for row, (p, s) in enumerate(zip(signals.passages, signals.sentences)):
        if needle in engine.passages[p].sentences[s]:
            return float(signals.features[row, SENTENCE_FEATURES.index("coverage")])
    raise AssertionError(f"no candidate sentence holds {needle!r}")
