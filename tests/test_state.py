"""The state database (bot.state): schema and migrations, votes, the import of the JSONL
files of earlier versions, and one process per database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from bot import state as state_module
from bot.feedback import Vote
from bot.instance_lock import InstanceLock
from bot.journal import UpdateJournal
from bot.state import MIGRATIONS, StateDB, StateError, StateInUse
from tests.conftest import REPO

VOTE = Vote("q?", "A. B.", "article", "T", 3, "up", "abc", "2026-01-01T00:00:00+00:00")


@pytest.fixture
def path(tmp_path):
    return tmp_path / "var" / "bot.sqlite3"


def opened(path) -> StateDB:
    state = StateDB(path)
    state.open()
    return state


def test_a_new_database_gets_the_latest_schema_in_wal_mode(path):
    state = opened(path)
    assert state.schema_version() == len(MIGRATIONS)
    state.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"journal", "votes", "imports"} <= tables


def test_a_later_migration_is_applied_once_to_an_existing_database(path, monkeypatch):
    opened(path).close()
    monkeypatch.setattr(state_module, "MIGRATIONS", [*MIGRATIONS, "CREATE TABLE later_feature (id INTEGER PRIMARY KEY);"])
    for _ in range(2):
        state = opened(path)
        assert state.schema_version() == len(MIGRATIONS) + 1
        state.close()


def test_a_failed_migration_leaves_the_database_as_it_was(path, monkeypatch):
    opened(path).close()
    monkeypatch.setattr(state_module, "MIGRATIONS", [*MIGRATIONS, "CREATE TABLE t (a);\nNOT SQL;"])
    with pytest.raises(StateError):
        opened(path)
    monkeypatch.undo()
    state = opened(path)
    assert state.schema_version() == len(MIGRATIONS)
    state.close()


def test_a_database_of_a_newer_version_is_refused(path):
    opened(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StateError, match="newer than this bot"):
        opened(path)
    lock = InstanceLock(path.with_name(path.name + ".lock"))
    lock.acquire()  # the refused open released its lock
    lock.release()


def test_votes_are_stored_and_read_back(path):
    state = opened(path)
    state.add_vote(VOTE)
    state.add_vote(Vote.on("q2?", _passage(), helpful=False, voter="abc", answer_key="k2"))
    assert [v.vote for v in state.votes()] == ["up", "down"] and state.votes()[0] == VOTE
    state.close()


def test_a_voter_has_one_vote_per_answer_pressed_again_taken_back(path):
    state = opened(path)
    presses = iter(range(100))

    def toggle(vote: Vote) -> str | None:
        return state.toggle_vote(vote, f"press{next(presses)}", 1.0)

    try:
        up = Vote.on("q?", _passage(), helpful=True, voter="abc", answer_key="k")
        down = Vote.on("q?", _passage(), helpful=False, voter="abc", answer_key="k")
        assert toggle(up) == "up" and state.tally("k") == (1, 0)
        assert toggle(down) == "down" and state.tally("k") == (0, 1)  # changed, not added
        assert state.comment_vote("k", "abc", "wrong year") and state.votes()[0].comment == "wrong year"
        assert not state.comment_vote("k", "someone else", "x")
        assert toggle(up) == "up" and state.votes()[0].comment == ""  # a changed vote loses it
        assert not state.comment_vote("k", "abc", "x")  # only a 👎 takes a comment
        assert toggle(Vote.on("q?", _passage(), helpful=True, voter="xyz", answer_key="k")) == "up"
        assert state.tally("k") == (2, 0) and state.tally("other") == (0, 0)
        assert toggle(up) is None and state.tally("k") == (1, 0)  # taken back
        assert [v.voter for v in state.votes()] == ["xyz"]
    finally:
        state.close()


def test_a_press_handled_again_after_a_restart_changes_nothing(path):
    state = opened(path)
    try:
        up = Vote.on("q?", _passage(), helpful=True, voter="abc", answer_key="k")
        assert state.toggle_vote(up, "press-1", 1.0) == "up"
        assert state.toggle_vote(up, "press-1", 1.0) == "up" and state.tally("k") == (1, 0)  # not taken back
        assert state.toggle_vote(up, "press-2", 1.0) is None  # a second press does
        assert state.toggle_vote(up, "press-2", 1.0) is None and state.tally("k") == (0, 0)
        row = {"created_at": 5.0, "asker": "abc", "question": "q", "history": "[]", "passage": "{}", "answer": "",
               "more_press": None, "language": "en"}  # fmt: skip
        state.add_answer({"key": "a", **row}, prune_before=0)
        assert state.claim_more("a", "press-3") and state.claim_more("a", "press-3")  # the same press, again
        assert not state.claim_more("a", "press-4")
        state.add_answer({"key": "b", **row, "created_at": 10.0}, prune_before=2.0)  # presses go with the answers
        assert state.toggle_vote(up, "press-1", 1.0) == "up"
    finally:
        state.close()


def test_forget_deletes_the_answers_and_prompts_kept_for_a_user(path):
    state = opened(path)
    try:
        row = {"created_at": 1.0, "question": "q", "history": "[]", "passage": "{}", "answer": "", "more_press": None,
               "language": "ru"}  # fmt: skip
        assert state.add_answer({"key": "a", "asker": "abc", **row}, prune_before=0)
        assert not state.add_answer({"key": "a", "asker": "xyz", **row}, prune_before=0)  # a key is not reused
        assert state.add_answer({"key": "b", "asker": "xyz", **row}, prune_before=0)
        assert state.claim_prompt("b", "abc", 1.0) and not state.claim_prompt("b", "abc", 2.0)
        state.prompt_sent("b", "abc", 12)
        assert state.prompted_answer("abc", 12) == "b" and state.prompted_answer("xyz", 12) is None
        assert state.claim_more("a", "p1") and not state.claim_more("a", "p2")
        state.release_more("a", "p1")
        assert state.claim_more("a", "p2")
        state.forget("abc")
        assert state.answer("a") is None and state.answer("b")["asker"] == "xyz"
        assert state.prompted_answer("abc", 12) is None
    finally:
        state.close()


def test_a_second_process_on_the_same_database_is_refused_with_its_pid(path):
    state = opened(path)
    try:
        with pytest.raises(StateInUse, match=f"process {os.getpid()}"):
            opened(path)
        result = subprocess.run(
            [sys.executable, "-m", "bot"], cwd=path.parent, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "TELEGRAM_BOT_TOKEN": "123:ABC", "STATE_DB": str(path)},
            timeout=60,
        )  # fmt: skip
    finally:
        state.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("bot: STATE_DB") and result.stderr.count("\n") == 1
    assert f"process {os.getpid()}" in result.stderr
    opened(path).close()  # free again once the holder closed it


def test_the_old_jsonl_files_are_imported_once(path, tmp_path):
    old_journal, old_votes = tmp_path / "update-journal.jsonl", tmp_path / "feedback.jsonl"
    old_journal.write_text(
        json.dumps({"done_ids": [1, 2]}) + "\n"
        + json.dumps({"update": {"update_id": 3, "message": {"text": "unanswered"}}}) + "\n"
        + json.dumps({"replayed": 3}) + "\n"
        + '{"update": {"update_id": 4, "mess'  # torn by a crash
    )  # fmt: skip
    old_votes.write_text(json.dumps(VOTE.__dict__) + "\n")
    state = opened(path)
    for _ in range(2):
        state.import_old_files(42, old_journal, old_votes)
    assert state.votes() == [replace(VOTE, answer_key="imported:0")]  # each its own answer
    journal = UpdateJournal(state)
    assert journal.open(42) == [{"update_id": 3, "message": {"text": "unanswered"}}]
    assert journal.knows(1) and journal.knows(2) and not journal.knows(4)
    assert UpdateJournal(state).open(7) == []  # under this bot's id only
    state.close()
    assert old_journal.exists() and old_votes.exists()  # left for the operator to delete


def _passage():
    from tests.fakes import make_passage

    return make_passage(("A.", "B."), title="T", position=3)


def test_a_version_1_database_keeps_its_votes_through_the_question_log_migration(path, monkeypatch):
    monkeypatch.setattr(state_module, "MIGRATIONS", MIGRATIONS[:1])
    opened(path).close()
    monkeypatch.undo()
    db = sqlite3.connect(path)  # a vote as version 1 wrote it
    db.execute("INSERT INTO votes (time, vote, question, passage, article_id, article_title, position, voter)"
               " VALUES ('2026-01-01T00:00:00+00:00', 'up', 'q', 'p', 'a', 'A', 1, 'someone')")  # fmt: skip
    db.commit()
    db.close()
    state = opened(path)
    try:
        assert state.schema_version() == len(MIGRATIONS) and state.questions() == []
        [vote] = state.votes()
        assert (vote.question, vote.voter, vote.answer) == ("q", "someone", "")  # no sentence recorded then
        assert (vote.answer_key, vote.comment) == ("v2:1", "")
    finally:
        state.close()


def test_the_presses_of_a_version_2_database_become_one_vote_per_voter_question_and_passage(path, monkeypatch):
    monkeypatch.setattr(state_module, "MIGRATIONS", MIGRATIONS[:2])
    opened(path).close()
    monkeypatch.undo()
    db = sqlite3.connect(path)  # 👍, 👍, 👎 on one answer, as version 2 kept them: three rows
    presses = [("01", "up", "q", 1, "someone"), ("02", "up", "q", 1, "someone"), ("03", "down", "q", 1, "someone"),
               ("04", "up", "q", 2, "someone"), ("05", "up", "q", 1, "another"), ("06", "up", "r", 1, "someone")]
    db.executemany("INSERT INTO votes (time, vote, question, passage, article_id, article_title, position, voter,"
                   " answer) VALUES (?, ?, ?, 'p', 'a', 'A', ?, ?, 's')", presses)  # fmt: skip
    db.commit()
    db.close()
    state = opened(path)
    try:
        votes = state.votes()
        # The last press of each voter on each question and passage: what they thought in the end.
        assert [(v.time, v.vote) for v in votes] == [("03", "down"), ("04", "up"), ("05", "up"), ("06", "up")]
        assert len({v.answer_key for v in votes}) == 4 and all(v.answer_key.startswith("v2:") for v in votes)
        up = Vote.on("q", _passage(), helpful=True, voter="someone", answer_key="new")
        assert state.toggle_vote(up, "p", 1.0) == "up" and len(state.votes()) == 5  # new answers vote as usual
    finally:
        state.close()


def test_the_answers_of_a_version_3_database_keep_working_in_the_default_language(path, monkeypatch):
    monkeypatch.setattr(state_module, "MIGRATIONS", MIGRATIONS[:3])
    opened(path).close()
    monkeypatch.undo()
    db = sqlite3.connect(path)  # an answer as version 3 kept it: no language
    db.execute("INSERT INTO answers (key, created_at, asker, question, history, passage, answer)"
               " VALUES ('k', 1.0, 'someone', 'q', '[]', '{}', 's')")  # fmt: skip
    db.commit()
    db.close()
    state = opened(path)
    try:
        assert state.schema_version() == len(MIGRATIONS)
        assert state.answer("k")["language"] == ""  # bot.replies: DEFAULT_LANGUAGE
    finally:
        state.close()
