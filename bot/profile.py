"""The bot's profile in each language it speaks: the command menu, the description (shown in
an empty chat before /start) and the short description (on its profile page), set at start-up.

Telegram keeps one of each per `language_code` and shows a user the one of their language, or
the one set without a language code. So each language gets its own, and the one without a
code is in DEFAULT_LANGUAGE. Each is read first and set only when it differs, so a restart
changes nothing and spends none of the rate limit Telegram applies to these calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from . import texts
from .i18n import LANGUAGES, Translator, translator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What Telegram shows of the bot to a user of one language, as plain data."""

    commands: tuple[BotCommand, ...]
    description: str
    short_description: str


def profile(tr: Translator) -> Profile:
    commands = tuple(BotCommand(command, tr(description)) for command, description in texts.COMMANDS)
    return Profile(commands, tr(texts.DESCRIPTION), tr(texts.SHORT_DESCRIPTION))


def profiles(default_language: str) -> dict[str | None, Profile]:
    """language_code -> its profile; None: the one for users of any other language (and of the
    default language, which needs no profile of its own)."""
    others = {code: profile(translator(code)) for code in LANGUAGES if code != default_language}
    return {None: profile(translator(default_language))} | others


async def publish(bot: Bot, default_language: str) -> None:
    """Make Telegram show each language's profile. A failure is logged, never raised: the bot
    answers the same without its menu or description, and the next start tries again."""
    try:
        for language, wanted in profiles(default_language).items():
            await _publish_one(bot, language, wanted)
    except TelegramError as exc:
        log.warning("could not set the bot's commands and description: %s", exc)


async def _publish_one(bot: Bot, language: str | None, wanted: Profile) -> None:
    if await bot.get_my_commands(language_code=language) != wanted.commands:
        await bot.set_my_commands(wanted.commands, language_code=language)
    if (await bot.get_my_description(language_code=language)).description != wanted.description:
        await bot.set_my_description(wanted.description, language_code=language)
    if (await bot.get_my_short_description(language_code=language)).short_description != wanted.short_description:
        await bot.set_my_short_description(wanted.short_description, language_code=language)
