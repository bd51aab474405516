"""Chatting with the engine in a terminal when no bot token is set: the replies of the
Telegram bot (bot.replies), with the HTML turned into plain text and examples by number, in
the terminal's language (`python -m bot --lang`, or the locale: bot.i18n.locale_language)."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable, Sequence
from html import escape

from index import Engine

from . import render, replies, texts
from .buttons import EXAMPLE_PATTERN
from .reply import LOCAL_USER, ChatContext, Reply
from .services import BotServices

ANSI_BOLD = ("\033[1m", "\033[0m")
# What leaves the terminal chat: the commands, and the words a Python or shell prompt takes
# ("q" alone asks nothing; typed here, it would be read as a follow-up and refused).
QUIT = frozenset({"/quit", "/exit", "quit", "exit", "q", ":q"})


async def reply_html(line: str, engine: Engine, services: BotServices, chat: ChatContext = LOCAL_USER) -> str:
    """What the bot would send for this line in a private chat; example buttons become a list
    to answer by number. `chat` is the terminal's user (no Telegram id, the terminal's language),
    whose examples the numbers ask."""
    line = line.strip()
    tr = replies.translator_for(chat, services)
    examples = replies.examples_of(engine, services, tr.language)
    if line == "/about":
        return replies.about(chat, engine, services).html
    if line in ("/help", "/start"):
        start = replies.start(chat, engine, services).html
        local_help = tr(texts.LOCAL_HELP)
        return f"{start}\n{numbered(examples, examples)}\n\n{local_help}"
    if line.isdigit() and 1 <= int(line) <= len(examples):
        line = examples[int(line) - 1]
    shown = []
    async for reply in replies.answer_each(line, chat, engine, services):  # a reply per question the line asks
        assert isinstance(reply, Reply)  # the terminal has no quota and is no group: never silent
        offered = [button.label for row in reply.buttons for button in row
                   if re.fullmatch(EXAMPLE_PATTERN, button.data)]
        shown.append(f"{reply.html}\n{numbered(offered, examples)}" if offered else reply.html)
    return "\n\n".join(shown)


def numbered(offered: Sequence[str], examples: Sequence[str]) -> str:
    """No buttons in a terminal: the example questions offered, each with the number that asks
    it; one of another language's list (a reply in Russian in an English terminal) has none, and
    is typed as it is."""
    return "\n".join(f"{examples.index(q) + 1}. {escape(q)}" if q in examples else f"• {escape(q)}" for q in offered)


def chat_in_terminal(
    engine: Engine,
    services: BotServices,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    bold: tuple[str, str] | None = None,
    chat: ChatContext = LOCAL_USER,
) -> None:
    """Read questions until end of input, printing each answer."""
    if bold is None:
        bold = ANSI_BOLD if sys.stdout.isatty() else ("", "")
    # One event loop for the whole chat; `read` blocks outside it, between questions.
    loop = asyncio.new_event_loop()
    try:
        write(render.to_plain(loop.run_until_complete(reply_html("/start", engine, services, chat)), bold=bold))
        while True:
            try:
                line = read("\n? ")
            except (EOFError, KeyboardInterrupt):
                write("")
                return
            if line.strip().lower() in QUIT:
                return
            write(render.to_plain(loop.run_until_complete(reply_html(line, engine, services, chat)), bold=bold))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
