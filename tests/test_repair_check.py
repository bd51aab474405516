"""Typo repair checked by meaning (index/repair_check.py): a real word far from its repair in
the model is kept as asked and judged neither known nor unknown; typos are repaired as before."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from index.lexical import LexicalIndex, QueryTerms
from index.repair_check import RepairCheck
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


CUT = 0.5  # a far_repair cut (the fit chooses one of fitting.FAR_REPAIR_GRID)


def _at(cosine: float) -> tuple[float, float]:
    """A unit vector at `cosine` with (1, 0)."""
    return cosine, float(np.sqrt(1 - cosine**2))


@pytest.fixture
def lexical() -> LexicalIndex:
    return LexicalIndex(["The trust touted the ferry and wrote to the mayor about the harbour."])


def test_a_real_word_far_from_its_repair_is_kept_as_asked(lexical):
    check = RepairCheck(WordVectors({"touted": (1, 0), "counted": _at(CUT - 0.2)}))
    repaired = lexical.repair("who counted the ferry")
    assert repaired.repaired == {"counted": "touted"}  # spelling alone reads it so
    terms, kept = check.check(repaired, CUT)
    assert kept == {"counted"}
    assert terms.words == ("counted", "ferry") and terms.repaired == {} and terms.asked == repaired.asked


def test_a_typo_and_a_real_word_near_its_repair_are_repaired(lexical):
    # "write" is a real word near "wrote"; "harbur" is no word the tokenizer holds whole.
    check = RepairCheck(WordVectors({"wrote": (1, 0), "write": _at(CUT + 0.2)}))
    terms, kept = check.check(lexical.repair("who did the mayor write to at the harbur"), CUT)
    assert kept == frozenset()
    assert terms.repaired == {"write": "wrote", "harbur": "harbour"}


def test_the_cut_decides_and_none_leaves_every_repair(lexical):
    check = RepairCheck(WordVectors({"touted": (1, 0), "counted": _at(0.45)}))
    repaired = lexical.repair("who counted the ferry")
    assert check.check(repaired, 0.5)[1] == {"counted"}
    assert check.check(repaired, 0.4) == (repaired, frozenset())
    assert check.check(repaired, None) == (repaired, frozenset())
    assert check.cosine("counted", "touted") == pytest.approx(0.45)
    assert check.cosine("harbur", "harbour") is None  # not a word the tokenizer holds whole: a typo


def test_each_pair_is_embedded_once_whatever_the_cut(lexical):
    embedder = WordVectors({"touted": (1, 0), "counted": _at(0.1)})
    check = RepairCheck(embedder)
    for cut in (0.3, 0.5, 0.7):
        check.check(lexical.repair("who counted the ferry"), cut)
    assert embedder.calls == 1


def test_words_in_cyrillic_and_embedders_without_a_vocabulary_are_left_alone(lexical):
    embedder = WordVectors({"touted": (1, 0), "counted": _at(0.1), "тутед": _at(0.1)})
    terms = QueryTerms(("touted",), {"тутед": "touted"}, ("тутед",))
    assert RepairCheck(embedder).check(terms, CUT) == (terms, frozenset())
    assert RepairCheck(HashingEmbedder()).check(lexical.repair("who counted the ferry"), CUT)[1] == frozenset()


def test_a_kept_word_draws_no_sentence_and_is_not_judged_unknown(tmp_path):
    """In the engine: "mounted" (a real word, one edit from the article's "counted") no
    longer reads as "counted", and the question is judged by its other words."""
    scoring = Scoring(ranking={"dense": 1.0, "coverage": 0.6}, answer={"own_dense": 1.0},
                      abstention=Abstention({"dense": 10.0}, -3.0, 0.5))
    plain = hashing_engine(tmp_path / "plain", HARBOUR_ARTICLE, scoring)
    checked = hashing_engine(tmp_path / "checked", HARBOUR_ARTICLE, scoring,
                             embedder=HashingEmbedderWithWords(["mounted"]))
    question = "Who mounted the lamp?"
    before = plain.retriever.signals(question, far_repair=CUT)
    after = checked.retriever.signals(question, far_repair=CUT)
    assert before.terms.repaired == {"mounted": "counted"}
    assert after.terms.repaired == {} and "mounted" in after.terms.words
    assert after.unknown_share == 0.0  # judged by "lamp", which the article uses
    # A word the corpus never uses and that nothing repairs still counts against a question.
    assert checked.retriever.signals("Who zorbled the lamp?", far_repair=CUT).unknown_share == pytest.approx(0.5)
    # Without a cut, the repair stands.
    assert checked.retriever.signals(question).terms.repaired == {"mounted": "counted"}
    # The repair drew coverage to the sentence holding "counted"; undone, it draws none.
    assert _coverage(before, plain, "counted") > 0 and _coverage(after, checked, "counted") == 0.0


def _coverage(signals, engine, needle: str) -> float:
    from index.scoring import SENTENCE_FEATURES

    for row, (p, s) in enumerate(zip(signals.passages, signals.sentences)):
        if needle in engine.passages[p].sentences[s]:
            return float(signals.features[row, SENTENCE_FEATURES.index("coverage")])
    raise AssertionError(f"no candidate sentence holds {needle!r}")


# --- the cut, fit with the other weights (index/fitting.py) ---------------------------------

HAND = Scoring(ranking={"dense": 1.0, "coverage": 0.6}, answer={"own_dense": 1.0},
               abstention=Abstention({"dense": 10.0}, -3.0, 0.5))


@pytest.fixture
def checked(tmp_path):
    """An engine whose embedder holds "mounted" whole: its repair to "counted" is far."""
    return hashing_engine(tmp_path, HARBOUR_ARTICLE, HAND, embedder=HashingEmbedderWithWords(["mounted"]))


def test_the_engine_reads_questions_with_its_fits_cut(checked, tmp_path):
    assert checked.ask("Who mounted the lamp?").read_as == (("mounted", "counted"),)  # the hand fit has no cut
    engine = hashing_engine(tmp_path / "cut", HARBOUR_ARTICLE, HAND.replace(far_repair=CUT),
                            embedder=HashingEmbedderWithWords(["mounted"]))
    assert engine.ask("Who mounted the lamp?").read_as == ()


def test_a_question_is_searched_once_per_distinct_reading_of_the_grid(checked):
    from index.evaluation import Question
    from index.fitting import FAR_REPAIR_GRID, collect

    repaired, plain = collect(checked, [Question("Who mounted the lamp?", ("tomas berg",)),
                                        Question("Who keeps the lighthouse?", ("tomas berg",))])
    assert set(repaired.repairs) == set(plain.repairs) == set(FAR_REPAIR_GRID)
    # The hashing fake puts two words near cosine 0: every cut of the grid undoes the repair.
    cuts = [c for c in FAR_REPAIR_GRID if c is not None]
    assert repaired.repairs[None].terms.repaired == {"mounted": "counted"}
    assert all(repaired.repairs[c] is repaired.repairs[cuts[0]] for c in cuts)
    assert repaired.repairs[cuts[0]].terms.repaired == {}
    assert len({id(s) for s in plain.repairs.values()}) == 1  # nothing to undo: searched once


def test_the_fit_keeps_the_cut_under_which_its_questions_are_served_best(checked):
    """Readings are set by hand here: under no cut the first question is read as one about
    the trust's count (wrong), under any cut as one about the keeper (right)."""
    from index.evaluation import Question
    from index.fitting import FAR_REPAIR_GRID, Example, fit

    def example(question, answers, wrong_reading=None):
        signals = checked.retriever.signals(question)
        repairs = {c: signals for c in FAR_REPAIR_GRID}
        if wrong_reading:
            repairs[None] = checked.retriever.signals(wrong_reading)
        return Example(Question(question, answers), repairs[None], checked.passages, repairs=repairs)

    others = [example("Who keeps the lighthouse?", ("tomas berg",)), example("What closed the bay?", ("fog closed",)),
              example("Who opened the pier?", ("mayor alma ruiz",)), example("Who won the football cup?", ()),
              example("What is the capital of Peru?", ())]
    misread = example("What did the keeper write in his log?", ("the lamp burned all night",),
                      wrong_reading="How many passengers did the trust count?")
    assert fit(others + [misread], HAND).far_repair == FAR_REPAIR_GRID[1]  # the first cut that serves it
    assert fit(others, HAND).far_repair is None  # no cut changes anything: repair is left alone
    assert fit(others, HAND.replace(far_repair=0.5)).far_repair == 0.5  # ties go to the start's
