"""Who the bot talks to: runs before every other handler."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from .. import replies
from ..reply import InlineAnswer
from .context import chat_of, is_for_bot, services_of
from .send import answer_inline, send

log = logging.getLogger(__name__)


async def enforce_allow_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop what no person sent (channel posts, other bots, messages posted via a bot's
    inline mode) and stop users outside the allow-list."""
    services = services_of(context)
    user = update.effective_user
    message = update.effective_message
    if user is None or (user.is_bot and not _anonymous_admin(message)) or (message and message.via_bot):
        raise ApplicationHandlerStop
    if services.access.is_allowed(user.id):
        return
    log.info("refused user %s (not on the allow-list)", services.pseudonym(user.id))
    refusal = replies.not_allowed(chat_of(update), services)
    if update.callback_query:
        await update.callback_query.answer(refusal.html)
    elif update.inline_query:
        await answer_inline(update.inline_query, InlineAnswer(personal=True))
    elif is_for_bot(update, context):
        await send(update, refusal)
    raise ApplicationHandlerStop


def _anonymous_admin(message: Message | None) -> bool:
    """A group admin posting as the group: Telegram signs it with a bot account."""
    return message is not None and message.sender_chat is not None and message.sender_chat.id == message.chat_id
