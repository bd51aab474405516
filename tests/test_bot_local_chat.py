"""The terminal chat (no token) and the example questions, with the real engine."""

from __future__ import annotations

import asyncio

import pytest

from bot.examples import EXAMPLE_QUESTIONS
from bot.local_chat import chat_in_terminal, reply_html

pytestmark = pytest.mark.model


async def test_examples_are_all_answered(bot_engine):
    answers = await asyncio.gather(*(asyncio.to_thread(bot_engine.ask, q) for q in EXAMPLE_QUESTIONS))
    assert [a.question for a in answers if not a.answered] == []


def test_terminal_chat_answers_through_the_same_rendering(bot_engine):
    lines = iter(["What did Musk tweet to Putin?", "Who wrote Hamlet?", "2", "/about", "x" * 600, "/quit", "unreached"])
    output: list[str] = []
    chat_in_terminal(bot_engine, max_chars=500, read=lambda prompt: next(lines), write=output.append, bold=("*", "*"))
    start, tweet, hamlet, example, about, too_long = output
    assert EXAMPLE_QUESTIONS[0] in start and "Why Is Everyone Talking" in start
    assert "> " in tweet and "*" in tweet and "would you like to join me" in tweet and "<b>" not in tweet
    assert "couldn't find" in hamlet and "> " not in hamlet
    assert "5 million downloads" in example
    assert "Passages: 6" in about
    assert "too long" in too_long


def test_end_of_input_leaves_the_chat(bot_engine):
    def read(prompt: str) -> str:
        raise EOFError

    output: list[str] = []
    chat_in_terminal(bot_engine, max_chars=500, read=read, write=output.append)
    assert output[-1] == ""


def test_reply_html_matches_the_telegram_reply(bot_engine):
    assert "<blockquote>" in reply_html(bot_engine, "How many downloads does Clubhouse have?", max_chars=500)
