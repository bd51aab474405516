"""The one error handler: log with the traceback, keep the update for the next start, tell
the user briefly."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from .. import replies
from .context import chat_of, is_for_bot, services_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler error with its traceback and the update's id, keep the update to be
    handled again at the next start (bot.journal), and tell the user briefly."""
    if isinstance(context.error, Conflict) and not isinstance(update, Update):
        return  # getUpdates met another instance polling this bot: bot.conflict has said so
    if not isinstance(update, Update):
        if unreachable(context.error):  # getUpdates failed; PTB's polling loop tries again
            log.warning("could not fetch updates: %s", context.error)
        else:
            log.error("error outside the handling of an update", exc_info=context.error)
        return
    services_of(context).journal.failed(update.update_id)
    if unreachable(context.error):
        # bot.transport has retried and logged it; an apology would not get through either.
        log.error("update %d failed: Telegram unreachable (%s); kept for the next start",
                  update.update_id, context.error)  # fmt: skip
        return
    log.error("update %d failed; kept for the next start", update.update_id, exc_info=context.error)
    apology = replies.something_went_wrong(chat_of(update), services_of(context)).html
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
