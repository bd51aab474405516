"""What the question log and the votes say, for whoever runs the bot: `python -m bot report`,
`python -m bot export-eval` and /stats are thin over this module.

Figures over the last N days: questions per day, the share answered, 👍/👎 (each voter's
current vote on an answer, not every press), the questions the article did not answer grouped
by meaning, the passages with the most 👎, what voters said was wrong after a 👎, and the
answers given with the lowest confidence. Nothing here holds a Telegram id: the state database has
only pseudonyms, and the report does not even show those.

Grouping by meaning: identical questions once normalised (case, spaces, end punctuation)
are one; then, most frequent first, each question joins the first group whose leading
question's embedding is within cosine SAME_MEANING of its own, or leads a new group.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np

from .question_log import iso
from .state import StateDB

DEFAULT_DAYS = 30
# Chosen by hand on a few pairs of rewordings and of different questions on one subject, with
# all-MiniLM-L6-v2, erring towards keeping questions apart: a missed merge shows a line twice,
# a wrong one hides a question. Few pairs: revisit with real logs (docs/design.md).
SAME_MEANING = 0.83
TOP = 10  # rows of each list in the report

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> unit-length vectors, one row each


@dataclass(frozen=True)
class Headline:
    days: int
    questions: int
    answered: int
    votes_up: int
    votes_down: int

    @property
    def share_answered(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


@dataclass
class Report:
    headline: Headline
    since: str  # ISO 8601, UTC
    per_day: list[dict[str, Any]] = field(default_factory=list)  # {day, questions, answered}, oldest first
    unanswered: list[dict[str, Any]] = field(default_factory=list)  # {question, count, wordings}
    most_downvoted: list[dict[str, Any]] = field(default_factory=list)  # {article_title, position, answer, down, up}
    # {question, confidence, article_title, position, answer}, the least confident first
    lowest_confidence: list[dict[str, Any]] = field(default_factory=list)
    # {time, question, answer, article_title, position, comment}: what was wrong, newest first
    comments: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        h = self.headline
        return {
            "days": h.days, "since": self.since, "questions": h.questions, "answered": h.answered,
            "share_answered": round(h.share_answered, 4), "votes_up": h.votes_up, "votes_down": h.votes_down,
            "per_day": self.per_day, "unanswered": self.unanswered, "most_downvoted": self.most_downvoted,
            "lowest_confidence": self.lowest_confidence, "comments": self.comments,
        }  # fmt: skip


def since(days: int, now: float | None = None) -> str:
    # Not before 1970: `--days 100000` means everything, not an error.
    return iso(max(0.0, (time.time() if now is None else now) - timedelta(days=min(days, 100_000)).total_seconds()))


def headline(state: StateDB, days: int, now: float | None = None) -> Headline:
    """Blocking: the figures /stats shows."""
    start = since(days, now)
    questions = state.questions(start)
    votes = state.votes(start)
    return Headline(
        days=days,
        questions=len(questions),
        answered=sum(1 for q in questions if q["answered"]),
        votes_up=sum(1 for v in votes if v.vote == "up"),
        votes_down=sum(1 for v in votes if v.vote == "down"),
    )


def unanswered_questions(state: StateDB, days: int, now: float | None = None) -> list[str]:
    return [q["question"] for q in state.questions(since(days, now)) if not q["answered"]]


def build(state: StateDB, days: int, embed: Embed | None = None, *, now: float | None = None,
          threshold: float = SAME_MEANING, top: int = TOP) -> Report:
    """Blocking: the whole report. `embed` groups the unanswered questions by meaning; None
    merges only identical ones (needed only when there are unanswered questions)."""
    start = since(days, now)
    questions = state.questions(start)
    votes = state.votes(start)
    report = Report(headline(state, days, now), start)
    days_seen: dict[str, list[int]] = {}
    for q in questions:
        day = days_seen.setdefault(q["time"][:10], [0, 0])
        day[0] += 1
        day[1] += q["answered"]
    report.per_day = [{"day": d, "questions": n, "answered": a} for d, (n, a) in sorted(days_seen.items())]
    report.unanswered = group_by_meaning([q["question"] for q in questions if not q["answered"]], embed, threshold)
    passages: dict[tuple[str, int, str], Counter[str]] = {}
    for v in votes:
        passages.setdefault((v.article_title, v.position, v.answer or v.passage), Counter())[v.vote] += 1
    downvoted = sorted(((k, c) for k, c in passages.items() if c["down"]), key=lambda kc: (-kc[1]["down"], kc[1]["up"]))
    report.most_downvoted = [
        {"article_title": title, "position": position, "answer": answer, "down": c["down"], "up": c["up"]}
        for (title, position, answer), c in downvoted[:top]
    ]
    commented = sorted((v for v in votes if v.vote == "down" and v.comment), key=lambda v: v.time, reverse=True)
    report.comments = [
        {"time": v.time, "question": v.question, "answer": v.answer or v.passage, "article_title": v.article_title,
         "position": v.position, "comment": v.comment}
        for v in commented
    ]  # fmt: skip
    answered = sorted((q for q in questions if q["answered"]), key=lambda q: q["confidence"])
    report.lowest_confidence = [
        {"question": q["question"], "confidence": round(q["confidence"], 3), "article_title": q["article_title"],
         "position": q["position"], "answer": q["answer"]}
        for q in answered[:top]
    ]  # fmt: skip
    return report


def normalise(question: str) -> str:
    """What makes two questions the same text: case, spaces and the punctuation at the ends."""
    return re.sub(r"\s+", " ", question).strip().strip("?!.…¿¡ ").casefold()


def group_by_meaning(
    questions: Sequence[str], embed: Embed | None, threshold: float = SAME_MEANING
) -> list[dict[str, Any]]:
    """[{question, count, wordings}], most frequent first: `question` is the group's most
    frequent wording, `wordings` how many different ones it gathers."""
    counts: Counter[str] = Counter()
    wording: dict[str, Counter[str]] = {}
    for q in questions:
        key = normalise(q)
        counts[key] += 1
        wording.setdefault(key, Counter())[q.strip()] += 1
    keys = [k for k, _ in sorted(counts.items(), key=lambda kc: -kc[1])]  # stable: first asked first among ties
    leaders: list[int] = []  # index in `keys` of each group's leading question
    members: list[list[str]] = []
    vectors = np.asarray(embed([wording[k].most_common(1)[0][0] for k in keys])) if embed and len(keys) > 1 else None
    for i, key in enumerate(keys):
        group = None
        if vectors is not None and leaders:
            similarity = vectors[leaders] @ vectors[i]
            best = int(np.argmax(similarity))
            if similarity[best] >= threshold:
                group = best
        if group is None:
            leaders.append(i)
            members.append([key])
        else:
            members[group].append(key)
    groups = [
        {"question": wording[m[0]].most_common(1)[0][0], "count": sum(counts[k] for k in m),
         "wordings": sum(len(wording[k]) for k in m)}
        for m in members
    ]  # fmt: skip
    return sorted(groups, key=lambda g: -g["count"])


# ---- the terminal table ------------------------------------------------------------------------


def as_table(report: Report, width: int = 100) -> str:
    h = report.headline
    lines = [
        f"Last {h.days} day(s), since {report.since.replace('T', ' ').replace('+00:00', ' UTC')}",
        "",
        f"  questions        {h.questions:>7}",
        f"  answered         {h.answered:>7}  ({h.share_answered:.0%})",
        f"  👍 / 👎          {h.votes_up:>7} / {h.votes_down}",
        "",
        "Questions per day",
        f"  {'day':<12}{'asked':>7}{'answered':>10}",
        *(f"  {d['day']:<12}{d['questions']:>7}{d['answered']:>10}" for d in report.per_day),
    ]
    if not report.per_day:
        lines.append("  (none)")
    lines += _section("Not answered, grouped by meaning", f"  {'count':>5}  question", report.unanswered,
                      lambda g: f"  {g['count']:>5}  {_clip(g['question'], width - 9)}")
    lines += _section("Passages with the most 👎", f"  {'👎':>3} {'👍':>3}  article ¶paragraph: sentence shown",
                      report.most_downvoted,
                      lambda p: f"  {p['down']:>3} {p['up']:>3}  "
                      + _clip(f"{_clip(p['article_title'], 30)} ¶{p['position']}: {p['answer']}", width - 12))
    lines += _section("What was wrong (said after a 👎)", "  question → what the voter said", report.comments,
                      lambda c: f"  {_clip(c['question'], 40)} → {_clip(c['comment'], width - 48)}")
    lines += _section("Answers given with the lowest confidence", f"  {'conf.':>5}  question → article ¶paragraph",
                      report.lowest_confidence,
                      lambda q: f"  {q['confidence']:>5.2f}  "
                      + _clip(f"{q['question']} → {_clip(q['article_title'], 30)} ¶{q['position']}", width - 9))
    return "\n".join(lines)


def _section(title: str, header: str, rows: list[dict], line: Callable[[dict], str]) -> list[str]:
    """A list of the table: a blank line, its title and header, its first TOP rows ("(none)"
    when empty) and how many more the JSON report holds."""
    lines = ["", title, header, *(line(row) for row in rows[:TOP])] if rows else ["", title, header, "  (none)"]
    if len(rows) > TOP:
        lines.append(f"  … and {len(rows) - TOP} more (--json has them all)")
    return lines


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- the evaluation set ------------------------------------------------------------------------


def eval_rows(state: StateDB) -> list[dict[str, Any]]:
    """Blocking: rows in ../shared/eval's format from everything kept. A 👍 makes an
    answerable row (the bold sentence is the span); a 👎 and an unanswered question a row to
    label (`answers: []`, `needs_label: true`, which `index eval` skips). One row per
    question and kind, first come first."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, row: dict[str, Any]) -> None:
        key = (normalise(row["question"]), kind)
        if key not in seen:
            seen.add(key)
            rows.append(row)

    for vote in state.votes():
        if vote.vote == "up":
            add("up", {"question": vote.question, "answers": [vote.answer or vote.passage], "source": "vote:up"})
        else:
            row = {"question": vote.question, "answers": [], "needs_label": True, "source": "vote:down",
                   "shown": vote.answer or vote.passage}  # fmt: skip
            add("label", {**row, "comment": vote.comment} if vote.comment else row)
    for q in state.questions():
        if not q["answered"]:
            add("label", {"question": q["question"], "answers": [], "needs_label": True, "source": "unanswered"})
    return rows
