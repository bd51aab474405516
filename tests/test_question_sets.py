"""The project's question sets are labelled as `index eval` reads them: every answer span is in
exactly one passage of the shipped article, so a hit names one passage and a wrong passage
can never pass for the right one (tests/data/README.md, "Rule for spans")."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus import read_corpus
from index.evaluation import load_questions, normalize_for_match
from index.passages import make_passages

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "tests" / "data").glob("*.jsonl"))


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return [normalize_for_match(p.text) for p in make_passages(read_corpus(ROOT / "corpus"))]


def test_every_question_set_is_checked():
    assert {p.name for p in SETS} >= {"reader-questions.jsonl", "extra.jsonl", "dialogues.jsonl",
                                      "russian-questions.jsonl", "russian-dialogues.jsonl"}


def misplaced_spans(questions, passages: list[str]) -> list[tuple[str, str, int]]:
    """(question, span, passages holding it) for every span in no passage or in several."""
    found = [(q.question, span, sum(normalize_for_match(span) in p for p in passages))
             for q in questions for span in q.answers]
    return [row for row in found if row[2] != 1]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_span_names_exactly_one_passage(path, passages):
    questions = load_questions(path)
    assert questions
    assert misplaced_spans(questions, passages) == [], "spans in no passage or in several (question, span, passages)"


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_no_question_is_asked_twice(path):
    seen = [(q.question.casefold(), q.history) for q in load_questions(path)]
    assert len(seen) == len(set(seen))


def test_the_check_catches_a_span_in_several_passages_or_none(tmp_path, passages):
    rows = ['{"question": "Who?", "answers": ["Elon Musk"]}',  # named in several passages
            '{"question": "Where?", "answers": ["on the Moon"]}',  # in none
            '{"question": "Which firm?", "answers": ["analytics firm App Annie"]}']  # in one
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    misplaced = misplaced_spans(load_questions(path), passages)
    assert [(q, n > 1) for q, _, n in misplaced] == [("Who?", True), ("Where?", False)]
