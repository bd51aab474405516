"""benchmarks/other_articles.py's reading of SQuAD's format: each article a corpus of its own,
with its answerable questions, its near misses and other articles' questions as off-topic
ones. On a small article in that format, embedded by the hashing fake."""

from __future__ import annotations

import random

from benchmarks.other_articles import article_text, collect_article, figures, questions_of
from index.corpus import read_corpus
from index.scoring import load_scoring
from tests.fake_embedder import HashingEmbedder


def _article(title: str, context: str, qas: list[tuple[str, list[str]]]) -> dict:
    return {"title": title, "paragraphs": [{"context": context, "qas": [
        {"question": q, "id": q, "answers": [{"text": a, "answer_start": context.find(a)} for a in answers],
         "is_impossible": not answers} for q, answers in qas]}]}


ORCHARD = _article("Orchard_fair", "The orchard pressed 900 barrels of cider. Ines Vidal won the apple prize.",
                   [("How many barrels were pressed?", ["900 barrels", "900 barrels"]),
                    ("Who won the apple prize?", ["Ines Vidal"]),
                    ("Who lost the apple prize?", [])])
HARBOUR = _article("Harbour", "Fog closed the northern bay for two days.",
                   [("What closed the bay?", ["Fog"]), ("Who opened the bay?", [])])


def test_an_article_becomes_a_corpus_with_its_title_and_paragraphs(tmp_path):
    (tmp_path / "Orchard_fair.txt").write_text(article_text(ORCHARD), encoding="utf-8")
    [article] = read_corpus(tmp_path)
    assert article.title == "Orchard fair"
    assert [p.text for p in article.paragraphs] == [ORCHARD["paragraphs"][0]["context"]]


def test_questions_are_its_answerable_ones_its_near_misses_and_other_articles_answerable_ones():
    questions = questions_of(ORCHARD, [HARBOUR], off_topic=5, rng=random.Random(0))
    assert [q.answers for q in questions["answerable"]] == [("900 barrels",), ("Ines Vidal",)]  # spans once each
    assert [q.question for q in questions["near miss"]] == ["Who lost the apple prize?"]
    assert [(q.question, q.answers) for q in questions["off-topic"]] == [("What closed the bay?", ())]


def test_each_article_is_built_and_asked_on_its_own(tmp_path):
    questions = questions_of(ORCHARD, [HARBOUR], off_topic=5, rng=random.Random(0))
    examples = collect_article(ORCHARD, questions, HashingEmbedder(), tmp_path, serve_with_builder=True)
    assert {kind: len(found) for kind, found in examples.items()} == {"answerable": 2, "near miss": 1, "off-topic": 1}
    metrics = figures(examples["answerable"], examples["off-topic"], load_scoring())
    auc = metrics["separation"]
    assert metrics["answerable"] == 2 and metrics["questions"] == 3 and metrics["hit_at_1"] == 1.0  # one passage
    # The bay question shares no word with the orchard: below both of its own questions, so a
    # swap of the two sides (an AUC of 0) or a lost side (None) fails.
    assert auc == 1.0
