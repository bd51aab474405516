"""The bot's profile in each language it speaks: the command menu, the description (shown in
an empty chat before /start) and the short description (on its profile page), set at start-up.

Telegram keeps one of each per `language_code` and shows a user the one of their language, or
the one set without a language code. So each language but the default gets its own, and the
one without a code is in DEFAULT_LANGUAGE. The command menus go last: a setMyCommands call is
what the benchmarks and the restart test take for "started".
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
    """Make Telegram show each language's profile. A failure (Telegram refusing, or asking to
    wait longer than the retries do) is one warning, never raised: the bot answers the same
    without its menu or description, and the next start sets them again."""
    wanted = profiles(default_language)
    try:
        for language, shown in wanted.items():
            await bot.set_my_description(shown.description, language_code=language)
            await bot.set_my_short_description(shown.short_description, language_code=language)
        for language, shown in wanted.items():
            await bot.set_my_commands(shown.commands, language_code=language)
    except TelegramError as exc:
        log.warning("could not set the bot's commands and description: %s", exc)
