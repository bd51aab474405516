"""bot.profile against the local Bot API server over HTTP (a PTB `Bot`, no model): each
language's command menu, description and short description set at start-up, and a refusal
from Telegram logged without stopping the bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Bot

from bot import profile, texts
from bot.i18n import translator
from tests.fake_telegram import FakeBotApi

SETTERS = ("setMyCommands", "setMyDescription", "setMyShortDescription")


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=f"{api.api_root}/bot") as client:
        yield client


def set_calls(api: FakeBotApi, after: int = 0) -> list[tuple[str, str | None]]:
    return [(c.method, c.params.get("language_code")) for c in api.calls[after:] if c.method in SETTERS and c.ok]


async def test_each_language_gets_its_menu_and_description_and_the_default_is_english(bot, api):
    await profile.publish(bot, "en")
    russian = await bot.get_my_commands(language_code="ru")
    assert [(c.command, c.description) for c in russian][:2] == [
        ("start", "О чём я знаю, с примерами вопросов"), ("ask", "Задать вопрос (работает и в группах)"),
    ]  # fmt: skip
    english = await bot.get_my_commands()
    assert [c.command for c in english] == ["start", "ask", "about", "help", "forget_me"]
    assert english[0].description == "What I know, with example questions"
    assert (await bot.get_my_description(language_code="ru")).description.startswith("Я отвечаю на вопросы")
    assert (await bot.get_my_description()).description.startswith("I answer questions")
    short = (await bot.get_my_short_description(language_code="ru")).short_description
    assert short == translator("ru")(texts.SHORT_DESCRIPTION)
    assert sorted(set_calls(api), key=str) == sorted([(m, lang) for m in SETTERS for lang in (None, "ru")], key=str)


async def test_another_default_language_swaps_the_default_and_the_dedicated_profiles(bot, api):
    await profile.publish(bot, "ru")
    assert (await bot.get_my_commands())[0].description == "О чём я знаю, с примерами вопросов"
    assert (await bot.get_my_commands(language_code="en"))[0].description == "What I know, with example questions"
    assert {lang for _, lang in set_calls(api)} == {None, "en"}


async def test_the_menus_are_set_last(bot, api):
    """A setMyCommands is what the benchmarks and the restart test wait for as "started"."""
    await profile.publish(bot, "en")
    methods = [method for method, _ in set_calls(api)]
    assert methods[-2:] == ["setMyCommands", "setMyCommands"] and "setMyCommands" not in methods[:-2]


async def test_a_refusal_is_one_warning_and_the_bot_goes_on(bot, api, caplog):
    api.inject_faults("setMyDescription", status=400)
    with caplog.at_level(logging.WARNING, logger="bot.profile"):
        await profile.publish(bot, "en")  # does not raise
    assert "could not set the bot's commands and description" in caplog.text
    await profile.publish(bot, "en")  # the next start finishes the job
    assert (await bot.get_my_description(language_code="ru")).description
