"""The reply layer (bot.replies) with a fake engine: what the bot says to a question, a
button, an inline query or a command, the same for Telegram and the terminal chat. No
model, no network; the end-to-end tests check the same over HTTP with the real engine."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot import replies, texts
from bot.i18n import translator
from bot.reply import LOCAL_USER, ChatContext, Reaction
from bot.services import BotServices
from tests.fake_telegram.text_format import format_message_text
from tests.fakes import (
    ANSWERED, EXAMPLES, QUESTION, SHOWN, FakeEngine, answering_engine, make_answer, make_hit, make_manifest, make_passage,
    open_services,
)

ALICE, BOB, ADMIN = ChatContext(1001, "en"), ChatContext(1002, "ru"), ChatContext(7)
EN = translator("en")
IN_GROUP = ChatContext(1003, "en", chat_id=-100, in_group=True)


@pytest.fixture
def services(tmp_path) -> BotServices:
    with open_services(tmp_path, max_question_chars=50, rate_limit_per_minute=2, admin_user_ids=[ADMIN.user_id]) as services:
        yield services


@pytest.fixture
def engine() -> FakeEngine:
    return answering_engine()


def shown(html: str) -> str:
    """What Telegram shows; raises like the Bot API on malformed HTML."""
    return format_message_text(html, "HTML")[0]


def data_of(reply) -> list[str]:
    return [button.data for row in reply.buttons for button in row]


def labels_of(reply) -> list[str]:
    return [button.label for row in reply.buttons for button in row]


def is_answer(reply) -> bool:
    """An answer quotes a passage and remembers it for its buttons."""
    return reply is not None and reply.remember is not None and "<b>" in reply.html


async def test_an_answer_quotes_the_passage_with_vote_and_more_buttons(engine, services):
    reply = await replies.answer_question(f"  {QUESTION}\x00 ", ALICE, engine, services)
    assert reply.html == (
        "<b>It has 5 million downloads.</b>\n"
        "<blockquote expandable>Clubhouse launched in 2020. … Mostly on iPhones.</blockquote>\n"
        "📰 <i>An article</i>"
    )
    assert "❓" not in reply.html  # a typed question is not echoed
    [more, up, down] = data_of(reply)
    key = more.removeprefix("more:")
    assert (up, down) == (f"vote:{key}:up", f"vote:{key}:down")
    assert [[b.label for b in row] for row in reply.buttons] == [["More passages"], ["👍", "👎"]]
    assert reply.remember == services.questions.get(key).asked and reply.remember.shown == SHOWN
    assert engine.asked == [(QUESTION, None)]  # cleaned and stripped


async def test_a_question_the_article_does_not_answer_offers_the_examples(engine, services):
    reply = await replies.answer_question("Who wrote Hamlet?", ALICE, engine, services)
    text = shown(reply.html)
    assert "couldn't find the answer" in text and "Why Is Everyone Talking About Clubhouse?" in text
    assert "<blockquote" not in reply.html and "You could ask" in text and EXAMPLES[0] not in text  # buttons, not a list
    [*examples, closest] = data_of(reply)
    assert closest.startswith("near:") and reply.remember is None
    assert examples == [f"ex:en:{i}" for i in range(len(EXAMPLES))]
    assert labels_of(reply) == [*EXAMPLES, "🔎 The closest passage"]


async def test_the_closest_passage_to_a_refused_question_is_shown_once_under_a_caveat(engine, services):
    refusal = await replies.answer_question("Who wrote Hamlet?", ALICE, engine, services)
    key = data_of(refusal)[-1].removeprefix("near:")
    pressed = await replies.press_closest(key, ALICE, engine, services)
    assert pressed.notice is None
    html = (await pressed.follow_up()).html
    text = shown(html)
    assert text.startswith("❓ Who wrote Hamlet?\nIt may not answer your question, but this is the closest")
    assert "<b>Second sentence.</b>" in html and "couldn't find" not in text  # the refused question's best passage
    assert engine.asked[-1] == ("Who wrote Hamlet?", 1)
    # The button goes; the example questions stay.
    assert [[b.data for b in row] for row in pressed.keyboard] == [[f"ex:en:{i}"] for i in range(len(EXAMPLES))]
    again = await replies.press_closest(key, ALICE, engine, services)  # pressed before the button went
    assert again.notice == texts.CLOSEST_ALREADY_SHOWN and again.follow_up is None and again.keyboard == pressed.keyboard
    assert (await replies.press_closest("0123456789", ALICE, engine, services)).notice == EN.plural(texts.EXPIRED, 7, days=7)


async def test_the_closest_passage_is_offered_only_where_there_is_one_and_a_button_can_be_pressed(services):
    nothing = FakeEngine({"Who wrote Hamlet?": make_answer("Who wrote Hamlet?", [], answered=False)})
    assert data_of(await replies.answer_question("Who wrote Hamlet?", ALICE, nothing, services)) == ["ex:en:0", "ex:en:1"]
    terminal = await replies.answer_question("Who wrote Hamlet?", LOCAL_USER, answering_engine(), services)
    assert not [d for d in data_of(terminal) if d.startswith("near:")]
    russian = await replies.answer_question("Кто написал Гамлета?", BOB, answering_engine(), services)
    assert labels_of(russian)[-1] == "🔎 Ближайший фрагмент"
    pressed = await replies.press_closest(data_of(russian)[-1].removeprefix("near:"), BOB, answering_engine(), services)
    assert "Возможно, это не ответ на ваш вопрос" in (await pressed.follow_up()).html
    assert [[b.data for b in row] for row in pressed.keyboard][0] == ["ex:ru:0"]


@pytest.mark.parametrize("said", ["hi", "thanks!", "who are you?", "who r u", "🤔", "lol", "a"])
async def test_small_talk_gets_what_the_bot_is_and_one_example_and_is_no_question(engine, services, said):
    for _ in range(3):  # more than the two questions a minute these settings allow
        reply = await replies.answer_question(said, ALICE, engine, services)
    assert "I answer questions about the article" in reply.html and "couldn't find" not in reply.html
    assert f"<i>{EXAMPLES[0]}</i>" in reply.html and data_of(reply) == ["ex:en:0"] and reply.remember is None
    assert engine.asked == [] and services.conversations.history(ALICE.conversation) == ()
    assert is_answer(await replies.answer_question(QUESTION, ALICE, engine, services))  # the quota is untouched
    await services.question_log.flush()
    assert [row["question"] for row in services.state.questions()] == [QUESTION]


@pytest.mark.parametrize(("said", "chat"), [("What is the article about?", ALICE), ("tl;dr", IN_GROUP), ("о чём статья?", BOB)])
async def test_asked_what_the_article_is_about_the_bot_gives_its_title_and_lead(services, said, chat):
    lead = make_passage(("Musk invited Putin to Clubhouse.", "Twitter was abuzz.", "A third sentence."), position=1,
                        article_id="a0", title="Why Is Everyone Talking About Clubhouse?")
    later = make_passage(("It has 5 million downloads.",), position=2, article_id="a0")
    engine = FakeEngine(manifest=make_manifest(), passages=[later, lead])
    for _ in range(3):  # more than the two questions a minute these settings allow
        reply = await replies.answer_question(said, chat, engine, services)
    text = shown(reply.html)
    assert text.startswith("📰 Why Is Everyone Talking About Clubhouse?\nMusk invited Putin to Clubhouse. Twitter was abuzz.")
    assert "5 million" not in text and "couldn't find" not in text and "не нашёл" not in text
    assert (texts.GIST_ASK.singular if chat is not BOB else "Спросите меня") in text
    assert data_of(reply) == ["ex:en:0" if chat is not BOB else "ex:ru:0"]
    assert engine.asked == [] and reply.remember is None  # no question: nothing searched, no quota spent
    assert is_answer(await replies.answer_question(QUESTION, ALICE, answering_engine(), services))


async def test_the_gist_of_several_articles_names_each_within_a_phone_screen(services):
    titles = [f"Article number {n}" for n in range(5)]
    passages = [make_passage(("A long opening sentence of the article, " * 8,), position=1, article_id=f"a{n}")
                for n in range(5)]  # fmt: skip
    reply = await replies.answer_question("summary please", ALICE, FakeEngine(manifest=make_manifest(*titles), passages=passages),
                                          services)  # fmt: skip
    text = shown(reply.html)
    assert [t for t in titles if t in text] == titles[:3] and "and 2 more" in text
    assert "Ask me anything the articles say." in text and len(text) < 900


async def test_small_talk_opens_with_a_word_that_fits(engine, services):
    assert (await replies.answer_question("Hello!", ALICE, engine, services)).html.startswith("Hi! I answer")
    assert (await replies.answer_question("thank you", ALICE, engine, services)).html.startswith("You're welcome! I")
    assert (await replies.answer_question("what can you do?", ALICE, engine, services)).html.startswith("I answer")


@pytest.fixture
def typing_at_once(services):
    """"typing…" for every question searched, however quick the engine."""
    services.settings = services.settings.model_copy(update={"typing_after_seconds": 0})


async def test_typing_is_shown_only_while_a_search_takes_long_enough_to_notice(services):
    quick = FakeEngine({QUESTION: ANSWERED})
    slow = FakeEngine({QUESTION: ANSWERED}, seconds=services.settings.typing_after_seconds + 0.2)
    events = []

    async def typing() -> None:
        events.append(("typing", len(slow.asked)))

    assert is_answer(await replies.answer_question(QUESTION, ALICE, quick, services, while_searching=typing))
    assert events == []  # answered before anyone would notice the wait: no Bot API call for it
    assert is_answer(await replies.answer_question(QUESTION, BOB, slow, services, while_searching=typing))
    assert events == [("typing", 1)]  # while the slow search was under way


async def test_in_a_group_chatter_gets_a_reaction_or_nothing_and_questions_a_refusal(engine, tmp_path):
    # "typing…" at once, so that one sent for what may end in silence would be seen.
    with open_services(tmp_path, rate_limit_per_minute=100, typing_after_seconds=0) as services:
        await _in_a_group(engine, services)


async def _in_a_group(engine, services):
    for chatter in ("thanks bot!", "lol", "👍"):
        assert await replies.answer_question(chatter, IN_GROUP, engine, services) == Reaction(replies.CHATTER_REACTION)
    assert (await replies.answer_question("hi", IN_GROUP, engine, services)).html.startswith("Hi! I answer")
    assert "I answer" in (await replies.answer_question("who are you?", IN_GROUP, engine, services)).html
    typing = []

    async def typed() -> None:
        typing.append(1)

    assert await replies.answer_question("that is good to know", IN_GROUP, engine, services, while_searching=typed) is None
    assert typing == []  # no "typing…" for what may end in silence
    assert "couldn't find" in (await replies.answer_question("and who wrote Hamlet?", IN_GROUP, engine, services)).html
    asked = await replies.answer_question("that is good to know", IN_GROUP, engine, services, explicit=True)  # /ask
    assert "couldn't find" in asked.html
    keywords = FakeEngine({"downloads": make_answer("downloads", [make_hit(SHOWN)])})
    assert is_answer(await replies.answer_question("downloads", IN_GROUP, keywords, services))  # answered: a question
    await services.question_log.flush()
    logged = [row["question"] for row in services.state.questions()]
    assert "that is good to know" in logged and logged.count("that is good to know") == 1  # chatter is not logged


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "\x00\x01"])
async def test_nothing_visible_gets_a_hint_without_asking_the_engine(engine, services, question):
    reply = await replies.answer_question(question, ALICE, engine, services)
    assert reply.html == texts.ASK_HINT and reply.buttons == () and engine.asked == []


async def test_a_long_question_is_refused_without_asking_the_engine(engine, services):
    reply = await replies.answer_question("Why " * 20, ALICE, engine, services)
    assert "too long" in reply.html and "under 50 characters" in reply.html and engine.asked == []


async def test_a_flooding_user_is_told_once_then_ignored_while_others_are_answered(engine, services, typing_at_once):
    searching = []

    async def typing() -> None:
        searching.append(1)

    for _ in range(2):
        assert is_answer(await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing))
    told = await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing)
    assert told.html.startswith("Too many questions — try again in") and told.buttons == ()
    assert await replies.answer_question(QUESTION, ALICE, engine, services, while_searching=typing) is None
    assert is_answer(await replies.answer_question(QUESTION, BOB, engine, services))
    assert len(searching) == 2  # "typing…" only for the questions searched


async def test_the_terminal_user_has_no_quota(engine, services):
    for _ in range(5):
        assert is_answer(await replies.answer_question(QUESTION, LOCAL_USER, engine, services))


async def test_an_example_button_asks_its_question_and_echoes_it(engine, services):
    pressed = replies.press_example(0, "en", ALICE, engine, services)
    assert pressed.notice is None
    reply = await pressed.follow_up()
    assert reply.html.startswith(f"❓ <i>{EXAMPLES[0]}</i>") and is_answer(reply)
    out_of_range = replies.press_example(len(EXAMPLES), "en", ALICE, engine, services)
    assert out_of_range.notice is None and out_of_range.follow_up is None


async def test_more_passages_shows_the_others_once_and_then_its_button_goes(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    pressed = await replies.press_more(key, ALICE, engine, services)
    assert pressed.notice is None
    more = (await pressed.follow_up()).html
    assert "Musk joined in February." in more and "5 million" not in more and more.startswith("❓")
    assert engine.asked[-1] == (QUESTION, replies.MORE_PASSAGES + 1)
    assert [[b.data for b in row] for row in pressed.keyboard] == [[f"vote:{key}:up", f"vote:{key}:down"]]
    again = await replies.press_more(key, ALICE, engine, services)  # pressed before the button went
    assert again.notice == texts.MORE_ALREADY_SHOWN and again.follow_up is None and again.keyboard == pressed.keyboard
    assert len(engine.asked) == 2
    assert (await replies.press_more("0123456789", ALICE, engine, services)).notice == EN.plural(texts.EXPIRED, 7, days=7)


async def test_more_passages_that_failed_may_be_pressed_again(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    broken = FakeEngine()
    broken.ask = lambda *args: 1 / 0
    with pytest.raises(ZeroDivisionError):
        await (await replies.press_more(key, ALICE, broken, services)).follow_up()
    assert "Musk joined" in (await (await replies.press_more(key, ALICE, engine, services)).follow_up()).html


async def test_when_no_other_passage_matches_it_says_so(services):
    engine = FakeEngine({QUESTION: make_answer(QUESTION, [make_hit(SHOWN)])})
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    pressed = await replies.press_more(data_of(answer)[0].removeprefix("more:"), ALICE, engine, services)
    assert "No other passage matches" in (await pressed.follow_up()).html


def labels(answer) -> list[str]:
    return [button.label for row in answer.keyboard for button in row]


async def test_one_vote_per_user_and_answer_changed_and_taken_back_with_the_counts_shown(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    up = await replies.press_vote(key, True, ALICE, services)
    assert up.notice == texts.VOTE_COUNTED_UP and labels(up) == ["More passages", "👍 1", "👎"]
    [vote] = services.state.votes()
    assert vote.vote == "up" and vote.question == QUESTION and "5 million" in vote.passage and vote.answer_key == key
    assert vote.voter == services.pseudonym(ALICE.user_id) and "1001" not in repr(vote)
    again = await replies.press_vote(key, True, ALICE, services)  # the same button: taken back
    assert again.notice == texts.VOTE_WITHDRAWN and labels(again) == ["More passages", "👍", "👎"]
    assert services.state.votes() == []
    await replies.press_vote(key, True, ALICE, services)
    changed = await replies.press_vote(key, False, ALICE, services)  # the other one: changed
    assert changed.notice == texts.VOTE_COUNTED_DOWN and labels(changed) == ["More passages", "👍", "👎 1"]
    assert [v.vote for v in services.state.votes()] == ["down"]
    # Another reader's vote on the same answer counts too (in a group, everyone sees the counts);
    # told in their language, the keyboard stays in the answer's.
    bob = await replies.press_vote(key, False, ChatContext(1002, "ru", -5, in_group=True), services)
    assert labels(bob) == ["More passages", "👍", "👎 2"] and bob.follow_up is None  # no prompt in a group
    assert bob.notice == translator("ru")(texts.VOTE_COUNTED_DOWN) != texts.VOTE_COUNTED_DOWN
    assert "👍 0 · 👎 2" in (await replies.stats(ADMIN, services)).html  # /stats: votes, not presses
    assert (await replies.press_vote("ffff", True, ALICE, services)).notice == EN.plural(texts.EXPIRED, 7, days=7)


async def test_after_a_thumbs_down_the_reply_to_what_was_wrong_is_kept_and_not_answered(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    down = await replies.press_vote(key, False, ALICE, services)
    prompt = await down.follow_up()
    assert prompt.html == texts.WHAT_WAS_WRONG and prompt.reply_placeholder == texts.WHAT_WAS_WRONG_PLACEHOLDER
    assert shown(prompt.html) and len(prompt.reply_placeholder) <= 64 and prompt.buttons == ()
    await down.sent(77)  # the prompt's message id
    asked = len(engine.asked)
    assert await replies.note_comment("It quoted the wrong year", ALICE, 76, services) is None  # not the prompt
    assert await replies.note_comment("It quoted the wrong year", BOB, 77, services) is None  # not Bob's prompt
    noted = await replies.note_comment(" It quoted the wrong year\x00", ALICE, 77, services)
    assert noted.html == texts.COMMENT_KEPT and len(engine.asked) == asked  # the engine was not asked
    [vote] = services.state.votes()
    assert (vote.vote, vote.comment) == ("down", "It quoted the wrong year")
    await replies.press_vote(key, False, ALICE, services)  # taken back, comment and all
    assert services.state.votes() == []
    assert (await replies.note_comment("never mind", ALICE, 77, services)).html == texts.COMMENT_WITHOUT_VOTE
    again = await replies.press_vote(key, False, ALICE, services)
    assert again.notice == texts.VOTE_COUNTED_DOWN and again.follow_up is None  # asked once per answer


async def test_a_press_handled_again_after_a_restart_neither_undoes_nor_loses_what_it_did(engine, services):
    answer = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(answer)[0].removeprefix("more:")
    await replies.press_vote(key, True, ALICE, services, "query-1")
    replayed = await replies.press_vote(key, True, ALICE, services, "query-1")  # the journal replays it
    assert replayed.notice == texts.VOTE_COUNTED_UP and labels(replayed) == ["More passages", "👍 1", "👎"]
    claimed = await replies.press_more(key, ALICE, engine, services, "query-2")  # killed before it posted
    again = await replies.press_more(key, ALICE, engine, services, "query-2")
    assert claimed.follow_up is not None and again.follow_up is not None  # the replay serves it
    other = await replies.press_more(key, ALICE, engine, services, "query-3")
    assert other.notice == texts.MORE_ALREADY_SHOWN and other.follow_up is None


async def test_the_buttons_work_on_services_started_again_on_the_same_database(engine, tmp_path):
    with open_services(tmp_path) as services:
        answer = await replies.answer_question(QUESTION, ALICE, engine, services)
        key = data_of(answer)[0].removeprefix("more:")
        await replies.press_vote(key, True, ALICE, services)
    with open_services(tmp_path) as restarted:  # a new process: nothing of the first in memory
        down = await replies.press_vote(key, False, ALICE, restarted)
        assert down.notice == texts.VOTE_COUNTED_DOWN and labels(down) == ["More passages", "👍", "👎 1"]
        more = await replies.press_more(key, ALICE, engine, restarted)
        assert "Musk joined" in (await more.follow_up()).html


async def test_an_answer_past_keeping_says_why_its_buttons_no_longer_work(engine, tmp_path):
    with open_services(tmp_path, answer_buttons_days=2) as services:
        now = [1_700_000_000.0]
        services.questions._clock = lambda: now[0]
        answer = await replies.answer_question(QUESTION, ALICE, engine, services)
        key = data_of(answer)[0].removeprefix("more:")
        now[0] += 2 * 86_400 + 1
        expired = await replies.press_vote(key, True, ALICE, services)
        assert expired.notice == EN.plural(texts.EXPIRED, 2, days=2) and "kept 2 days" in expired.notice
        assert expired.keyboard is None and services.state.votes() == []
        await replies.answer_question(QUESTION, BOB, engine, services)  # keeping one prunes the old
        assert services.state.answer(key) is None


async def test_only_questions_count_toward_the_rate_limit_and_each_held_back_one_is_logged(engine, services, caplog):
    caplog.set_level(logging.INFO, logger="bot.replies")
    first = await replies.answer_question(QUESTION, ALICE, engine, services)
    key = data_of(first)[0].removeprefix("more:")
    for _ in range(3):  # example buttons, "More passages" and votes are presses, not questions
        assert "<b>" in (await replies.press_example(0, "en", ALICE, engine, services).follow_up()).html
    await (await replies.press_more(key, ALICE, engine, services)).follow_up()
    await replies.press_vote(key, True, ALICE, services)
    assert "<b>" in (await replies.answer_question(QUESTION, ALICE, engine, services)).html  # the 2nd
    caplog.clear()
    told = await replies.answer_question(QUESTION, ALICE, engine, services)
    assert told.html.startswith("Too many questions — try again in")
    assert await replies.answer_question(QUESTION, ALICE, engine, services) is None
    assert await replies.answer_question(QUESTION, ALICE, engine, services) is None
    held = [r.getMessage() for r in caplog.records if "held back" in r.getMessage()]
    assert len(held) == 3 and all(services.pseudonym(ALICE.user_id) in line for line in held)
    assert "told so" in held[0] and all("already told" in line for line in held[1:])
    assert "1001" not in caplog.text


async def test_inline_mode_offers_each_passage_with_its_place(engine, services):
    answer = await replies.inline_answer(QUESTION, ALICE, engine, services)
    # Cached for this user only: the results are in the user's language.
    assert answer.cache_seconds == replies.INLINE_CACHE_SECONDS and answer.personal and answer.hint is None
    first, second = answer.results
    assert first.title == "It has 5 million downloads." and first.description == "An article"
    assert shown(first.html).startswith(f"❓ {QUESTION}") and "<b>It has 5 million downloads.</b>" in first.html
    assert "<blockquote expandable>Clubhouse launched in 2020." in first.html and "paragraph" not in first.html
    assert "Musk joined" in second.html


async def test_inline_mode_says_not_in_the_article_and_hints_on_empty_queries(engine, services):
    [result] = (await replies.inline_answer("Who wrote Hamlet?", ALICE, engine, services)).results
    assert result.title == "Not in the article" and "couldn't find" in result.html
    engine.answers["who is he?"] = replace(make_answer("who is he?", answered=False), refers_back=True)
    [result] = (await replies.inline_answer("who is he?", ALICE, engine, services)).results
    assert "couldn't find" in result.html and "earlier question" not in result.html  # no conversation to point to
    empty = await replies.inline_answer("  \x00 ", ALICE, engine, services)
    assert empty.results == () and empty.hint == texts.INLINE_HINT and empty.cache_seconds == 30
    refused = await replies.inline_answer("Why " * 20, ALICE, engine, services)
    assert refused.results == () and refused.personal and refused.cache_seconds == 0


async def test_inline_mode_answers_each_question_of_a_query_under_its_own(tmp_path):
    engine = answering_engine()
    with open_services(tmp_path, max_question_chars=200) as services:
        first, second = (await replies.inline_answer(f"{QUESTION} Who wrote it?", ALICE, engine, services)).results
        (alone, *_) = (await replies.inline_answer(QUESTION, ALICE, engine, services)).results
    # Each result says which question it answers, and sends that question with its answer.
    assert first.description == QUESTION and shown(first.html).startswith(f"❓ {QUESTION}")
    assert "<b>It has 5 million downloads.</b>" in first.html
    assert second.title == "Not in the article" and second.description == "Who wrote it?"
    assert shown(second.html).startswith("❓ Who wrote it?") and "couldn't find" in second.html
    assert engine.histories[:2] == [(), (QUESTION,)]  # the later read after the earlier, as in a chat
    assert alone.description == "An article"  # one question: its passages under the article's title


async def test_inline_queries_have_their_own_larger_budget(engine, services):
    budget = 2 * 3  # two questions a minute, three inline queries per question
    answers = [await replies.inline_answer(QUESTION, ALICE, engine, services) for _ in range(budget + 1)]
    assert all(a.results for a in answers[:budget]) and answers[-1].results == () and answers[-1].personal
    assert is_answer(await replies.answer_question(QUESTION, ALICE, engine, services))


def test_start_help_and_about(engine, services):
    start = replies.start(ALICE, engine, services)
    assert "Why Is Everyone Talking About Clubhouse?" in shown(start.html) and "Try one of these:" in start.html
    assert data_of(start) == [f"ex:en:{i}" for i in range(len(EXAMPLES))]
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
def test_every_fixed_reply_is_html_telegram_accepts(engine, services, chat):
    for make in (replies.not_allowed, replies.non_text, replies.unknown_command, replies.something_went_wrong):
        assert shown(make(chat, services).html)
    # /ask alone: its example is the articles' own, as the article has it, in any language
    assert shown(replies.empty_ask(chat, engine, services).html).endswith(f"/ask {EXAMPLES[0]}")


def test_ask_alone_shows_how_with_an_example_of_the_articles(engine, services):
    hint = shown(replies.empty_ask(ALICE, engine, services).html)
    assert hint == f"Write the question after the command, e.g. /ask {EXAMPLES[0]}"
    odd = FakeEngine(manifest=make_manifest(examples=("Is <b> & co a tag?",)))
    assert shown(replies.empty_ask(ALICE, odd, services).html).endswith("/ask Is <b> & co a tag?")
