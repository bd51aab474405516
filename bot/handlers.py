"""Telegram handlers: each one turns an update into a call of the pipeline or a render."""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationHandlerStop, ContextTypes

from . import render
from .addressing import command_argument, question_for_bot
from .answering import answer_inline, record_vote, respond, show_more, titles_of
from .keyboards import examples_keyboard
from .services import engine_of, services_of

log = logging.getLogger(__name__)


async def enforce_allow_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler: drop what no person sent (channel posts, other bots,
    messages posted via a bot's inline mode) and stop users outside the allow-list."""
    services = services_of(context)
    user = update.effective_user
    message = update.effective_message
    if user is None or (user.is_bot and not _anonymous_admin(message)) or (message and message.via_bot):
        raise ApplicationHandlerStop
    if services.access.is_allowed(user.id):
        return
    log.info("refused user %s (not on the allow-list)", services.pseudonym(user.id))
    if update.callback_query:
        await update.callback_query.answer(render.NOT_ALLOWED)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif _is_for_bot(update, context):
        await update.effective_message.reply_text(render.NOT_ALLOWED)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: what the bot knows, how to ask, and example questions as buttons."""
    services = services_of(context)
    text = render.render_start(titles_of(engine_of(context)), services.examples)
    await update.effective_message.reply_text(text, reply_markup=examples_keyboard(services.examples))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the commands."""
    is_admin = services_of(context).access.is_admin(update.effective_user.id)
    await update.effective_message.reply_text(render.render_help(context.bot.username, is_admin=is_admin))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/about: the indexed articles, passage count, model and build time."""
    await update.effective_message.reply_text(render.render_about(engine_of(context).manifest))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask question: ask explicitly, in a group or a private chat."""
    question = command_argument(update.effective_message.text or "")
    if not question:
        await update.effective_message.reply_text(render.EMPTY_ASK_HINT)
        return
    await respond(update, context, question)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message in a private chat is a question."""
    await respond(update, context, update.effective_message.text)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only messages that mention the bot or reply to it."""
    question = question_for_bot(update.effective_message, context.bot.username, context.bot.id)
    if question is not None:
        await respond(update, context, question)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like: ask for a text question."""
    await update.effective_message.reply_text(render.NON_TEXT_HINT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command the bot does not have (private chats only); /command@otherbot is not ours."""
    if _is_for_bot(update, context):
        await update.effective_message.reply_text(render.UNKNOWN_COMMAND)


async def example_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An example-question button: ask that question."""
    examples = services_of(context).examples
    index = int(context.match.group(1))
    await update.callback_query.answer()
    if index < len(examples):
        await respond(update, context, examples[index], echo=True)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"More passages": the next best passages for that answer's question."""
    await show_more(update, context, context.match.group(1))


async def vote_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 on an answer."""
    await record_vote(update, context, context.match.group(1), helpful=context.match.group(2) == "up")


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat."""
    await answer_inline(update, context)


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex (admins): rebuild the index in the background and swap it in."""
    services, message = services_of(context), update.effective_message
    if not services.access.is_admin(update.effective_user.id):
        await message.reply_text("Sorry, only the bot's admins can rebuild the index.")
    elif not services.reindexer.try_begin():
        await message.reply_text("A rebuild is already running.")
    else:
        context.application.create_task(services.reindexer.run(context.bot_data, message.reply_text), update=update)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler error with its traceback and tell the user briefly."""
    if unreachable(context.error):
        # bot.transport has retried and logged it; an apology would not get through either.
        log.warning("gave up on a reply: Telegram unreachable (%s)", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(render.SOMETHING_WENT_WRONG)
        elif update.effective_chat and (update.effective_chat.type == Chat.PRIVATE or _is_for_bot(update, context)):
            await update.effective_chat.send_message(render.SOMETHING_WENT_WRONG)
    except Exception:  # the apology itself failed (e.g. Telegram is down): the log has it all
        log.warning("could not tell the user about the error", exc_info=True)


def _anonymous_admin(message: Message | None) -> bool:
    """A group admin posting as the group: Telegram signs it with a bot account."""
    return message is not None and message.sender_chat is not None and message.sender_chat.id == message.chat_id


def unreachable(error: BaseException | None) -> bool:
    """A network failure or flood wait that outlasted the retries (not a 400 or a 403)."""
    return isinstance(error, (TimedOut, RetryAfter)) or type(error) is NetworkError


def _is_for_bot(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the message was addressed to the bot, so a reply to it is not noise in a group."""
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return False
    words = (message.text or "").split(maxsplit=1)
    if words and words[0].startswith("/"):
        _, _, target = words[0].partition("@")
        return not target or target.lower() == (context.bot.username or "").lower()
    return question_for_bot(message, context.bot.username, context.bot.id) is not None
