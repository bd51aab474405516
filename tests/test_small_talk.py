"""bot.small_talk: what is small talk, and the rule that says whether a message looks like a
question. No question of the project's sets, nor of the shared ones, is taken for small talk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.small_talk import SmallTalk, looks_like_question, small_talk
from tests.conftest import REPO

QUESTION_SETS = sorted((REPO / "tests" / "data").glob("*.jsonl")) + sorted((REPO.parent / "shared" / "eval").glob("*.jsonl"))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", SmallTalk.GREETING), ("Hello there!", SmallTalk.GREETING), ("good morning bot 👋", SmallTalk.GREETING),
        ("привет", SmallTalk.GREETING),
        ("thanks", SmallTalk.THANKS), ("thanks bot!", SmallTalk.THANKS), ("Thank you so much 🙏", SmallTalk.THANKS),
        ("ok thanks", SmallTalk.THANKS), ("спасибо!", SmallTalk.THANKS),
        ("who are you?", SmallTalk.ABOUT_BOT), ("What can you do?", SmallTalk.ABOUT_BOT),
        ("hi, who are you", SmallTalk.ABOUT_BOT), ("кто ты?", SmallTalk.ABOUT_BOT),
        ("lol", SmallTalk.CHATTER), ("hahaha", SmallTalk.CHATTER), ("ok", SmallTalk.CHATTER), ("cool, bye", SmallTalk.CHATTER),
        ("ya", SmallTalk.CHATTER), ("yup", SmallTalk.CHATTER),
        ("What is the article about?", SmallTalk.GIST), ("what's this story about", SmallTalk.GIST),
        ("tl;dr", SmallTalk.GIST), ("Summary please", SmallTalk.GIST), ("hi, what is the article about?", SmallTalk.GIST),
        ("о чём статья?", SmallTalk.GIST), ("what is this about?", SmallTalk.GIST),
        ("who r u", SmallTalk.ABOUT_BOT), ("what can u do?", SmallTalk.ABOUT_BOT), ("u there?", SmallTalk.ABOUT_BOT),
        # Nothing to search for: read as a follow-up, the turn before would be answered again.
        ("a", SmallTalk.CHATTER), ("and then", SmallTalk.CHATTER), ("x", SmallTalk.CHATTER), ("bot", SmallTalk.CHATTER),
        ("🤔", SmallTalk.NOISE), ("?!", SmallTalk.NOISE), ("👍🏽👍🏽", SmallTalk.NOISE), ("...", SmallTalk.NOISE),
    ],
)  # fmt: skip
def test_small_talk_is_recognised_whole(text, kind):
    assert small_talk(text) is kind


@pytest.mark.parametrize(
    "text", ["hi, what did the article say?", "thanks, and who joined?", "qwertyuiop", "valuation", "and?", "", "  ",
             "what is it about?", "what is the article's title?", "О чём Маск говорил в Клабхаусе?"]
)
def test_anything_more_than_small_talk_is_for_the_engine(text):
    assert small_talk(text) is None


def test_no_question_of_the_question_sets_is_taken_for_small_talk():
    questions = [json.loads(line)["question"] for path in QUESTION_SETS
                 for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    assert len(questions) > 600
    assert [q for q in questions if small_talk(q) is not None] == []


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Who joined the session?", True), ("who joined the session", True),  # a question mark or a wh-word
        ("so what did he say", True), ("is it free", True), ("Did he go", True),  # anywhere; an auxiliary first
        ("и сколько это стоило", True), ("это правда?", True), ("valuation", False), ("that's nice to know", False),
        ("lol", False), ("he is right", False),
    ],
)  # fmt: skip
def test_what_looks_like_a_question(text, question):
    assert looks_like_question(text) is question
