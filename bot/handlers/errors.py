"""The one error handler: log with the traceback, tell the user briefly."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from .. import replies
from .context import is_for_bot

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler error with its traceback and tell the user briefly."""
    if unreachable(context.error):
        # bot.transport has retried and logged it; an apology would not get through either.
        log.warning("gave up on a reply: Telegram unreachable (%s)", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    apology = replies.SOMETHING_WENT_WRONG.html
    try:
        if update.callback_query:
            await update.callback_query.answer(apology)
        elif update.effective_chat and (update.effective_chat.type == Chat.PRIVATE or is_for_bot(update, context)):
            await update.effective_chat.send_message(apology)
    except Exception:  # the apology itself failed (e.g. Telegram is down): the log has it all
        log.warning("could not tell the user about the error", exc_info=True)


def unreachable(error: BaseException | None) -> bool:
    """A network failure or flood wait that outlasted the retries (not a 400 or a 403)."""
    return isinstance(error, (TimedOut, RetryAfter)) or type(error) is NetworkError
