"""The terminal chat (no token) through the reply layer, with a fake engine; and with the
real engine."""

from __future__ import annotations

import pytest

from bot.local_chat import chat_in_terminal, reply_html
from bot.services import BotServices
from bot.settings import BotSettings
from tests.fakes import EXAMPLES, FakeEngine, make_answer, make_hit, make_passage

TWEET = make_passage(("Musk tweeted in Russian.", "“Would you like to join me for a conversation on Clubhouse?”"))


@pytest.fixture
def services(tmp_path) -> BotServices:
    settings = BotSettings(
        _env_file=None, max_question_chars=500, rate_limit_per_minute=1,
        feedback_file=tmp_path / "feedback.jsonl", update_journal_file=tmp_path / "journal.jsonl",
        state_db=tmp_path / "bot.sqlite3",
    )  # fmt: skip
    return BotServices.create(settings)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine({
        "What did Musk tweet to Putin?": make_answer("What did Musk tweet to Putin?", [make_hit(TWEET)]),
        EXAMPLES[1]: make_answer(EXAMPLES[1], [make_hit(make_passage(("5 million downloads.",)), answer_sentence=0)]),
    })  # fmt: skip


def chat(engine, services, lines: list[str]) -> list[str]:
    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    output: list[str] = []
    chat_in_terminal(engine, services, read=read, write=output.append, bold=("*", "*"))
    return output


def test_terminal_chat_answers_through_the_same_replies(engine, services):
    lines = ["What did Musk tweet to Putin?", "Who wrote Hamlet?", "2", "/about", "x" * 600, "/quit", "unreached"]
    start, tweet, hamlet, example, about, too_long = chat(engine, services, lines)
    assert f"1. {EXAMPLES[0]}" in start and "Why Is Everyone Talking" in start and "a number to ask" in start
    assert tweet.startswith("*“Would you like to join me") and "> Musk tweeted in Russian." in tweet and "<b>" not in tweet
    assert "couldn't find" in hamlet and "> " not in hamlet and f"2. {EXAMPLES[1]}" in hamlet  # the buttons, numbered
    assert "5 million downloads" in example and "❓" not in example
    assert "Passages: 6" in about
    assert "too long" in too_long
    assert len(engine.asked) == 3  # no rate limit in a terminal (the settings allow 1 a minute)


@pytest.mark.parametrize("leave", ["/quit", "/exit", "quit", "Exit", "q", ":q"])
def test_the_words_a_prompt_takes_leave_the_chat(engine, services, leave):
    output = chat(engine, services, ["What did Musk tweet to Putin?", f" {leave} ", "unreached"])
    assert len(output) == 2 and [q for q, _ in engine.asked] == ["What did Musk tweet to Putin?"]


def test_end_of_input_leaves_the_chat(engine, services):
    output = chat(engine, services, [])
    assert len(output) == 2 and output[-1] == ""


async def test_reply_html_is_the_telegram_reply(engine, services):
    html = await reply_html("What did Musk tweet to Putin?", engine, services)
    assert "<blockquote expandable>Musk tweeted in Russian.</blockquote>" in html and "<b>“Would you like to join me" in html


@pytest.mark.model
def test_the_terminal_chat_with_the_real_engine(bot_engine, services):
    output = chat(bot_engine, services, ["What did Musk tweet to Putin?", "Who wrote Hamlet?", "2"])
    _, tweet, hamlet, downloads, _ = output
    assert "would you like to join me" in tweet and "couldn't find" in hamlet and "5 million downloads" in downloads


async def test_small_talk_in_the_terminal_numbers_its_example(engine, services):
    html = await reply_html("hi", engine, services)
    assert html.startswith("Hi! I answer questions") and html.endswith(f"\n1. {EXAMPLES[0]}")
    assert engine.asked == []
