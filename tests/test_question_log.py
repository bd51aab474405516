"""The question log and what reads it, without the model or Telegram: what a question leaves
in STATE_DB (a pseudonym, never the id), pruning by an injected clock, /forget_me, /stats,
the report (grouping with the hashing embedder), its HTML page, export-eval and
`index eval`'s skipping of rows to label."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bot import replies, report, report_html, texts
from bot.question_log import QuestionLog
from bot.reply import LOCAL_USER, ChatContext
from bot.services import BotServices
from bot.settings import BotSettings
from bot.state import StateDB
from index import EngineError
from index.evaluation import load_questions
from tests.fake_embedder import HashingEmbedder
from tests.fakes import FakeEngine, make_answer, make_hit, make_passage, open_services

ALICE, BOB, ADMIN = ChatContext(1001, "en", 1001), ChatContext(1002, "ru", 1002), ChatContext(7, None, 7)
QUESTION = "How many downloads does Clubhouse have?"
SHOWN = make_passage(("Clubhouse launched in 2020.", "It has 5 million downloads.", "Mostly on iPhones."))
ANSWERED = make_answer(QUESTION, [make_hit(SHOWN, answer_sentence=1)])
DAY = 86_400.0


@pytest.fixture
def services(tmp_path):
    with open_services(tmp_path, admin_user_ids=[ADMIN.user_id], conversation_minutes=15) as services:
        yield services


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine({QUESTION: ANSWERED})


def all_rows(path) -> str:
    """Every value of every table, as one text: what a search for an id would look through."""
    db = sqlite3.connect(path)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return repr([db.execute(f"SELECT * FROM {t}").fetchall() for t in tables])
    finally:
        db.close()


async def ask(question, chat, engine, services):
    reply = await replies.answer_question(question, chat, engine, services)
    await services.question_log.flush()
    return reply


async def test_a_question_is_logged_with_what_was_shown_under_a_pseudonym(engine, services):
    await ask(QUESTION, ALICE, engine, services)
    await ask("Who wrote Hamlet?", BOB, engine, services)
    first, second = services.state.questions()
    assert first["question"] == QUESTION and first["answered"] == 1 and first["confidence"] == pytest.approx(0.9)
    assert (first["article_id"], first["position"], first["answer"]) == ("article", 2, "It has 5 million downloads.")
    assert first["language"] == "en" and first["follow_up"] == 0 and first["asker"] == services.pseudonym(1001)
    assert second["answered"] == 0 and second["article_id"] == "" and second["language"] == "ru"
    assert "1001" not in all_rows(services.settings.state_db) and "1002" not in all_rows(services.settings.state_db)


async def test_a_follow_up_is_marked_and_the_terminal_chat_is_not_logged(engine, services):
    await ask(QUESTION, ALICE, engine, services)
    await ask("And on Android?", ALICE, engine, services)
    await ask(QUESTION, LOCAL_USER, engine, services)
    assert [q["follow_up"] for q in services.state.questions()] == [0, 1]


async def test_no_log_when_question_log_days_is_0(engine, tmp_path):
    settings = BotSettings(_env_file=None, state_db=tmp_path / "bot.sqlite3", question_log_days=0,
                           feedback_file=tmp_path / "f.jsonl", update_journal_file=tmp_path / "j.jsonl")  # fmt: skip
    services = BotServices.create(settings)
    services.state.open()
    try:
        await ask(QUESTION, ALICE, engine, services)
        assert services.state.questions() == []
        assert "/forget_me deletes" in replies.help_text("bot", ALICE, services).html
    finally:
        services.close_state()


def test_pruning_follows_the_clock(tmp_path):
    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    now = [1_700_000_000.0]
    log = QuestionLog(state, days=30, clock=lambda: now[0])
    try:
        log.write(make_answer("old one"), asker="p", language="en")
        now[0] += 20 * DAY
        log.write(make_answer("newer one"), asker="p", language="en")
        now[0] += 11 * DAY  # the first is 31 days old: the next write prunes it
        log.write(make_answer("newest"), asker="p", language="en")
        assert [q["question"] for q in state.questions()] == ["newer one", "newest"]
        now[0] += 40 * DAY
        assert log.prune() == 2 and state.questions() == []
        log.write(make_answer("kept"), asker="p", language="en")
        assert QuestionLog(state, days=0).prune() == 1  # the log turned off: what it held goes
    finally:
        state.close()


async def test_forget_me_deletes_questions_votes_and_conversations_of_that_user_only(engine, services):
    alice_reply = await ask(QUESTION, ALICE, engine, services)
    await ask(QUESTION, BOB, engine, services)
    await ask("Who wrote Hamlet?", ALICE, engine, services)
    key = alice_reply.buttons[0][0].data.removeprefix("more:")
    await replies.press_vote(key, False, ALICE, services)
    assert services.state.votes()[0].answer == "It has 5 million downloads."
    reply = await replies.forget_me(ALICE, services)
    assert reply.html == "Done: I deleted 2 questions and 1 vote kept about you, and forgot our conversation."
    assert [q["asker"] for q in services.state.questions()] == [services.pseudonym(BOB.user_id)]
    assert services.state.votes() == [] and services.conversations.history(ALICE.conversation) == ()
    assert services.conversations.history(BOB.conversation) == (QUESTION,)


async def test_help_says_what_is_kept_and_stats_is_for_admins(engine, services):
    assert "for 30 days" in replies.help_text("bot", ALICE, services).html
    assert "/stats" not in replies.help_text("bot", ALICE, services).html
    assert "/stats" in replies.help_text("bot", ADMIN, services).html
    assert (await replies.stats(ALICE, services)).html == texts.STATS_ADMINS_ONLY
    await ask(QUESTION, ALICE, engine, services)
    await ask("Who wrote Hamlet?", ALICE, engine, services)
    html = (await replies.stats(ADMIN, services)).html
    assert "Questions: 2" in html and "Answered: 1 (50%)" in html


def fill(state: StateDB, now: float) -> None:
    """Questions over three days, some unanswered (two of them rewordings), and votes."""
    log = QuestionLog(state, days=30, clock=lambda: now)
    rows = [
        (now - 2 * DAY, ANSWERED), (now - 2 * DAY, make_answer("Who wrote Hamlet?", answered=False)),
        (now - DAY, make_answer("who wrote hamlet", answered=False)),
        (now - DAY, make_answer("Who is the author of Hamlet?", answered=False)),
        (now, make_answer("What is the capital of France?", answered=False)),
        (now, make_answer("Is it free?", [make_hit(SHOWN)], answered=True)),
    ]
    for when, answer in rows:
        log._clock = lambda when=when: when
        log.write(answer, asker="pseudo", language="en")


def test_the_report_counts_groups_and_ranks(tmp_path):
    from bot.feedback import Vote

    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    now = 1_700_000_000.0
    fill(state, now)
    vote = Vote.on(QUESTION, SHOWN, helpful=False, voter="pseudo", answer="It has 5 million downloads.", answer_key="a")
    state.add_vote(vote)
    state.add_vote(Vote.on(QUESTION, SHOWN, helpful=True, voter="other", answer="It has 5 million downloads.",
                           answer_key="a"))  # fmt: skip
    state.comment_vote("a", "pseudo", "Not the number I asked for")
    try:
        # The hashing embedder: "author of Hamlet" shares too few words to join "who wrote hamlet".
        figures = report.build(state, 30, HashingEmbedder().embed, now=now + 60)
        data = figures.as_json()
    finally:
        state.close()
    assert (data["questions"], data["answered"], data["votes_up"], data["votes_down"]) == (6, 2, 1, 1)
    assert data["unanswered"][0] == {"question": "Who wrote Hamlet?", "count": 2, "wordings": 2}
    assert sum(g["count"] for g in data["unanswered"]) == 4
    assert [d["questions"] for d in data["per_day"]] == [2, 2, 2]
    assert data["most_downvoted"][0]["answer"] == "It has 5 million downloads." and data["most_downvoted"][0]["down"] == 1
    assert [q["question"] for q in data["lowest_confidence"]] == [QUESTION, "Is it free?"]
    [comment] = data["comments"]
    assert (comment["question"], comment["comment"]) == (QUESTION, "Not the number I asked for")
    assert comment["answer"] == "It has 5 million downloads."
    table = report.as_table(figures)
    assert "answered               2  (33%)" in table and "Who wrote Hamlet?" in table
    assert "Not the number I asked for" in table
    page = report_html.render_page(figures)
    assert "<svg" in page and "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "Who wrote Hamlet?" in page and "src=" not in page and "<link" not in page
    assert "Not the number I asked for" in page
    json.dumps(data)  # serialisable


def test_grouping_merges_near_duplicates_by_cosine():
    def embed(texts):  # two directions: questions about Hamlet, the others
        import numpy as np

        vectors = np.array([[1.0, 0.0] if "hamlet" in t.lower() else [0.0, 1.0] for t in texts])
        return vectors
    groups = report.group_by_meaning(["Who wrote Hamlet?", "Hamlet's author?", "Weather?", "who wrote hamlet"], embed)
    assert groups == [{"question": "Who wrote Hamlet?", "count": 3, "wordings": 3},
                      {"question": "Weather?", "count": 1, "wordings": 1}]  # fmt: skip
    assert [g["count"] for g in report.group_by_meaning(["a?", "A", "b"], None)] == [2, 1]


def test_export_eval_rows_and_index_eval_skips_rows_to_label(tmp_path):
    from bot.feedback import Vote

    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    try:
        fill(state, 1_700_000_000.0)
        state.add_vote(Vote.on(QUESTION, SHOWN, helpful=True, voter="p", answer="It has 5 million downloads.",
                               answer_key="a1"))  # fmt: skip
        state.add_vote(Vote.on("Is it free?", SHOWN, helpful=False, voter="p", answer="Mostly on iPhones.",
                               answer_key="a2"))  # fmt: skip
        state.comment_vote("a2", "p", "It is about phones")
        rows = report.eval_rows(state)
    finally:
        state.close()
    assert rows[0] == {"question": QUESTION, "answers": ["It has 5 million downloads."], "source": "vote:up"}
    assert rows[1]["needs_label"] is True and rows[1]["answers"] == [] and rows[1]["shown"] == "Mostly on iPhones."
    assert rows[1]["comment"] == "It is about phones"
    assert [r["question"] for r in rows[2:]] == ["Who wrote Hamlet?", "Who is the author of Hamlet?",
                                                 "What is the capital of France?"]  # fmt: skip
    path = tmp_path / "eval.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [q.question for q in load_questions(path)] == [QUESTION]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows[1:]), encoding="utf-8")
    with pytest.raises(EngineError, match="needs_label: true; label some first"):
        load_questions(path)


def test_the_report_opens_the_database_beside_a_running_bot(tmp_path):
    holder = StateDB(tmp_path / "bot.sqlite3")
    holder.open()  # holds the single-instance lock, as the bot does
    reader = StateDB(tmp_path / "bot.sqlite3")
    try:
        reader.open_for_reading()
        assert report.headline(reader, 30).questions == 0
    finally:
        reader.close()
        holder.close()
    from bot.state import StateError

    with pytest.raises(StateError, match="does not exist"):
        StateDB(tmp_path / "missing.sqlite3").open_for_reading()


def test_the_commands_read_the_database_without_the_model(tmp_path, monkeypatch, capsys):
    from bot.__main__ import main
    from bot.feedback import Vote

    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("STATE_DB", str(tmp_path / "bot.sqlite3"))
    assert main(["report"]) == 1 and "does not exist" in capsys.readouterr().err
    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()  # held, as by the running bot
    try:
        QuestionLog(state, days=30).write(ANSWERED, asker="pseudo", language="en")
        state.add_vote(Vote.on(QUESTION, SHOWN, helpful=True, voter="pseudo", answer="It has 5 million downloads.",
                               answer_key="a"))  # fmt: skip
        assert main(["report", "--json", "--days", "100000000", "--html", str(tmp_path / "r.html")]) == 0
        data = json.loads(capsys.readouterr().out)
        assert (data["questions"], data["answered"], data["votes_up"], data["unanswered"]) == (1, 1, 1, [])
        assert "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")
        assert main(["export-eval", str(tmp_path / "eval.jsonl")]) == 0 and "1 answerable" in capsys.readouterr().out
        assert [q.question for q in load_questions(tmp_path / "eval.jsonl")] == [QUESTION]
    finally:
        state.close()
