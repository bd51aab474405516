"""Several questions in one message (bot.several_questions): where a message is split, and
what the reply layer says to it (bot.replies.answer_each) with a fake engine. The end-to-end
test over the local Bot API server is in tests/test_reply_e2e.py."""

from __future__ import annotations

import pytest

from bot import replies
from bot.reply import ChatContext
from bot.several_questions import MAX_QUESTIONS, questions_in
from tests.fakes import EXAMPLES, QUESTION, answering_engine, open_services

ALICE = ChatContext(1001, "en")


@pytest.mark.parametrize("message, questions", [
    ("Who is Vlad Tenev? And what did Musk tweet to Putin?", ("Who is Vlad Tenev?", "And what did Musk tweet to Putin?")),
    ("How many downloads?\nWho counted them?", ("How many downloads?", "Who counted them?")),
    ("Кто такой Маск? Что он написал Путину?", ("Кто такой Маск?", "Что он написал Путину?")),
    ("did he tweet in russian?? what did it say", ("did he tweet in russian??", "what did it say")),
    ("What did Musk tweet to Putin?", ("What did Musk tweet to Putin?",)),
    # A one-word part is no question of its own: it stays with the part beside it.
    ("Really? Musk invited Putin?", ("Really? Musk invited Putin?",)),
    ("Who did Musk invite? Why?", ("Who did Musk invite? Why?",)),
    # A last part that asks nothing is a comment on the question before it.
    ("What did Musk tweet to Putin? really curious, [link](http://example.org)",
     ("What did Musk tweet to Putin? really curious, [link](http://example.org)",)),
    # A question mark with no space after it is no break (a link's query, "?!").
    ("see https://example.com/a?b=c please", ("see https://example.com/a?b=c please",)),
])  # fmt: skip
def test_a_message_is_split_after_each_question_mark_that_more_words_follow(message, questions):
    assert questions_in(message) == questions


def test_at_most_max_questions_the_rest_stays_with_the_last():
    message = " ".join(f"Question number {n}?" for n in range(1, MAX_QUESTIONS + 3))
    asked = questions_in(message)
    assert len(asked) == MAX_QUESTIONS
    assert " ".join(asked) == message and asked[-1].endswith(f"number {MAX_QUESTIONS + 2}?")


@pytest.fixture
def services(tmp_path):
    with open_services(tmp_path, max_question_chars=200, rate_limit_per_minute=3) as services:
        yield services


async def replies_to(message, chat, engine, services) -> list:
    return [reply async for reply in replies.answer_each(message, chat, engine, services)]


async def test_each_question_gets_its_own_reply_repeating_it_and_the_later_read_after_the_earlier(services):
    engine = answering_engine()
    first, second = await replies_to(f"{QUESTION} {EXAMPLES[0]}", ALICE, engine, services)
    assert first.html.startswith(f"❓ <i>{QUESTION}</i>") and second.html.startswith(f"❓ <i>{EXAMPLES[0]}</i>")
    assert first.remember.question == QUESTION and second.remember.question == EXAMPLES[0]
    assert first.buttons and second.buttons  # each answer has buttons of its own
    assert engine.histories == [(), (QUESTION,)]  # the second asked with the first as its conversation


async def test_one_question_is_answered_as_before_without_repeating_it(services):
    engine = answering_engine()
    (reply,) = await replies_to(QUESTION, ALICE, engine, services)
    assert reply.html == (await replies.answer_question(QUESTION, ChatContext(1002, "en"), engine, services)).html
    assert not reply.html.startswith("❓")


async def test_small_talk_and_too_long_messages_are_one_reply(services):
    engine = answering_engine()
    (about,) = await replies_to("Who are you? What can you do?", ALICE, engine, services)
    assert about.html.startswith("I answer") and engine.asked == []
    (too_long,) = await replies_to("Why? " * 30 + "Who? " * 30, ALICE, engine, services)
    assert "too long" in too_long.html and engine.asked == []


async def test_each_question_counts_toward_the_rate_limit(services):
    engine = answering_engine()
    answered = await replies_to(f"{QUESTION} {QUESTION} {QUESTION}", ALICE, engine, services)
    assert len(answered) == 3 and len(engine.asked) == 3
    held_back = await replies_to(f"{QUESTION} {EXAMPLES[0]}", ALICE, engine, services)
    assert "Too many questions" in held_back[0].html and held_back[1] is None  # told once per flood
    assert len(engine.asked) == 3
