"""Administration: /reindex."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from .. import replies
from .context import chat_of, services_of
from .send import send


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex (admins): rebuild the index in the background and swap it in."""
    services = services_of(context)
    refusal = replies.reindex_refusal(chat_of(update), services)
    if refusal is not None:
        await send(update, refusal)
        return
    announce = update.effective_message.reply_text
    words = replies.translator_for(chat_of(update), services)
    context.application.create_task(services.reindexer.run(context.bot_data, announce, words), update=update)
