"""Chatting with the engine in a terminal when no bot token is set: the replies of the
Telegram bot (bot.replies), with the HTML turned into plain text and examples by number."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from index import Engine

from . import render, replies, texts
from .reply import LOCAL_USER
from .services import BotServices

ANSI_BOLD = ("\033[1m", "\033[0m")
QUIT = ("/quit", "/exit")


async def reply_html(line: str, engine: Engine, services: BotServices) -> str:
    """What the bot would send for this line in a private chat."""
    line = line.strip()
    examples = services.examples
    if line == "/about":
        return replies.about(engine).html
    if line in ("/help", "/start"):
        start = replies.start(LOCAL_USER, engine, services).html
        # No buttons in a terminal: the examples are listed, to be asked by number.
        return f"{start}\n{render.bullet_list(examples)}\n\n{texts.LOCAL_HELP}"
    if line.isdigit() and 1 <= int(line) <= len(examples):
        line = examples[int(line) - 1]
    reply = await replies.answer_question(line, LOCAL_USER, engine, services)
    assert reply is not None  # the terminal has no quota, so it is never silenced
    return reply.html


def chat_in_terminal(
    engine: Engine,
    services: BotServices,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    bold: tuple[str, str] | None = None,
) -> None:
    """Read questions until end of input, printing each answer."""
    if bold is None:
        bold = ANSI_BOLD if sys.stdout.isatty() else ("", "")
    # One event loop for the whole chat; `read` blocks outside it, between questions.
    loop = asyncio.new_event_loop()
    try:
        write(render.to_plain(loop.run_until_complete(reply_html("/start", engine, services)), bold=bold))
        while True:
            try:
                line = read("\n? ")
            except (EOFError, KeyboardInterrupt):
                write("")
                return
            if line.strip() in QUIT:
                return
            write(render.to_plain(loop.run_until_complete(reply_html(line, engine, services)), bold=bold))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
