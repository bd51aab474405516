"""The adapter from reply values (bot.reply) to Bot API calls."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from ..answered_messages import AnsweredMessages, fingerprint
from ..buttons import Buttons
from ..reply import ButtonAnswer, InlineAnswer, Reaction, Reply

log = logging.getLogger(__name__)


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons])


async def send(update: Update, reply: Reply | None, *, quote: int | None = None) -> Message | None:
    """Reply to the user's message (quoted in groups), or post in the chat for a button press,
    quoting message `quote` if it still exists. None sends nothing. The message sent."""
    if reply is None:
        return None
    markup: InlineKeyboardMarkup | ForceReply | None = keyboard(reply.buttons)
    if reply.reply_placeholder is not None:
        # selective: in a group, only the user it answers is asked (prompts are private so far).
        markup = ForceReply(selective=True, input_field_placeholder=reply.reply_placeholder)
    if quote is not None:
        reply_to = ReplyParameters(quote, allow_sending_without_reply=True)
        return await update.effective_chat.send_message(reply.html, reply_markup=markup, reply_parameters=reply_to)
    if update.callback_query is None and update.effective_message is not None:
        return await update.effective_message.reply_text(reply.html, reply_markup=markup)
    return await update.effective_chat.send_message(reply.html, reply_markup=markup)


async def answer_message(update: Update, reply: Reply | Reaction | None, answered: AnsweredMessages,
                         part: int = 0) -> None:
    """Answer the user's message, or the question at `part` of it (bot.several_questions): a
    reply (quoted in groups), remembered as its answer, or a reaction on it. An edited message
    edits the answer sent to it before, when that is known."""
    message = update.effective_message
    if reply is None or message is None:
        return
    if isinstance(reply, Reaction):
        await message.set_reaction(reply.emoji)
        return
    markup = keyboard(reply.buttons)
    # What the user sees: the text and the buttons' labels (their keys differ at every answer).
    shown = fingerprint(reply.html, [[button.label for button in row] for row in reply.buttons])
    earlier = None
    if update.edited_message is not None:
        earlier = await asyncio.to_thread(answered.answer_to, message.chat_id, message.message_id, part)
    if earlier is not None:
        if earlier.fingerprint == shown:
            return  # the edit changed nothing the answer shows
        try:
            await message.get_bot().edit_message_text(
                reply.html, chat_id=message.chat_id, message_id=earlier.message_id, reply_markup=markup
            )
        except BadRequest as exc:  # deleted meanwhile, or too old to edit: answer anew below
            if "not modified" not in exc.message:
                log.info("could not edit answer %d (%s); answering the edit anew", earlier.message_id, exc.message)
                earlier = None
        if earlier is not None:
            await _remember(answered, update, earlier.message_id, shown, part)
            return
    sent = await message.reply_text(reply.html, reply_markup=markup)
    await _remember(answered, update, sent.message_id, shown, part)


async def _remember(answered: AnsweredMessages, update: Update, answer_id: int, shown: str, part: int) -> None:
    message, user = update.effective_message, update.effective_user
    await asyncio.to_thread(answered.remember, message.chat_id, message.message_id, answer_id, shown, part=part,
                            asker=user.id if user is not None else None)  # fmt: skip


async def drop_answers(update: Update, answered: AnsweredMessages, part: int) -> None:
    """Delete the answers to the questions an edited message no longer asks (from `part` on).
    One already deleted, or too old to delete, stays as it is."""
    message = update.effective_message
    for message_id in await asyncio.to_thread(answered.forget_from, message.chat_id, message.message_id, part):
        try:
            await message.get_bot().delete_message(message.chat_id, message_id)
        except BadRequest as exc:
            log.info("could not delete answer %d (%s)", message_id, exc.message)


async def answer_button(update: Update, answer: ButtonAnswer, *, quote_pressed: bool = False) -> None:
    """Stop the pressed button's spinner (with the notice, if any), then post the follow-up,
    quoting the message that carried the button when `quote_pressed`, then change the
    pressed message's buttons."""
    query: CallbackQuery = update.callback_query
    try:
        await query.answer(answer.notice)
    except BadRequest as exc:
        # Too late to answer: a press handled again after a restart (bot.journal), whose
        # spinner Telegram stopped long ago. What the press does is still done.
        log.info("button press %s not answered: %s", query.id, exc.message)
    pressed = query.message if query.message is not None and query.message.is_accessible else None
    if answer.follow_up is not None:
        reply = await answer.follow_up()
        quote = pressed.message_id if quote_pressed and pressed else None
        sent = await send(update, reply, quote=quote)
        if sent is not None and answer.sent is not None:
            await answer.sent(sent.message_id)
    if answer.keyboard is not None and pressed is not None:
        await edit_buttons(query, answer.keyboard)


async def edit_buttons(query: CallbackQuery, buttons: Buttons) -> None:
    """Replace the buttons of the message that carried the pressed one. Telegram refusing it
    (the buttons already show this: "message is not modified"; the message deleted since)
    leaves the press handled: what it did is in STATE_DB, and the next press redraws them."""
    try:
        await query.edit_message_reply_markup(keyboard(buttons))
    except BadRequest as exc:
        log.info("buttons not changed: %s", exc.message)


async def answer_inline(query: InlineQuery, answer: InlineAnswer) -> None:
    results = [
        InlineQueryResultArticle(
            str(number), result.title, InputTextMessageContent(result.html, parse_mode=ParseMode.HTML),
            description=result.description,
        )
        for number, result in enumerate(answer.results)
    ]  # fmt: skip
    button = InlineQueryResultsButton(text=answer.hint, start_parameter="inline") if answer.hint else None
    await query.answer(
        results, button=button, cache_time=answer.cache_seconds, is_personal=True if answer.personal else None
    )
