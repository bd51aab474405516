"""What the bot is: /start, /help, /about, /forget_me, /stats, and commands it does not have."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from .. import replies
from .context import chat_of, engine_of, is_for_bot, services_of
from .send import send


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: what the bot knows, how to ask, and example questions as buttons."""
    await send(update, replies.start(chat_of(update), engine_of(context), services_of(context)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the commands."""
    await send(update, replies.help_text(context.bot.username, chat_of(update), services_of(context)))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/about: the indexed articles, passage count, model and build time."""
    await send(update, replies.about(chat_of(update), engine_of(context), services_of(context)))


async def forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget_me: delete the questions, votes and conversation kept about the user."""
    await send(update, await replies.forget_me(chat_of(update), services_of(context)))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): the report's headline figures."""
    await send(update, await replies.stats(chat_of(update), services_of(context)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command the bot does not have (private chats only); /command@otherbot is not ours."""
    if is_for_bot(update, context):
        await send(update, replies.unknown_command(chat_of(update), services_of(context)))
