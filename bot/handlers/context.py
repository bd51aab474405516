"""What a handler reads from PTB's context and update: the engine and services kept in
`bot_data`, who is asking, and whether a message was meant for this bot."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import ContextTypes

from index import Engine

from ..addressing import question_for_bot
from ..reply import ChatContext
from ..services import BotServices


def services_of(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    return context.bot_data["services"]


def engine_of(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    # Read at each use, never kept: /reindex may have swapped in a new engine.
    return context.bot_data["engine"]


def chat_of(update: Update) -> ChatContext:
    user = update.effective_user
    chat = update.effective_chat
    chat_id = chat.id if chat else None
    in_group = chat is not None and chat.type != Chat.PRIVATE
    if user is None:
        return ChatContext(None, chat_id=chat_id, in_group=in_group)
    return ChatContext(user.id, user.language_code, chat_id, in_group)


def is_for_bot(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the message was addressed to the bot, so a reply to it is not noise in a group."""
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return False
    words = (message.text or "").split(maxsplit=1)
    if words and words[0].startswith("/"):
        _, _, target = words[0].partition("@")
        return not target or target.lower() == (context.bot.username or "").lower()
    return question_for_bot(message, context.bot.username, context.bot.id) is not None
