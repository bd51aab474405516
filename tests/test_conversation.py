"""Follow-up questions without the model: which questions are read with the conversation,
and how (the hashing fake embeds a small corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.engine as engine_module
from index import Engine
from index.conversation import cannot_stand_alone, is_follow_up
from index.scoring import Abstention, Scoring
from tests.fakes import hashing_engine

ARTICLE = """title: Harbour news

The Harbour Trust

The harbour trust counted 4,000 ferry passengers on Sunday. Mayor Alma Ruiz opened the new pier.

The Lighthouse

The old lighthouse keeper, Tomas Berg, wrote in his log: “the lamp burned all night”. Visitors may climb the tower in summer.
"""
NAMES = frozenset({"alma", "ruiz", "tomas", "berg", "harbour"})


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    scoring = Scoring(
        ranking={"dense": 1.0, "coverage": 1.0, "context_coverage": 0.3, "history_dense": 0.5,
                 "history_coverage": 1.0, "previous_answer": 0.2},
        answer={"own_dense": 1.0, "coverage": 1.0},
        abstention=Abstention({"dense": 10.0}, -3.0, 0.5),
    )
    return hashing_engine(tmp_path_factory.mktemp("conversation"), ARTICLE, scoring)


@pytest.mark.parametrize(("question", "follows"), [
    ("Who opened it?", True),  # a pronoun and no subject of its own
    ("When did he write that?", True),
    ("and on Monday?", True),  # an ellipsis
    ("and what about Tomas Berg?", True),  # an ellipsis naming only a name: asks on
    ("And what did Tomas Berg write?", False),  # an ellipsis, but a subject and words of its own
    ("What else?", True),
    ("Why?", True),  # no content word at all
    ("Who is Tomas Berg?", False),  # a name of the article: a question of its own
    ("What did Tomas Berg write in his log?", False),  # "his" is Berg's, named in the question
    ("How many ferry passengers came?", False),  # no reference back: a change of topic
    ("Что он написал?", True),
    ("Где ещё транслировали эту сессию?", True),  # a demonstrative in the accusative
    ("Что о нём пишут?", True),  # a pronoun's н- form after a preposition
    ("Кто-то ещё пришёл на пирс?", False),  # "то" of "кто-то" is a particle, not "that"
])
def test_which_questions_lean_on_the_conversation(question, follows):
    assert is_follow_up(question, NAMES) is follows


@pytest.mark.parametrize(("question", "alone"), [
    ("Who opened it?", False), ("What else?", False), ("Why?", False), ("and what about Tomas Berg?", False),
    ("Что он написал?", False),
    ("and who built the lighthouse?", True),  # an ellipsis, but words of its own: a question still
    ("Who is Tomas Berg?", True), ("How many ferry passengers came?", True),
])
def test_which_questions_mean_nothing_without_the_turn_before(question, alone):
    assert cannot_stand_alone(question, NAMES) is not alone


def test_the_articles_names_come_from_the_corpus(engine):
    assert {"alma", "ruiz", "tomas", "berg"} <= engine.retriever.name_words


def test_a_follow_up_is_read_with_the_turn_before_and_its_passage(engine):
    history = ("What did the lighthouse keeper write in his log?",)
    reading = engine.reading("Who is he?", history)
    assert reading.text == "What did the lighthouse keeper write in his log? Who is he?"
    assert "lighthouse" in engine.passages[reading.previous_passage].text
    signals = engine.retriever.signals("Who is he?", reading)
    previous = signals.column("previous_answer")
    assert set(signals.passages[previous == 1]) == {reading.previous_passage}
    assert signals.column("history_coverage").max() > 0 and signals.follow_up


def test_a_follow_up_without_words_of_its_own_is_judged_by_the_conversations_words(engine):
    history = ("How many ferry passengers did the harbour trust count?",)
    asked_alone = engine.retriever.signals("Why?")
    read_along = engine.retriever.signals("Why?", engine.reading("Why?", history))
    assert read_along.follow_up
    assert asked_alone.unknown_share == 1.0  # no content word: nothing the corpus is known to hold
    assert read_along.unknown_share == 0.0  # the conversation's words, all the article's
    # A follow-up with words of its own is judged by them, the conversation's notwithstanding.
    own_words = engine.retriever.signals("Did he zorble it?", engine.reading("Did he zorble it?", history))
    assert own_words.follow_up and own_words.unknown_share == 1.0
    # General English words are not words of its own ("anything else?").
    general = engine.retriever.signals("Anything else?", engine.reading("Anything else?", history))
    assert general.follow_up and general.unknown_share == 0.0


def test_the_conversation_decides_what_the_same_follow_up_is_about(engine):
    about_the_keeper = engine.ask("Who is he?", history=["What did the lighthouse keeper write in his log?"])
    about_the_pier = engine.ask("Who is he?", history=["Who opened the new pier at the harbour?"])
    assert "lighthouse" in about_the_keeper.hits[0].passage.text
    assert "pier" in about_the_pier.hits[0].passage.text
    assert about_the_keeper.follow_up_of == "What did the lighthouse keeper write in his log?"


def test_a_question_of_its_own_is_answered_as_if_alone(engine):
    history = ["What did the lighthouse keeper write in his log?"]
    with_history = engine.ask("How many ferry passengers came to the harbour?", history=history)
    alone = engine.ask("How many ferry passengers came to the harbour?")
    assert with_history.follow_up_of is None
    assert with_history.hits == alone.hits and with_history.confidence == alone.confidence
    signals = engine.retriever.signals("How many ferry passengers came?")
    assert not signals.follow_up and not signals.column("history_dense").any()


def test_a_question_that_refers_back_with_no_conversation_is_read_alone_and_says_so(engine):
    alone = engine.ask("What did he write?")
    assert alone.refers_back and alone.follow_up_of is None
    assert alone.hits == engine.ask("What did he write?", history=[]).hits
    read_with = engine.ask("What did he write?", history=["Who keeps the lighthouse?"])
    assert not read_with.refers_back and read_with.follow_up_of == "Who keeps the lighthouse?"
    assert not engine.ask("What did Tomas Berg write?").refers_back  # a subject of its own


def test_chains_of_follow_ups_carry_the_first_subject(engine):
    reading = engine.reading("And when can people climb it?", ("Who keeps the lighthouse?", "What did he write?"))
    assert reading.text.startswith("Who keeps the lighthouse? What did he write?")


def test_a_follow_up_to_a_follow_up_says_the_question_the_chain_is_about(engine):
    chain = ("Who keeps the lighthouse?", "What did he write?")
    assert engine.ask("And when can people climb it?", history=chain).follow_up_of == "Who keeps the lighthouse?"
    # A new subject in between starts the chain again.
    changed = ("Who keeps the lighthouse?", "Who opened the new pier?", "When did he open it?")
    assert engine.ask("And who paid for it?", history=changed).follow_up_of == "Who opened the new pier?"


def test_remembered_turns_are_bounded(engine, monkeypatch):
    monkeypatch.setattr(engine_module, "TURN_CACHE", 3)
    for n in range(10):
        engine.ask("Who is he?", history=[f"Who opened the pier number {n}?"])
    assert len(engine._turns) <= 3


def test_no_change_of_topic_in_the_project_dialogues_is_read_as_a_follow_up(tmp_path):
    """A change of topic must do no worse than the same question asked alone: read alone, it is
    answered exactly as it would be (tests/data/README.md describes the sets' kinds)."""
    root = Path(__file__).resolve().parent.parent
    article = (root / "corpus" / "musk-putin-clubhouse.txt").read_text(encoding="utf-8")
    scoring = Scoring(ranking={"dense": 1.0}, answer={"own_dense": 1.0}, abstention=Abstention({"dense": 10.0}, -3.0, 0.5))
    names = hashing_engine(tmp_path, article, scoring).retriever.name_words
    changes = [d["question"] for name in ("dialogues.jsonl", "russian-dialogues.jsonl")
               for d in map(json.loads, (root / "tests" / "data" / name).read_text(encoding="utf-8").splitlines())
               if d["kind"].startswith("topic-change")]
    assert len(changes) >= 20
    assert [q for q in changes if is_follow_up(q, names)] == []
