"""Which bot message answered which question (bot.answered_messages), kept in STATE_DB: read
back after the database is closed and opened again (a restart), per question of a message,
forgotten from a place on, after ANSWER_BUTTONS_DAYS and by /forget_me; the chat and the
asker only as pseudonyms."""

from __future__ import annotations

import sqlite3

import pytest

from bot import state as state_module
from bot.answered_messages import AnsweredMessages, SentAnswer, fingerprint
from bot.privacy import pseudonym
from bot.questions import QuestionStore
from bot.state import MIGRATIONS, StateDB

CHAT, OTHER_CHAT, USER = 5_550_001, 5_550_002, 7_770_001
SALT = "test-salt"
DAY = 86_400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def path(tmp_path):
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def clock():
    return Clock()


def store(path, clock: Clock, days: int = 7) -> tuple[StateDB, AnsweredMessages]:
    state = StateDB(path)
    state.open()
    return state, AnsweredMessages(state, lambda user_id: pseudonym(user_id, SALT), QuestionStore(state, days, clock))


def test_an_answer_is_found_again_after_the_database_is_opened_again(path, clock):
    state, answered = store(path, clock)
    answered.remember(CHAT, 10, 11, "aaaa", asker=USER)
    state.close()
    state, answered = store(path, clock)  # a restart
    try:
        assert answered.answer_to(CHAT, 10) == SentAnswer(11, "aaaa")
        assert answered.answer_to(OTHER_CHAT, 10) is None  # message ids count per chat
        assert answered.answer_to(CHAT, 12) is None
    finally:
        state.close()


def test_each_question_of_a_message_has_its_answer_and_an_edit_replaces_the_digest(path, clock):
    state, answered = store(path, clock)
    try:
        for part, answer_id in enumerate((21, 22, 23)):
            answered.remember(CHAT, 20, answer_id, f"shown{part}", part=part, asker=USER)
        answered.remember(CHAT, 20, 21, "edited", part=0, asker=USER)  # the first answer edited
        assert answered.answer_to(CHAT, 20, 0) == SentAnswer(21, "edited")
        assert answered.answer_to(CHAT, 20, 2) == SentAnswer(23, "shown2")
        # Edited to ask one question: the answers to the second and third are forgotten, in order.
        assert answered.forget_from(CHAT, 20, 1) == [22, 23]
        assert answered.answer_to(CHAT, 20, 1) is None and answered.answer_to(CHAT, 20, 0) is not None
        assert answered.forget_from(CHAT, 20, 1) == []
    finally:
        state.close()


def test_an_answer_older_than_the_days_kept_is_not_edited_and_is_pruned(path, clock):
    state, answered = store(path, clock, days=2)
    try:
        answered.remember(CHAT, 30, 31, "x", asker=USER)
        clock.now += 2 * DAY - 1
        assert answered.answer_to(CHAT, 30) is not None
        clock.now += 2
        assert answered.answer_to(CHAT, 30) is None  # edited now, it is answered anew
        assert state.prune_answers(clock.now - 2 * DAY) == 0  # (no answers behind buttons)
        assert _rows(path) == []
    finally:
        state.close()


def test_forget_me_deletes_what_was_kept_for_the_user_and_nothing_holds_raw_ids(path, clock):
    state, answered = store(path, clock)
    try:
        answered.remember(CHAT, 40, 41, "x", asker=USER)
        answered.remember(OTHER_CHAT, 40, 42, "y", asker=USER + 1)
        rows = _rows(path)
        assert len(rows) == 2
        assert not any(str(value) in (str(CHAT), str(OTHER_CHAT), str(USER)) for row in rows for value in row)
        state.forget(pseudonym(USER, SALT))
        assert answered.answer_to(CHAT, 40) is None and answered.answer_to(OTHER_CHAT, 40) == SentAnswer(42, "y")
    finally:
        state.close()


def test_a_version_4_database_gains_the_table(path, clock, monkeypatch):
    monkeypatch.setattr(state_module, "MIGRATIONS", MIGRATIONS[:4])
    old = StateDB(path)
    old.open()
    old.close()
    monkeypatch.undo()
    state, answered = store(path, clock)
    try:
        assert state.schema_version() == len(MIGRATIONS)
        answered.remember(CHAT, 50, 51, "z")
        assert answered.answer_to(CHAT, 50) == SentAnswer(51, "z")
    finally:
        state.close()


def test_a_database_that_fails_costs_an_edit_answered_anew_never_an_error(path, clock, monkeypatch, caplog):
    state, answered = store(path, clock)
    try:
        answered.remember(CHAT, 60, 61, "x", asker=USER)

        def fail(*args):
            raise sqlite3.OperationalError("database or disk is full")

        for method in ("remember_sent", "sent_answer", "forget_sent_from"):
            monkeypatch.setattr(state, method, fail)
        answered.remember(CHAT, 62, 63, "y", asker=USER)
        assert answered.answer_to(CHAT, 60) is None and answered.forget_from(CHAT, 60, 0) == []
        assert caplog.text.count("disk is full") == 3 and str(USER) not in caplog.text
    finally:
        state.close()


def test_the_digest_tells_what_a_message_shows_apart():
    assert fingerprint("a", [["More"]]) == fingerprint("a", [["More"]])
    assert fingerprint("a", [["More"]]) != fingerprint("a", [["👍"]]) != fingerprint("b", [["👍"]])


def _rows(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM sent_answers").fetchall()
