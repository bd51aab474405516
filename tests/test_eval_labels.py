"""`index eval` on an exported set: rows still to label (`"needs_label": true`) are skipped;
a file of nothing else is one clear error. And the one metric that reads confidence itself."""

from __future__ import annotations

import json

import pytest

from index import EngineError
from index.evaluation import Outcome, Question, load_questions, score


def write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_rows_to_label_are_skipped(tmp_path):
    path = write(tmp_path / "set.jsonl", [
        {"question": "Labelled?", "answers": ["yes"]},
        {"question": "Not yet?", "answers": [], "needs_label": True},
        {"question": "Unanswerable?", "answers": [], "needs_label": False},
    ])  # fmt: skip
    assert [(q.question, q.answers) for q in load_questions(path)] == [("Labelled?", ("yes",)), ("Unanswerable?", ())]


def test_a_set_with_only_rows_to_label_is_one_clear_error(tmp_path):
    path = write(tmp_path / "set.jsonl", [{"question": "Not yet?", "answers": [], "needs_label": True}] * 2)
    with pytest.raises(EngineError, match=r"all 2 row\(s\) have needs_label: true; label some first"):
        load_questions(path)


def test_separation_is_the_share_of_answerable_unanswerable_pairs_confidence_orders_right():
    answerable = Question("Right?", ("yes",))
    unanswerable = Question("Off?", ())

    def outcome(confidence):
        return Outcome(confidence > 0.5, ("yes",), confidence, "yes")

    questions = [answerable, answerable, unanswerable, unanswerable]
    # 0.9 and 0.6 above 0.2; 0.6 below 0.7 and 0.9 above it: 3 of 4 pairs; a tie counts half.
    assert score(questions, [outcome(0.9), outcome(0.6), outcome(0.2), outcome(0.7)]).separation == 0.75
    assert score(questions, [outcome(0.5), outcome(0.5), outcome(0.5), outcome(0.5)]).separation == 0.5
    assert score(questions[:2], [outcome(0.9), outcome(0.6)]).separation is None  # no unanswerable question
