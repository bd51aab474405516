"""The reply layer (bot.replies) with a fake engine: what the bot says to a question, a
button, an inline query or a command, the same for Telegram and the terminal chat. No
model, no network; the end-to-end tests check the same over HTTP with the real engine."""

from __future__ import annotations


import pytest

from bot import replies, texts
from bot.examples import EXAMPLE_QUESTIONS
from bot.reply import LOCAL_USER, ChatContext
from bot.services import BotServices
from tests.fake_telegram.text_format import format_message_text
from tests.fakes import FakeEngine, make_answer, make_hit, make_passage, open_services

ALICE, BOB, ADMIN = ChatContext(1001, "en"), ChatContext(1002, "ru"), ChatContext(7)
QUESTION = "How many downloads does Clubhouse have?"
SHOWN = make_passage(("Clubhouse launched in 2020.", "It has 5 million downloads.", "Mostly on iPhones."))
OTHER = make_passage(("Musk joined in February.",), position=3)
ANSWERED = make_answer(QUESTION, [make_hit(SHOWN, answer_sentence=1), make_hit(OTHER, answer_sentence=0)])


@pytest.fixture
def services(tmp_path) -> BotServices:
    with open_services(tmp_path, max_question_chars=50, rate_limit_per_minute=2, admin_user_ids=[ADMIN.user_id]) as services:
        yield services


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine({QUESTION: ANSWERED, EXAMPLE_QUESTIONS[0]: make_answer(EXAMPLE_QUESTIONS[0], [make_hit()])})


def shown(html: str) -> str:
    """What Telegram shows; raises like the Bot API on malformed HTML."""
    return format_message_text(html, "HTML")[0]


def data_of(reply) -> list[str]:
    return [button.data for row in reply.buttons for button in row]


async def test_an_answer_quotes_the_passage_with_vote_and_more_buttons(engine, services):
    reply = await replies.answer_question(f"  {QUESTION}\x00 ", ALICE, engine, services)
    assert "<b>It has 5 million downloads.</b>" in reply.html and "paragraph 2 of 6" in reply.html
    assert "❓" not in reply.html  # a typed question is not echoed
    [more, up, down] = data_of(reply)
    key = more.removeprefix("more:")
    assert (up, down) == (f"vote:{key}:up", f"vote:{key}:down")
    assert [[b.label for b in row] for row in reply.buttons] == [["More passages"], ["👍", "👎"]]
    assert reply.remember == services.questions.get(key) and reply.remember.shown == SHOWN
    assert engine.asked == [(QUESTION, None)]  # cleaned and stripped


async def test_a_question_the_article_does_not_answer_offers_the_examples(engine, services):
    reply = await replies.answer_question("Who wrote Hamlet?", ALICE, engine, services)
    text = shown(reply.html)
    assert "couldn't find the answer" in text and "Why Is Everyone Talking About Clubhouse?" in text
    assert "<blockquote>" not in reply.html and EXAMPLE_QUESTIONS[0] in text
    assert data_of(reply) == [f"ex:{i}" for i in range(len(EXAMPLE_QUESTIONS))] and reply.remember is None


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "\x00\x01"])
async def test_nothing_visible_gets_a_hint_without_asking_the_engine(engine, services, question):
    reply = await replies.answer_question(question, ALICE, engine, services)
    assert reply.html == texts.ASK_HINT and reply.buttons == () and engine.asked == []


async def test_a_long_question_is_refused_without_asking_the_engine(engine, services):
    reply = await replies.answer_question("Why " * 20, ALICE, engine, services)
    assert "too long" in reply.html and "under 50 characters" in reply.html and engine.asked == []


async def test_a_flooding_user_is_told_once_then_ignored_while_others_are_answered(engine, services):
    searching = []

    async def typing() -> None:
        searching.append(1)

    for _ in range(2):
        assert "<blockquote>" in (await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing)).html
    told = await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing)
    assert told.html.startswith("Too many questions — try again in") and told.buttons == ()
    assert await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing) is None
    assert "<blockquote>" in (await replies.answer_question(QUESTION, BOB, engine, services)).html
    assert len(searching) == 2  # "typing…" only for the questions searched


async def test_the_terminal_user_has_no_quota(engine, services):
    for _ in range(5):
        assert "<blockquote>" in (await replies.answer_question(QUESTION, LOCAL_USER, engine, services)).html


async def test_an_example_button_asks_its_question_and_echoes_it(engine, services):
    pressed = replies.press_example(0, ALICE, engine, services)
    assert pressed.notice is None
    reply = await pressed.follow_up()
    assert reply.html.startswith(f"❓ <i>{EXAMPLE_QUESTIONS[0]}</i>") and "<blockquote>" in reply.html
    out_of_range = replies.press_example(len(EXAMPLE_QUESTIONS), ALICE, engine, services)
    assert out_of_range.notice is None and out_of_range.follow_up is None


async def test_more_passages_shows_the_others_and_not_the_one_quoted(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    pressed = replies.press_more(key, ALICE, engine, services)
    assert pressed.notice is None
    more = (await pressed.follow_up()).html
    assert "Musk joined in February." in more and "5 million" not in more and more.startswith("❓")
    assert engine.asked[-1] == (QUESTION, replies.MORE_PASSAGES + 1)
    assert replies.press_more("0123456789", ALICE, engine, services).notice == texts.EXPIRED
    limited = replies.press_more(key, ALICE, engine, services)  # Alice's third question this minute
    assert limited.notice.startswith("Too many questions") and limited.follow_up is None


async def test_when_no_other_passage_matches_it_says_so(services):
    engine = FakeEngine({QUESTION: make_answer(QUESTION, [make_hit(SHOWN)])})
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    pressed = replies.press_more(data_of(answer)[0].removeprefix("more:"), ALICE, engine, services)
    assert "No other passage matches" in (await pressed.follow_up()).html


async def test_a_vote_is_on_disk_under_a_pseudonym_before_the_thanks(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    assert (await replies.press_vote(key, False, ALICE, services)).notice == texts.THANKS_FOR_FEEDBACK
    [vote] = services.state.votes()
    assert vote.vote == "down" and vote.question == QUESTION and "5 million" in vote.passage
    assert vote.voter == services.pseudonym(ALICE.user_id) and "1001" not in repr(vote)
    assert (await replies.press_vote("ffff", True, ALICE, services)).notice == texts.EXPIRED


async def test_inline_mode_offers_each_passage_with_its_place(engine, services):
    answer = await replies.inline_answer(QUESTION, ALICE, engine, services)
    # Cached for this user only: the results are in the user's language.
    assert answer.cache_seconds == replies.INLINE_CACHE_SECONDS and answer.personal and answer.hint is None
    first, second = answer.results
    assert first.title == "Paragraph 2 of 6 · An article" and first.description == "It has 5 million downloads."
    assert shown(first.html).startswith(f"❓ {QUESTION}") and "<b>It has 5 million downloads.</b>" in first.html
    assert "Musk joined" in second.html


async def test_inline_mode_says_not_in_the_article_and_hints_on_empty_queries(engine, services):
    [result] = (await replies.inline_answer("Who wrote Hamlet?", ALICE, engine, services)).results
    assert result.title == "Not in the article" and "couldn't find" in result.html
    empty = await replies.inline_answer("  \x00 ", ALICE, engine, services)
    assert empty.results == () and empty.hint == texts.INLINE_HINT and empty.cache_seconds == 30
    refused = await replies.inline_answer("Why " * 20, ALICE, engine, services)
    assert refused.results == () and refused.personal and refused.cache_seconds == 0


async def test_inline_queries_have_their_own_larger_budget(engine, services):
    budget = 2 * 3  # two questions a minute, three inline queries per question
    answers = [await replies.inline_answer(QUESTION, ALICE, engine, services) for _ in range(budget + 1)]
    assert all(a.results for a in answers[:budget]) and answers[-1].results == () and answers[-1].personal
    assert "<blockquote>" in (await replies.answer_question(QUESTION, ALICE, engine, services)).html


def test_start_help_and_about(engine, services):
    start = replies.start(ALICE, engine, services)
    assert "Why Is Everyone Talking About Clubhouse?" in shown(start.html) and "Try one of these:" in start.html
    assert data_of(start) == [f"ex:{i}" for i in range(len(EXAMPLE_QUESTIONS))]
    assert "/reindex" in replies.help_text("qa_bot", ADMIN, services).html
    user_help = replies.help_text("qa_bot", ALICE, services).html
    assert "/reindex" not in user_help and "@qa_bot your question" in user_help
    about = shown(replies.about(ALICE, engine, services).html)
    assert "Articles indexed: 1" in about and "Passages: 6" in about and "test/model" in about


def test_only_admins_may_reindex_and_only_one_rebuild_at_a_time(services):
    assert replies.reindex_refusal(ALICE, services).html == texts.REINDEX_ADMINS_ONLY
    assert replies.reindex_refusal(ADMIN, services) is None and services.reindexer.running
    assert replies.reindex_refusal(ADMIN, services).html == texts.REINDEX_ALREADY_RUNNING


@pytest.mark.parametrize("chat", [ALICE, BOB])
def test_every_fixed_reply_is_html_telegram_accepts(services, chat):
    for make in (replies.not_allowed, replies.non_text, replies.empty_ask, replies.unknown_command,
                 replies.something_went_wrong):  # fmt: skip
        assert shown(make(chat, services).html)
    hint = shown(replies.empty_ask(chat, services).html)
    assert hint.endswith("/ask What did Musk tweet to Putin?")  # an example the bot answers, in any language
