"""Fast tests of the bot's small parts: rate limit, access, addressing, feedback, pseudonyms,
the gist of an article."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from telegram import Chat, Message, User

from bot.access import AccessPolicy
from bot.gist import gists_of, lead
from bot.addressing import command_argument, question_for_bot
from bot.i18n import translator
from bot.replies import refusal_for
from bot.privacy import pseudonym
from bot.questions import AskedQuestion, QuestionStore
from bot.state import StateDB
from bot.ratelimit import SlidingWindowLimiter
from tests.fakes import make_manifest, make_passage

BOT = User(123, "Clubhouse QA", True, username="clubhouse_qa_bot")
ALICE = User(1001, "Alice", False)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_is_a_sliding_window_per_user():
    clock = Clock()
    limiter = SlidingWindowLimiter(2, window=60, clock=clock)
    assert limiter.acquire("a") == 0  # t=1000
    clock.now += 10
    assert limiter.acquire("a") == 0  # t=1010
    clock.now += 10
    assert limiter.acquire("a") == pytest.approx(40)  # until the t=1000 event leaves the window
    assert limiter.acquire("b") == 0  # another user is not affected
    clock.now += 40
    assert limiter.acquire("a") == 0  # t=1060: one slot free again
    assert limiter.acquire("a") == pytest.approx(10)  # the t=1010 event leaves at 1070


def test_refused_attempts_do_not_extend_the_wait():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, window=60, clock=clock)
    limiter.acquire("a")
    for _ in range(100):
        clock.now += 0.5
        limiter.acquire("a")
    assert limiter.acquire("a") == pytest.approx(10)


def test_access_policy():
    everyone = AccessPolicy.of([], [7])
    assert everyone.is_allowed(1) and everyone.is_admin(7) and not everyone.is_admin(1)
    listed = AccessPolicy.of([1], [7])
    assert listed.is_allowed(1) and listed.is_allowed(7) and not listed.is_allowed(2) and not listed.is_allowed(None)


def message(text: str, chat_type: str = "group", reply_to: Message | None = None) -> Message:
    chat = Chat(-5, chat_type) if chat_type != "private" else Chat(1001, "private")
    return Message(1, datetime.now(timezone.utc), chat, from_user=ALICE, text=text, reply_to_message=reply_to)


def test_group_messages_are_questions_only_when_addressed_to_the_bot():
    def question(text: str, **kwargs) -> str | None:
        return question_for_bot(message(text, **kwargs), BOT.username, BOT.id)

    assert question("what about Musk?") is None
    assert question("@other_bot hi") is None
    assert question("@Clubhouse_QA_bot, what did Musk tweet?") == "what did Musk tweet?"
    assert question("what did Musk tweet @clubhouse_qa_bot") == "what did Musk tweet"
    bot_message = Message(9, datetime.now(timezone.utc), Chat(-5, "group"), from_user=BOT, text="an answer")
    assert question("and the valuation?", reply_to=bot_message) == "and the valuation?"
    assert question("anything", chat_type="private") == "anything"


def test_command_argument_keeps_the_question():
    assert command_argument("/ask@clubhouse_qa_bot What did\nMusk tweet?") == "What did\nMusk tweet?"
    assert command_argument("/ask") == ""


def test_refusals():
    en = translator("en")
    assert refusal_for(en, "   ", 10) is not None
    assert "too long" in refusal_for(en, "x" * 11, 10) and "under 10 characters" in refusal_for(en, "x" * 11, 10)
    assert "1 character." in refusal_for(en, "xx", 1)
    assert refusal_for(en, "x" * 10, 10) is None
    assert "уложитесь в 10 символов" in refusal_for(translator("ru"), "x" * 11, 10)


def test_pseudonym_is_keyed_and_hides_the_id():
    first = pseudonym(1001, "salt-one")
    assert first == pseudonym(1001, "salt-one") and first != pseudonym(1001, "salt-two")
    assert "1001" not in first and len(first) == 16


def test_question_store_keeps_answers_in_the_database_for_its_days(tmp_path):
    state = StateDB(tmp_path / "bot.sqlite3")
    state.open()
    now = [1_700_000_000.0]
    store = QuestionStore(state, days=3, clock=lambda: now[0])
    try:
        asked = AskedQuestion("q0", make_passage(heading="A heading"), ("earlier?",), "Second sentence.")
        first = store.add(asked, asker="p", language="ru")
        assert store.get(first).asked == asked and not store.get(first).more_shown  # read back whole
        assert store.get(first).language == "ru"
        now[0] += 2 * 86_400
        second = store.add(AskedQuestion("q1", make_passage()), asker="p")
        now[0] += 86_400 + 1  # the first is past keeping: not served, then pruned by the next add
        assert store.get(first) is None and store.get(second).asked.question == "q1"
        store.add(AskedQuestion("q2", make_passage()), asker="p")
        assert state.answer(first) is None and state.answer(second) is not None
        assert all(len(f"vote:{k}:down".encode()) <= 64 for k in (first, second))
    finally:
        state.close()


def test_a_lead_is_the_first_sentences_that_fit_and_always_the_first():
    assert lead(("One two.", "Three four.", "Five six."), limit=20) == "One two. Three four."
    assert lead(("A first sentence longer than the limit.", "Short."), limit=10) == "A first sentence longer than the limit."
    assert lead(()) == ""


def test_each_article_s_gist_comes_from_its_first_passage_in_the_manifest_s_order():
    passages = [make_passage(("B later.",), article_id="a1", position=2), make_passage(("B first.",), article_id="a1", position=1),
                make_passage(("A only.",), article_id="a0", position=3)]  # fmt: skip
    gists = gists_of(make_manifest("Article A", "Article B", "Article C"), passages)
    assert [(g.title, g.lead) for g in gists] == [("Article A", "A only."), ("Article B", "B first.")]  # C has no passage
