"""The bot's state in one SQLite database, STATE_DB: the update journal and the votes.

This module alone opens the database: it owns the connection, the schema and its
migrations, and the SQL of every table. Others call its methods (bot.journal for the
journal, bot.replies for votes); the methods block, so callers run them off the event loop.

    journal  (bot_id, update_id) -> state, body, replays, changed_at
             keyed by the bot's id (getMe), so a database used with another token, or
             against a local Bot API server, never mistakes one bot's updates for another's.
             'pending': received, being handled; 'failed': its handling raised, kept to be
             handled again at the next start; 'done': handled, its body erased, the id kept
             for a while to drop redeliveries.
    votes    one row per 👍/👎 (bot.feedback.Vote), with the answer sentence shown (version 2)
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
]
VOTE_FIELDS = ("time", "vote", "question", "passage", "article_id", "article_title", "position", "voter", "answer")
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
        """Durably: on disk when this returns."""
        self._write(_INSERT_VOTE, _vote_row(asdict(vote)))

    def votes(self, since: str = "") -> list[Vote]:
        """The votes cast at `since` (ISO 8601, UTC) or later, oldest first."""
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
        """Durably delete what is kept under a pseudonym: (questions, votes) deleted."""
        with self._lock:
            db = self._conn()
            self._set_durable(True)
            with _transaction(db):
                questions = db.execute("DELETE FROM questions WHERE asker = ?", (pseudonym,)).rowcount
                votes = db.execute("DELETE FROM votes WHERE voter = ?", (pseudonym,)).rowcount
        return questions, votes

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
                rows = [_vote_row(record) for record in read_votes(votes)]
                with _transaction(db):
                    db.executemany(_INSERT_VOTE, rows)
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
_INSERT_VOTE = f"INSERT INTO votes ({', '.join(VOTE_FIELDS)}) VALUES ({', '.join('?' * len(VOTE_FIELDS))})"


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
