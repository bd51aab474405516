"""Each chat's conversation: what a follow-up is read with, per person and chat, bounded and
expiring; and the reply layer passing it to the engine (fake engine, injectable clock)."""

from __future__ import annotations

import pytest

from bot import replies
from bot.conversations import Conversations
from bot.reply import ChatContext
from bot.services import BotServices
from tests.fakes import FakeEngine, make_answer, make_hit, make_passage, open_services


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_conversation_keeps_the_last_few_questions_in_order():
    conversations = Conversations(quiet_seconds=60, max_turns=2)
    for question in ("one?", "two?", "three?"):
        conversations.add("chat", question)
    assert conversations.history("chat") == ("two?", "three?")
    assert conversations.history("another chat") == ()


def test_a_quiet_while_forgets_the_conversation():
    clock = Clock()
    conversations = Conversations(quiet_seconds=60, clock=clock)
    conversations.add("chat", "one?")
    clock.now += 59
    assert conversations.history("chat") == ("one?",)
    conversations.add("chat", "two?")  # a question keeps it alive
    clock.now += 61
    assert conversations.history("chat") == ()
    conversations.add("chat", "three?")
    assert conversations.history("chat") == ("three?",)


def test_memory_is_bounded_by_the_number_of_chats():
    conversations = Conversations(quiet_seconds=60, max_chats=3)
    for chat in range(10):
        conversations.add(chat, f"question {chat}?")
    assert len(conversations) == 3
    assert conversations.history(9) == ("question 9?",) and conversations.history(0) == ()


def test_forget_and_no_memory_at_all():
    conversations = Conversations(quiet_seconds=60)
    conversations.add("chat", "one?")
    conversations.forget("chat")
    assert conversations.history("chat") == ()
    off = Conversations(quiet_seconds=0)
    off.add("chat", "one?")
    assert off.history("chat") == () and len(off) == 0


# --- the reply layer -----------------------------------------------------------------------------

FIRST = "What did the keeper write?"
FOLLOW_UP = "Who translated it?"
PASSAGE = make_passage(("The keeper wrote a note.", "A friend translated it."))
IN_PRIVATE = ChatContext(1001, "en", chat_id=1001)
OTHER_PERSON = ChatContext(1002, "en", chat_id=1002)
GROUP = -100123


@pytest.fixture
def services(tmp_path) -> BotServices:
    with open_services(tmp_path, conversation_minutes=15) as services:
        yield services


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine({FIRST: make_answer(FIRST, [make_hit(PASSAGE)]), FOLLOW_UP: make_answer(FOLLOW_UP, [make_hit(PASSAGE, answer_sentence=1)])})


async def test_a_follow_up_is_asked_with_the_chats_earlier_questions_and_says_so(engine, services):
    await replies.answer_question(FIRST, IN_PRIVATE, engine, services)
    reply = await replies.answer_question(FOLLOW_UP, IN_PRIVATE, engine, services)
    assert engine.histories == [(), (FIRST,)]
    assert f"about: {FIRST}" in reply.html
    assert reply.remember.history == (FIRST,)


async def test_conversations_never_cross_chats_or_people_in_a_group(engine, services):
    await replies.answer_question(FIRST, IN_PRIVATE, engine, services)
    await replies.answer_question(FOLLOW_UP, OTHER_PERSON, engine, services)
    alice_in_group, bob_in_group = ChatContext(1001, chat_id=GROUP), ChatContext(1002, chat_id=GROUP)
    await replies.answer_question(FIRST, alice_in_group, engine, services)
    await replies.answer_question(FOLLOW_UP, bob_in_group, engine, services)
    await replies.answer_question(FOLLOW_UP, alice_in_group, engine, services)
    assert engine.histories == [(), (), (), (), (FIRST,)]


async def test_start_begins_a_fresh_conversation(engine, services):
    await replies.answer_question(FIRST, IN_PRIVATE, engine, services)
    replies.start(IN_PRIVATE, engine, services)
    reply = await replies.answer_question(FOLLOW_UP, IN_PRIVATE, engine, services)
    assert engine.histories[-1] == () and "about:" not in reply.html


async def test_more_passages_on_a_follow_up_asks_with_its_history(engine, services):
    await replies.answer_question(FIRST, IN_PRIVATE, engine, services)
    reply = await replies.answer_question(FOLLOW_UP, IN_PRIVATE, engine, services)
    key = reply.buttons[0][0].data.removeprefix("more:")
    pressed = await replies.press_more(key, IN_PRIVATE, engine, services)
    await pressed.follow_up()
    assert engine.histories[-1] == (FIRST,)
