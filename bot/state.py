"""The bot's state in one SQLite database, STATE_DB: the update journal, the votes, the
question log, the answers behind buttons and which message answered which question.

This module alone opens the database: it owns the connection, the schema and its
migrations, and the SQL of every table. Others call its methods (bot.journal for the
journal, bot.replies for votes, bot.questions for the answers behind buttons, bot.question_log);
the methods block, so callers run them off the event loop.

    journal  (bot_id, update_id) -> state, body, replays, changed_at
             keyed by the bot's id (getMe), so a database used with another token, or
             against a local Bot API server, never mistakes one bot's updates for another's.
             'pending': received, being handled; 'failed': its handling raised, kept to be
             handled again at the next start; 'done': handled, its body erased, the id kept
             for a while to drop redeliveries.
    votes    each voter's current 👍/👎 on an answer (bot.feedback.Vote): one row per answer
             and voter (version 3; before, one row per press), with the answer sentence
             shown (version 2) and what was wrong, in the voter's words (version 3)
    answers  the answers behind buttons (bot.questions): the question, the history it was
             read with, the passage shown (for a refusal: the nearest, behind "The closest
             passage"), under the short key the buttons carry; whether "More passages" (or the
             closest passage) was served; the interface language it was given in (version 4),
             which its buttons keep whoever presses them. Pruned after ANSWER_BUTTONS_DAYS.
    sent_answers  which bot message answered which question of which user message (version 5;
             bot.answered_messages), so an edited question edits its answer, after a restart
             too; pruned with the answers.
    vote_prompts  the "what was wrong?" messages sent after a 👎, so a reply to one is kept
             with the vote (and not answered as a question); pruned with the answers.
    vote_presses  what each 👍/👎 press did, by Telegram's callback query id: a press handled
             again after a restart (bot.journal) does not flip the vote back; pruned with the answers.
    questions  the question log (bot.question_log.LoggedQuestion): each question answered or not,
             what was shown, its confidence; the asker only as the votes' pseudonym. Pruned
             after QUESTION_LOG_DAYS by bot.question_log.
    imports  the JSONL files of earlier versions imported, so each is imported once

The schema version is SQLite's `user_version`; MIGRATIONS[n] takes a database from version
n to n + 1, in one transaction. A later feature adds its table by appending a migration.

WAL journal mode; `synchronous=FULL` for the writes whose durability is promised (an update
received, before Telegram is told; a vote, before it is acknowledged); `NORMAL` for an update
marked done, which a power cut may lose at the price of answering it again.
One process at a time: `open()` takes bot.instance_lock's lock on STATE_DB + ".lock".
`open_for_reading()` does not: `python -m bot report` and `export-eval` read while the bot runs.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .feedback import Vote
from .instance_lock import InstanceLock, InstanceLocked
from .legacy_files import read_journal, read_votes

log = logging.getLogger(__name__)

MIGRATIONS: list[str] = [
    # 1: the update journal, the votes, the imports of the JSONL files
    """
    CREATE TABLE journal (
        bot_id      INTEGER NOT NULL,
        update_id   INTEGER NOT NULL,
        state       TEXT    NOT NULL CHECK (state IN ('pending', 'failed', 'done')),
        body        TEXT,               -- the update as Telegram sent it (JSON); NULL once done
        replays     INTEGER NOT NULL DEFAULT 0,
        changed_at  REAL    NOT NULL,   -- Unix time
        PRIMARY KEY (bot_id, update_id)
    ) WITHOUT ROWID;
    CREATE TABLE votes (
        id            INTEGER PRIMARY KEY,
        time          TEXT    NOT NULL,  -- ISO 8601, UTC
        vote          TEXT    NOT NULL CHECK (vote IN ('up', 'down')),
        question      TEXT    NOT NULL,
        passage       TEXT    NOT NULL,
        article_id    TEXT    NOT NULL,
        article_title TEXT    NOT NULL,
        position      INTEGER NOT NULL,
        voter         TEXT    NOT NULL   -- a pseudonym (bot.privacy), never a Telegram id
    );
    CREATE TABLE imports (
        source      TEXT PRIMARY KEY,   -- 'journal' or 'votes'
        path        TEXT NOT NULL,
        records     INTEGER NOT NULL,
        imported_at TEXT NOT NULL
    );
    """,
    # 2: the question log; the answer sentence a vote was about (what export-eval needs)
    """
    CREATE TABLE questions (
        id            INTEGER PRIMARY KEY,
        time          TEXT    NOT NULL,  -- ISO 8601, UTC
        question      TEXT    NOT NULL,
        answered      INTEGER NOT NULL,  -- 0 or 1
        confidence    REAL    NOT NULL,
        article_id    TEXT    NOT NULL,  -- of the passage shown; '' when not answered
        article_title TEXT    NOT NULL,
        position      INTEGER NOT NULL,
        passage       TEXT    NOT NULL,
        answer        TEXT    NOT NULL,  -- the sentence shown in bold
        language      TEXT    NOT NULL,  -- Telegram's language_code, '' if unknown
        follow_up     INTEGER NOT NULL,  -- 1: read with the chat's earlier questions
        asker         TEXT    NOT NULL   -- a pseudonym (bot.privacy), never a Telegram id
    );
    CREATE INDEX questions_by_time ON questions (time);
    CREATE INDEX questions_by_asker ON questions (asker);
    ALTER TABLE votes ADD COLUMN answer TEXT NOT NULL DEFAULT '';
    CREATE INDEX votes_by_voter ON votes (voter);
    """,
    # 3: the answers behind buttons, kept across restarts; one current vote per voter and
    # answer (a voter's earlier presses on one question and passage become their last one);
    # what was wrong, after a 👎
    """
    CREATE TABLE answers (
        key         TEXT PRIMARY KEY,   -- the short key its buttons carry (bot.buttons)
        created_at  REAL    NOT NULL,   -- Unix time; pruned after ANSWER_BUTTONS_DAYS
        asker       TEXT    NOT NULL,   -- a pseudonym (bot.privacy), for /forget_me
        question    TEXT    NOT NULL,
        history     TEXT    NOT NULL,   -- JSON list: the earlier questions it was read with
        passage     TEXT    NOT NULL,   -- JSON object: the passage shown (index.Passage)
        answer      TEXT    NOT NULL,   -- the sentence shown in bold
        more_press  TEXT                -- the press that serves "More passages"; NULL: not served
    ) WITHOUT ROWID;
    CREATE INDEX answers_by_time ON answers (created_at);
    CREATE INDEX answers_by_asker ON answers (asker);
    CREATE TABLE vote_prompts (
        answer_key  TEXT    NOT NULL,
        voter       TEXT    NOT NULL,   -- a pseudonym
        message_id  INTEGER,            -- the prompt, in the voter's private chat; NULL until sent
        created_at  REAL    NOT NULL,   -- Unix time
        PRIMARY KEY (answer_key, voter)
    ) WITHOUT ROWID;
    CREATE INDEX vote_prompts_by_message ON vote_prompts (voter, message_id);
    CREATE INDEX vote_prompts_by_time ON vote_prompts (created_at);
    CREATE TABLE vote_presses (
        press_id    TEXT PRIMARY KEY,   -- Telegram's callback query id
        vote        TEXT    NOT NULL,   -- what the press left: 'up', 'down', '' (taken back)
        created_at  REAL    NOT NULL    -- Unix time; pruned with the answers
    ) WITHOUT ROWID;
    CREATE INDEX vote_presses_by_time ON vote_presses (created_at);
    DELETE FROM votes WHERE id NOT IN (SELECT MAX(id) FROM votes GROUP BY voter, question, article_id, position);
    ALTER TABLE votes ADD COLUMN answer_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE votes ADD COLUMN comment TEXT NOT NULL DEFAULT '';
    UPDATE votes SET answer_key = 'v2:' || id;
    CREATE UNIQUE INDEX votes_one_per_answer ON votes (answer_key, voter);
    """,
    # 4: the interface language an answer was given in, so that its buttons, redrawn after a
    # press, stay in it whoever presses them (in a group, a reader of another language);
    # '' for the answers kept before: DEFAULT_LANGUAGE
    """
    ALTER TABLE answers ADD COLUMN language TEXT NOT NULL DEFAULT '';
    """,
    # 5: which bot message answered which question, so that a question edited after a restart
    # edits its answer (bot.answered_messages); before, this was kept in memory only
    """
    CREATE TABLE sent_answers (
        chat        TEXT    NOT NULL,   -- the chat's pseudonym (bot.privacy)
        question_id INTEGER NOT NULL,   -- the user's message
        part        INTEGER NOT NULL,   -- the question's place in it (bot.several_questions)
        answer_id   INTEGER NOT NULL,   -- the bot's message answering it, in the same chat
        shown       TEXT    NOT NULL,   -- a digest of what that message shows, as last sent
        asker       TEXT    NOT NULL,   -- a pseudonym, for /forget_me
        created_at  REAL    NOT NULL,   -- Unix time of the last answer or edit; pruned with the answers
        PRIMARY KEY (chat, question_id, part)
    ) WITHOUT ROWID;
    CREATE INDEX sent_answers_by_time ON sent_answers (created_at);
    CREATE INDEX sent_answers_by_asker ON sent_answers (asker);
    """,
]
VOTE_FIELDS = ("time", "vote", "question", "passage", "article_id", "article_title", "position", "voter", "answer",
               "answer_key", "comment")
ANSWER_FIELDS = ("key", "created_at", "asker", "question", "history", "passage", "answer", "more_press", "language")
SENT_FIELDS = ("chat", "question_id", "part", "answer_id", "shown", "asker", "created_at")
QUESTION_FIELDS = ("time", "question", "answered", "confidence", "article_id", "article_title", "position",
                   "passage", "answer", "language", "follow_up", "asker")


class StateError(Exception):
    """STATE_DB cannot be used; the message is one line for the operator."""


class StateInUse(StateError):
    """Another process holds STATE_DB."""


@dataclass
class JournalRows:
    """What the journal holds for one bot: unfinished updates (oldest first) with their
    replay counts, and the ids of recently handled ones with when they finished."""

    unfinished: list[tuple[dict[str, Any], int]]
    done: list[tuple[int, float]]


class StateDB:
    """The database. Making one touches no file; `open()` locks, creates and migrates it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one connection, used from several threads
        self._instance = InstanceLock(path.with_name(path.name + ".lock"))
        self._db: sqlite3.Connection | None = None
        self._durable = True

    @property
    def is_open(self) -> bool:
        return self._db is not None

    def open(self) -> None:
        """Lock, open and migrate; raises StateError (StateInUse if another process has it)."""
        with self._lock:
            if self._db is not None:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._instance.acquire()
            except InstanceLocked as exc:
                holder = f"process {exc.pid}" if exc.pid else "another process"
                raise StateInUse(
                    f"STATE_DB {self.path} is in use by another bot ({holder}); stop it first, "
                    "or give each bot its own STATE_DB"
                ) from None
            except OSError as exc:
                raise StateError(f"cannot open STATE_DB {self.path}: {exc.strerror or exc}") from None
            try:
                self._db = self._connect()
            except BaseException:
                self._instance.release()
                raise

    def open_for_reading(self) -> None:
        """Open without the single-instance lock, beside a running bot (WAL lets both in):
        for the report and the export, which read, and only migrate a database still older
        than this code. A missing database is an error, not an empty one created."""
        with self._lock:
            if self._db is not None:
                return
            if not self.path.is_file():
                raise StateError(f"STATE_DB {self.path} does not exist: the bot has not run with it yet")
            self._db = self._connect()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._instance.release()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open STATE_DB {self.path}: {exc}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")  # what users wrote does not linger in free pages
            db.execute("PRAGMA busy_timeout=5000")
            _migrate(db, self.path)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise StateError(f"cannot use STATE_DB {self.path}: {exc}") from None
        except BaseException:
            db.close()
            raise
        return db

    def schema_version(self) -> int:
        with self._lock:
            return self._conn().execute("PRAGMA user_version").fetchone()[0]

    # ---- the update journal -------------------------------------------------------------

    def journal_rows(self, bot_id: int, remember_done: int, done_for: float) -> JournalRows:
        """Forget done ids older than `done_for` seconds or beyond the last `remember_done`, then read."""
        with self._lock:
            db = self._conn()
            self._prune(bot_id, remember_done, done_for)
            unfinished = db.execute(
                "SELECT body, replays FROM journal WHERE bot_id = ? AND state != 'done' ORDER BY update_id",
                (bot_id,),
            ).fetchall()
            done = db.execute(
                "SELECT update_id, changed_at FROM journal WHERE bot_id = ? AND state = 'done' ORDER BY update_id",
                (bot_id,),
            ).fetchall()
        return JournalRows([(json.loads(body), replays) for body, replays in unfinished], done)

    def journal_received(self, bot_id: int, update: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO journal (bot_id, update_id, state, body, replays, changed_at) VALUES (?, ?, 'pending', ?, 0, ?)"
            " ON CONFLICT DO UPDATE SET state = 'pending', body = excluded.body, changed_at = excluded.changed_at",
            (bot_id, update["update_id"], json.dumps(update, ensure_ascii=False), time.time()),
        )

    def journal_replayed(self, bot_id: int, update_id: int) -> None:
        self._write(
            "UPDATE journal SET replays = replays + 1, changed_at = ? WHERE bot_id = ? AND update_id = ?",
            (time.time(), bot_id, update_id),
        )

    def journal_failed(self, bot_id: int, update_id: int) -> None:
        # Not durable: lost, the row stays 'pending', which is replayed just the same.
        self._write(
            "UPDATE journal SET state = 'failed', changed_at = ? WHERE bot_id = ? AND update_id = ?",
            (time.time(), bot_id, update_id),
            durable=False,
        )

    def journal_done(self, bot_id: int, update_id: int) -> None:
        # Not durable: lost in a power cut, the update is only answered again.
        self._write(
            "UPDATE journal SET state = 'done', body = NULL, replays = 0, changed_at = ?"
            " WHERE bot_id = ? AND update_id = ?",
            (time.time(), bot_id, update_id),
            durable=False,
        )

    def journal_prune(self, bot_id: int, remember_done: int, done_for: float) -> None:
        with self._lock:
            self._prune(bot_id, remember_done, done_for)

    def _prune(self, bot_id: int, remember_done: int, done_for: float) -> None:
        self._set_durable(False)
        self._conn().execute(
            "DELETE FROM journal WHERE bot_id = ? AND state = 'done' AND (changed_at < ? OR update_id <="
            " (SELECT update_id FROM journal WHERE bot_id = ? AND state = 'done'"
            "  ORDER BY update_id DESC LIMIT 1 OFFSET ?))",
            (bot_id, time.time() - done_for, bot_id, remember_done),
        )

    # ---- votes ---------------------------------------------------------------------------

    def add_vote(self, vote: Vote) -> None:
        """Durably: on disk when this returns. Replaces the voter's vote on the same answer."""
        self._write(_UPSERT_VOTE, _vote_row(asdict(vote)))

    def toggle_vote(self, vote: Vote, press_id: str, now: float) -> str | None:
        """Press `press_id` of 👍 or 👎: the voter's vote on `vote.answer_key` becomes
        `vote.vote`, or is withdrawn if it already was that (a changed vote loses its comment).
        The same press handled again (a replay after a restart) changes nothing. Durably: on
        disk when this returns. Returns the voter's vote now ("up", "down" or None)."""
        with self._lock:
            db = self._conn()
            self._set_durable(True)
            with _transaction(db):
                done = db.execute("SELECT vote FROM vote_presses WHERE press_id = ?", (press_id,)).fetchone()
                if done is not None:
                    return done[0] or None
                row = db.execute("SELECT vote FROM votes WHERE answer_key = ? AND voter = ?",
                                 (vote.answer_key, vote.voter)).fetchone()  # fmt: skip
                if row is not None and row[0] == vote.vote:
                    db.execute("DELETE FROM votes WHERE answer_key = ? AND voter = ?", (vote.answer_key, vote.voter))
                    result = None
                else:
                    db.execute(_UPSERT_VOTE, _vote_row(asdict(vote)))
                    result = vote.vote
                db.execute("INSERT INTO vote_presses VALUES (?, ?, ?)", (press_id, result or "", now))
        return result

    def comment_vote(self, answer_key: str, voter: str, comment: str) -> bool:
        """Keep what was wrong with the voter's 👎 on an answer; False when there is no such
        vote (withdrawn, or changed to 👍). Durably."""
        with self._lock:
            self._set_durable(True)
            return self._conn().execute(
                "UPDATE votes SET comment = ? WHERE answer_key = ? AND voter = ? AND vote = 'down'",
                (comment, answer_key, voter),
            ).rowcount == 1

    def tally(self, answer_key: str) -> tuple[int, int]:
        """(👍, 👎) of an answer: its voters' current votes."""
        with self._lock:
            up, down = self._conn().execute(
                "SELECT COALESCE(SUM(vote = 'up'), 0), COALESCE(SUM(vote = 'down'), 0) FROM votes WHERE answer_key = ?",
                (answer_key,),
            ).fetchone()
        return up, down

    def votes(self, since: str = "") -> list[Vote]:
        """The current votes cast or changed at `since` (ISO 8601, UTC) or later, oldest first."""
        with self._lock:
            rows = self._conn().execute(
                f"SELECT {', '.join(VOTE_FIELDS)} FROM votes WHERE time >= ? ORDER BY id", (since,)
            ).fetchall()
        return [Vote(**dict(zip(VOTE_FIELDS, row))) for row in rows]

    # ---- the question log ------------------------------------------------------------------

    def log_question(self, row: dict[str, Any], prune_before: str) -> None:
        """Not durable: a power cut may lose the last questions logged, never a reply.
        Questions older than `prune_before` (ISO 8601, UTC) are deleted in the same go."""
        with self._lock:
            db = self._conn()
            self._set_durable(False)
            with _transaction(db):
                db.execute("DELETE FROM questions WHERE time < ?", (prune_before,))
                db.execute(_INSERT_QUESTION, tuple(row[name] for name in QUESTION_FIELDS))

    def prune_questions(self, before: str) -> int:
        """Delete the questions logged before `before` (ISO 8601, UTC); how many."""
        with self._lock:
            self._set_durable(False)
            return self._conn().execute("DELETE FROM questions WHERE time < ?", (before,)).rowcount

    def questions(self, since: str = "") -> list[dict[str, Any]]:
        """The questions logged at `since` or later, oldest first, as QUESTION_FIELDS dicts."""
        with self._lock:
            rows = self._conn().execute(
                f"SELECT {', '.join(QUESTION_FIELDS)} FROM questions WHERE time >= ? ORDER BY id", (since,)
            ).fetchall()
        return [dict(zip(QUESTION_FIELDS, row)) for row in rows]

    def forget(self, pseudonym: str) -> tuple[int, int]:
        """Durably delete what is kept under a pseudonym: (questions, votes) deleted; the
        answers behind the buttons of the user's questions, and the prompts sent to them, go too."""
        with self._lock:
            db = self._conn()
            self._set_durable(True)
            with _transaction(db):
                questions = db.execute("DELETE FROM questions WHERE asker = ?", (pseudonym,)).rowcount
                votes = db.execute("DELETE FROM votes WHERE voter = ?", (pseudonym,)).rowcount
                db.execute("DELETE FROM answers WHERE asker = ?", (pseudonym,))
                db.execute("DELETE FROM vote_prompts WHERE voter = ?", (pseudonym,))
                db.execute("DELETE FROM sent_answers WHERE asker = ?", (pseudonym,))
        return questions, votes

    # ---- the answers behind buttons ----------------------------------------------------------

    def add_answer(self, row: dict[str, Any], prune_before: float) -> bool:
        """Keep an answer (ANSWER_FIELDS) under row["key"]; False if that key is taken.
        Answers, and prompts, created before `prune_before` (Unix time) go in the same go.
        Not durable: a power cut may lose the last answers kept; their buttons then say so."""
        with self._lock:
            db = self._conn()
            self._set_durable(False)
            with _transaction(db):
                self._prune_answers(prune_before)
                return db.execute(_INSERT_ANSWER, tuple(row[name] for name in ANSWER_FIELDS)).rowcount == 1

    def answer(self, key: str) -> dict[str, Any] | None:
        """The answer kept under `key` (ANSWER_FIELDS), or None (never kept, pruned, forgotten)."""
        with self._lock:
            row = self._conn().execute(
                f"SELECT {', '.join(ANSWER_FIELDS)} FROM answers WHERE key = ?", (key,)
            ).fetchone()
        return dict(zip(ANSWER_FIELDS, row)) if row else None

    def claim_more(self, key: str, press_id: str) -> bool:
        """Mark "More passages" of an answer served by press `press_id`: True for the one
        press that may serve it (and for that press handled again after a restart)."""
        with self._lock:
            self._set_durable(False)
            return self._conn().execute(
                "UPDATE answers SET more_press = ? WHERE key = ? AND (more_press IS NULL OR more_press = ?)",
                (press_id, key, press_id),
            ).rowcount == 1

    def release_more(self, key: str, press_id: str) -> None:
        """Serving "More passages" failed: the button may be pressed again."""
        self._write("UPDATE answers SET more_press = NULL WHERE key = ? AND more_press = ?", (key, press_id),
                    durable=False)  # fmt: skip

    def prune_answers(self, before: float) -> int:
        """Delete the answers (and prompts) created before `before` (Unix time); how many answers."""
        with self._lock:
            self._set_durable(False)
            return self._prune_answers(before)

    def claim_prompt(self, answer_key: str, voter: str, now: float) -> bool:
        """True once per answer and voter: the one time "what was wrong?" is asked."""
        with self._lock:
            self._set_durable(False)
            return self._conn().execute(
                "INSERT OR IGNORE INTO vote_prompts (answer_key, voter, message_id, created_at) VALUES (?, ?, NULL, ?)",
                (answer_key, voter, now),
            ).rowcount == 1

    def prompt_sent(self, answer_key: str, voter: str, message_id: int) -> None:
        """The prompt is message `message_id` of the voter's private chat."""
        self._write("UPDATE vote_prompts SET message_id = ? WHERE answer_key = ? AND voter = ?",
                    (message_id, answer_key, voter))  # fmt: skip

    def prompted_answer(self, voter: str, message_id: int) -> str | None:
        """The answer whose "what was wrong?" prompt to this voter is message `message_id`, or None."""
        with self._lock:
            row = self._conn().execute(
                "SELECT answer_key FROM vote_prompts WHERE voter = ? AND message_id = ?", (voter, message_id)
            ).fetchone()
        return row[0] if row else None

    # ---- which message answered which question ----------------------------------------------

    def remember_sent(self, row: dict[str, Any]) -> None:
        """Keep (or replace) the answer to a question (SENT_FIELDS). Not durable: a power cut
        may lose the last ones, whose questions, edited, are then answered anew."""
        self._write(_UPSERT_SENT, tuple(row[name] for name in SENT_FIELDS), durable=False)

    def sent_answer(self, chat: str, question_id: int, part: int, since: float) -> tuple[int, str] | None:
        """(the answer's message id, the digest of what it shows) for that question, kept
        since `since` (Unix time); None if none is."""
        with self._lock:
            row = self._conn().execute(
                "SELECT answer_id, shown FROM sent_answers"
                " WHERE chat = ? AND question_id = ? AND part = ? AND created_at >= ?",
                (chat, question_id, part, since),
            ).fetchone()
        return (row[0], row[1]) if row else None

    def forget_sent_from(self, chat: str, question_id: int, part: int) -> list[int]:
        """Forget the answers to the message's questions from `part` on; their message ids,
        in the questions' order."""
        with self._lock:
            db = self._conn()
            self._set_durable(False)
            with _transaction(db):
                where = " WHERE chat = ? AND question_id = ? AND part >= ?"
                rows = db.execute("SELECT answer_id FROM sent_answers" + where + " ORDER BY part",
                                  (chat, question_id, part)).fetchall()  # fmt: skip
                db.execute("DELETE FROM sent_answers" + where, (chat, question_id, part))
        return [row[0] for row in rows]

    # ---- the JSONL files of earlier versions -----------------------------------------------

    def import_old_files(self, bot_id: int, journal: Path | None, votes: Path | None) -> None:
        """Import UPDATE_JOURNAL_FILE and FEEDBACK_FILE, each once per database; the files
        are left where they are. The journal's handled ids are dated from the file's
        modification time, so they expire like any others."""
        with self._lock:
            db = self._conn()
            done = {row[0] for row in db.execute("SELECT source FROM imports")}
            self._set_durable(True)
            if votes is not None and "votes" not in done and votes.is_file():
                # One vote per voter, question and passage, their last press: what version 3
                # made of the presses already in the database (MIGRATIONS[2]).
                last = {(r.get("voter"), r.get("question"), r.get("article_id"), r.get("position")): r
                        for r in read_votes(votes)}  # fmt: skip
                rows = [_vote_row({**record, "answer_key": f"imported:{n}"}) for n, record in enumerate(last.values())]
                with _transaction(db):
                    db.executemany(_UPSERT_VOTE, rows)
                    _record_import(db, "votes", votes, len(rows))
                log.info("imported %d vote(s) from %s into %s", len(rows), votes, self.path)
            if journal is not None and "journal" not in done and journal.is_file():
                old, when = read_journal(journal), journal.stat().st_mtime
                with _transaction(db):
                    db.executemany(
                        "INSERT OR IGNORE INTO journal VALUES (?, ?, 'pending', ?, ?, ?)",
                        [(bot_id, uid, json.dumps(u, ensure_ascii=False), old.replays[uid], when)
                         for uid, u in old.unfinished.items()],
                    )  # fmt: skip
                    db.executemany(
                        "INSERT OR IGNORE INTO journal VALUES (?, ?, 'done', NULL, 0, ?)",
                        [(bot_id, uid, when) for uid in old.done],
                    )
                    _record_import(db, "journal", journal, len(old.unfinished) + len(old.done))
                log.info(
                    "imported %d unfinished update(s) and %d handled id(s) from %s into %s",
                    len(old.unfinished), len(old.done), journal, self.path,
                )  # fmt: skip

    # ---- under the lock ---------------------------------------------------------------------

    def _prune_answers(self, before: float) -> int:
        db = self._conn()
        db.execute("DELETE FROM vote_prompts WHERE created_at < ?", (before,))
        db.execute("DELETE FROM vote_presses WHERE created_at < ?", (before,))
        db.execute("DELETE FROM sent_answers WHERE created_at < ?", (before,))
        return db.execute("DELETE FROM answers WHERE created_at < ?", (before,)).rowcount

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("StateDB.open() must run first")
        return self._db

    def _write(self, sql: str, args: tuple[Any, ...], *, durable: bool = True) -> None:
        with self._lock:
            db = self._conn()
            self._set_durable(durable)
            db.execute(sql, args)

    def _set_durable(self, durable: bool) -> None:
        if durable != self._durable:
            self._conn().execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._durable = durable


_INSERT_QUESTION = (
    f"INSERT INTO questions ({', '.join(QUESTION_FIELDS)}) VALUES ({', '.join('?' * len(QUESTION_FIELDS))})"
)
# A voter has one vote per answer: a new one replaces it (and its comment, if it brings none).
_UPSERT_VOTE = (
    f"INSERT INTO votes ({', '.join(VOTE_FIELDS)}) VALUES ({', '.join('?' * len(VOTE_FIELDS))})"
    " ON CONFLICT (answer_key, voter) DO UPDATE SET vote = excluded.vote, time = excluded.time,"
    " comment = excluded.comment"
)
_INSERT_ANSWER = (
    f"INSERT OR IGNORE INTO answers ({', '.join(ANSWER_FIELDS)}) VALUES ({', '.join('?' * len(ANSWER_FIELDS))})"
)

_UPSERT_SENT = (
    f"INSERT INTO sent_answers ({', '.join(SENT_FIELDS)}) VALUES ({', '.join('?' * len(SENT_FIELDS))})"
    " ON CONFLICT (chat, question_id, part) DO UPDATE SET answer_id = excluded.answer_id,"
    " shown = excluded.shown, created_at = excluded.created_at"
)


def _vote_row(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(name, "" if name != "position" else 0) for name in VOTE_FIELDS)


def _record_import(db: sqlite3.Connection, source: str, path: Path, records: int) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    db.execute("INSERT INTO imports VALUES (?, ?, ?, ?)", (source, str(path), records, now))


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an error (the connection is in autocommit)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StateError(
            f"STATE_DB {path} has schema version {version}, newer than this bot's {len(MIGRATIONS)}; "
            "run the newer version, or point STATE_DB elsewhere"
        )
    for number in range(version, len(MIGRATIONS)):
        with _transaction(db):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")
    if version < len(MIGRATIONS):
        # A new database is no news (and a refusal at start-up must stay one line); an upgrade is.
        log.log(logging.INFO if version else logging.DEBUG,
                "STATE_DB %s: schema version %d -> %d", path, version, len(MIGRATIONS))  # fmt: skip


def _statements(script: str) -> list[str]:
    """A migration's statements (executescript would commit the transaction first)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
