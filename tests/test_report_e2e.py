"""The question log end to end: questions and votes sent through the local Bot API server to
the real bot show in `python -m bot report --json` (a separate process, beside the running
bot that holds STATE_DB's lock), /stats for an admin, `export-eval` writes a file that
`python -m index eval` runs on, and /forget_me removes a user's rows. No Telegram id
anywhere in the database, the report or the export."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MODEL, REPO

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ALICE, BOB, CAROL, ADMIN = 900_000_101, 900_000_102, 900_000_103, 900_000_777
ANSWERED = {ALICE: "How many downloads does Clubhouse have?", BOB: "What did Musk tweet to Putin?"}
# A rewording (cosine 0.95 with the model) and a lower-case copy: one group of three.
UNANSWERED = {ALICE: "Who wrote Hamlet?", BOB: "Who is the author of Hamlet?", CAROL: "who wrote hamlet"}


def buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def run(tmp_path: Path, bot_index, *args: str) -> subprocess.CompletedProcess:
    corpus, index = bot_index
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(PYTHONPATH=str(REPO), CORPUS_DIR=str(corpus), INDEX_DIR=str(index), EMBEDDING_MODEL=MODEL,
               STATE_DB=str(tmp_path / "bot.sqlite3"), HF_HUB_OFFLINE="1")  # fmt: skip
    return subprocess.run([sys.executable, "-m", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


async def ask(api, text: str, user_id: int):
    api.send_message(text, user_id=user_id, first_name="Reader")
    return await api.wait_for_reply(user_id, timeout=60)


async def vote(api, reply, user_id: int, kind: str) -> None:
    data = next(d for d in buttons(reply) if d.endswith(f":{kind}"))
    mark = api.mark()
    api.press_button(reply, data, user_id=user_id, first_name="Reader")
    await api.wait_for_call("answerCallbackQuery", predicate=lambda c: "Thanks" in c.params.get("text", ""),
                            after=mark, timeout=30)  # fmt: skip


async def test_questions_and_votes_reach_the_report_and_the_export_and_forget_me_removes_them(
    fake_api, start_bot, bot_index, tmp_path
):
    await start_bot(admin_user_ids=[ADMIN], rate_limit_per_minute=1000)
    await vote(fake_api, await ask(fake_api, ANSWERED[ALICE], ALICE), ALICE, "up")
    await vote(fake_api, await ask(fake_api, ANSWERED[BOB], BOB), BOB, "down")
    for user, question in UNANSWERED.items():
        reply = await ask(fake_api, question, user)
        assert "couldn't find the answer" in reply.params["text"], question
    stats = await ask(fake_api, "/stats", ADMIN)
    assert "Questions: 5" in stats.params["text"] and "Answered: 2 (40%)" in stats.params["text"]
    assert "only the bot's admins" in (await ask(fake_api, "/stats", CAROL)).params["text"]
    assert "for 30 days" in (await ask(fake_api, "/help", CAROL)).params["text"]

    # The bot still runs and holds STATE_DB's lock: the report reads beside it.
    done = run(tmp_path, bot_index, "bot", "report", "--json", "--html", str(tmp_path / "report.html"))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["questions"], data["answered"], data["votes_up"], data["votes_down"]) == (5, 2, 1, 1)
    assert data["unanswered"][0]["count"] == 3  # the rewording and the lower-case copy collapsed
    assert data["unanswered"][0]["question"] in UNANSWERED.values()
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page
    table = run(tmp_path, bot_index, "bot", "report")
    assert table.returncode == 0 and "Not answered, grouped by meaning" in table.stdout, table.stderr
    print(table.stdout)

    export = run(tmp_path, bot_index, "bot", "export-eval", str(tmp_path / "eval.jsonl"))
    assert export.returncode == 0, export.stderr
    rows = [json.loads(line) for line in (tmp_path / "eval.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows if not r.get("needs_label")] == [ANSWERED[ALICE]]
    assert len([r for r in rows if r.get("needs_label")]) == 1 + 2  # the 👎, and the unanswered but one copy
    evaluated = run(tmp_path, bot_index, "index", "eval", str(tmp_path / "eval.jsonl"), "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert result["questions"] == 1 and result["engine"]["hit_at_1"] == 1.0  # the 👍 answer is found again

    everything = [done.stdout, table.stdout, page, (tmp_path / "eval.jsonl").read_text(encoding="utf-8")]
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    everything += [repr(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ("questions", "votes")]
    db.close()
    for user in (ALICE, BOB, CAROL, ADMIN):
        assert not any(str(user) in text for text in everything), user

    forgotten = await ask(fake_api, "/forget_me", ALICE)
    assert "I deleted 2 questions and 1 vote kept about you" in forgotten.params["text"]
    after = json.loads(run(tmp_path, bot_index, "bot", "report", "--json").stdout)
    assert (after["questions"], after["answered"], after["votes_up"], after["votes_down"]) == (3, 1, 0, 1)
    assert after["unanswered"][0]["count"] == 2
