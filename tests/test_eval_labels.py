"""`index eval` on an exported set: rows still to label (`"needs_label": true`) are skipped;
a file of nothing else is one clear error."""

from __future__ import annotations

import json

import pytest

from index import EngineError
from index.evaluation import load_questions


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
