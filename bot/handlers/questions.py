"""Questions: text (or a photo's or document's caption) in a private chat, mentions and
replies in groups, /ask, example buttons, "More passages" and inline queries. A message
asking several questions gets a reply to each. A question edited after it was answered edits
that answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from .. import replies
from ..addressing import command_argument, question_for_bot
from .context import chat_of, engine_of, services_of
from .send import answer_button, answer_inline, answer_message, drop_answers, send


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message, or a caption, in a private chat is a question, unless it replies to
    "what was wrong?"."""
    message = update.effective_message
    text = message.text or message.caption or ""
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    noted = await replies.note_comment(text, chat_of(update), replied, services_of(context))
    if noted is not None:
        await send(update, noted)
    else:
        await _answer(update, context, text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only messages that mention the bot or reply to it."""
    question = question_for_bot(update.effective_message, context.bot.username, context.bot.id)
    if question is not None:
        await _answer(update, context, question)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask question: ask explicitly, in a group or a private chat."""
    question = command_argument(update.effective_message.text or "")
    if question:
        # An explicit /ask starts afresh: its question is not read as a follow-up.
        replies.start_afresh(chat_of(update), services_of(context))
        await _answer(update, context, question, explicit=True)
    else:
        await send(update, replies.empty_ask(chat_of(update), engine_of(context), services_of(context)))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos without a caption, voice and the like: ask for a text question."""
    await send(update, replies.non_text(chat_of(update), services_of(context)))


async def example_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An example-question button: ask that question."""
    language, index = context.match.group(1), int(context.match.group(2))
    answer = replies.press_example(index, language, chat_of(update), engine_of(context), services_of(context),
                                   _typing(update))
    await answer_button(update, answer)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"More passages": the next best passages for that answer's question, once."""
    key, services = context.match.group(1), services_of(context)
    async with services.answer_locks(key):  # a second press waits, then finds it served
        answer = await replies.press_more(key, chat_of(update), engine_of(context), services, update.callback_query.id)
        await answer_button(update, answer, quote_pressed=True)


async def closest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"The closest passage" under a refusal: the passage the question came nearest to, once."""
    key, services = context.match.group(1), services_of(context)
    async with services.answer_locks(key):  # a second press waits, then finds it served
        answer = await replies.press_closest(key, chat_of(update), engine_of(context), services,
                                             update.callback_query.id)  # fmt: skip
        await answer_button(update, answer, quote_pressed=True)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat."""
    query = update.inline_query
    answer = await replies.inline_answer(query.query, chat_of(update), engine_of(context), services_of(context))
    await answer_inline(query, answer)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, explicit: bool = False) -> None:
    """A reply to each question the message asks (bot.several_questions). An edited message
    edits the answer to each of its questions, in order; the answers to questions it no longer
    asks are deleted."""
    services = services_of(context)
    asked = 0
    async for reply in replies.answer_each(
        text, chat_of(update), engine_of(context), services, explicit=explicit, while_searching=_typing(update)
    ):
        await answer_message(update, reply, services.answered, asked)
        asked += 1
    if update.edited_message is not None:
        await drop_answers(update, services.answered, asked)


def _typing(update: Update) -> Callable[[], Awaitable[object]]:
    """"typing…" in the chat, shown while the engine works."""
    return lambda: update.effective_chat.send_action(ChatAction.TYPING)
