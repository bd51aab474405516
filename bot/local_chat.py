"""Chatting with the engine in a terminal when no bot token is set: the same checks and the
same rendering as in Telegram, with the HTML turned into plain text."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from index import Engine

from . import render
from .answering import refusal_for, titles_of
from .examples import EXAMPLE_QUESTIONS

NO_TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. To run the Telegram bot, get a token from @BotFather and put "
    "TELEGRAM_BOT_TOKEN=123456789:AAE... in .env or the environment, then run `python -m bot` again."
)
LOCAL_HELP = "Type a question, a number to ask that example, /about or /help. Ctrl-D or /quit leaves."
ANSI_BOLD = ("\033[1m", "\033[0m")


def reply_html(engine: Engine, line: str, *, max_chars: int, examples: Sequence[str] = EXAMPLE_QUESTIONS) -> str:
    """What the bot would send for this line in a private chat (blocking: runs the engine)."""
    line = line.strip()
    if line == "/about":
        return render.render_about(engine.manifest)
    if line in ("/help", "/start"):
        start = render.render_start(titles_of(engine), examples)
        return f"{start}\n{render.bullet_list(examples)}\n\n{LOCAL_HELP}"
    if line.isdigit() and 1 <= int(line) <= len(examples):
        line = examples[int(line) - 1]
    refusal = refusal_for(line, max_chars)
    if refusal:
        return refusal
    answer = engine.ask(line)
    if answer.answered:
        return render.render_answer(answer)
    return render.render_not_answered(answer, titles_of(engine), examples)


def chat_in_terminal(
    engine: Engine,
    *,
    max_chars: int,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    bold: tuple[str, str] | None = None,
) -> None:
    """Read questions until end of input, printing each answer."""
    if bold is None:
        bold = ANSI_BOLD if sys.stdout.isatty() else ("", "")
    write(render.to_plain(reply_html(engine, "/start", max_chars=max_chars), bold=bold))
    while True:
        try:
            line = read("\n? ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.strip() in ("/quit", "/exit"):
            return
        write(render.to_plain(reply_html(engine, line, max_chars=max_chars), bold=bold))
