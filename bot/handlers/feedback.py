"""Feedback: the 👍/👎 buttons under an answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from .. import replies
from .context import chat_of, services_of
from .send import answer_button


async def vote_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 on an answer: counted, changed or taken back, and the keyboard redrawn."""
    key, helpful = context.match.group(1), context.match.group(2) == "up"
    services = services_of(context)
    async with services.answer_locks(key):  # presses on one answer one at a time: the last keyboard wins
        pressed = await replies.press_vote(key, helpful, chat_of(update), services, update.callback_query.id)
        await answer_button(update, pressed, quote_pressed=True)  # "what was wrong?" quotes the answer
