"""The JSONL files the bot kept its state in before STATE_DB, read once to import them
(see bot.state): the update journal (UPDATE_JOURNAL_FILE) and the votes (FEEDBACK_FILE).
Reading only: nothing here writes or opens the database."""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class OldJournal:
    """What a JSONL journal held: the updates not finished (oldest first), how often each
    was replayed, and the ids of handled ones."""

    unfinished: OrderedDict[int, dict[str, Any]] = field(default_factory=OrderedDict)
    replays: Counter[int] = field(default_factory=Counter)
    done: list[int] = field(default_factory=list)


def read_journal(path: Path) -> OldJournal:
    """The journal's records, in the format bot.journal wrote until STATE_DB:
    {"update": {...}}, {"done": 123}, {"replayed": 123}, {"done_ids": [...]}."""
    journal = OldJournal()
    done: dict[int, None] = {}
    for record in _records(path):
        if "update" in record:
            journal.unfinished[record["update"]["update_id"]] = record["update"]
        elif "done" in record:
            done[record["done"]] = None
            journal.unfinished.pop(record["done"], None)
        elif "done_ids" in record:
            for uid in record["done_ids"]:
                done[uid] = None
                journal.unfinished.pop(uid, None)
        elif "replayed" in record:
            journal.replays[record["replayed"]] += 1
    journal.done = [uid for uid in done if uid not in journal.unfinished]
    return journal


def read_votes(path: Path) -> list[dict[str, Any]]:
    """One dict per vote, as bot.feedback.Vote wrote them until STATE_DB."""
    return [record for record in _records(path) if isinstance(record, dict) and "vote" in record]


def _records(path: Path) -> Iterator[Any]:
    with path.open(encoding="utf-8") as file:
        for line in file:
            try:
                yield json.loads(line)
            except ValueError:
                continue  # a line torn by a crash
