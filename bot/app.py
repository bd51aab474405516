"""Wiring: the PTB `Application` with its handlers, shared services and start-up hook."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlparse

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from index import Engine

from . import profile
from .buttons import CLOSEST_PATTERN, EXAMPLE_PATTERN, MORE_PATTERN, VOTE_PATTERN
from .conflict import ConflictWatch
from .handlers import access, admin, errors, feedback, info, questions
from .services import BotServices
from .settings import BotSettings
from .state import StateDB
from .transport import build_get_updates_request, build_request
from .update_queue import JournalBarrierRequest, JournalingUpdateProcessor, JournalingUpdateQueue

log = logging.getLogger(__name__)

# New and edited messages (an edited question edits its answer); channel posts are not questions.
MESSAGES = filters.UpdateType.MESSAGES
PRIVATE = filters.ChatType.PRIVATE
# A photo's or document's caption is read like a text message; a photo without one gets a hint.
TEXT_OR_CAPTION = filters.TEXT | filters.CAPTION


def build_application(settings: BotSettings, engine: Engine, state: StateDB | None = None) -> Application:
    """The bot, ready to run, answering from `engine` until /reindex swaps in another.
    Touches no file: STATE_DB is opened by `main` (`state`, to refuse a second process
    early) or at the latest by `on_start`."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to run the Telegram bot")
    root = settings.api_root
    services = BotServices.create(settings, state)
    # An update is journaled before Telegram is told it arrived and marked done once
    # handled, so a killed bot handles the unfinished ones after a restart (bot.journal).
    updates = JournalingUpdateQueue(services.journal, durable_put=settings.webhook_url is not None)
    # A 409 from getUpdates: another process polls this bot; stop if it goes on (bot.conflict).
    conflicts = ConflictWatch(
        JournalBarrierRequest(build_get_updates_request(), updates),
        settings.conflict_exit_after_seconds,
        give_up=lambda: application.stop_running(),
    )
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        # Every call but getUpdates retries what is safe to retry (see bot.transport).
        .request(build_request())
        .get_updates_request(conflicts)
        # Every text the bot sends is HTML built by bot.render, with user input escaped.
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .update_queue(updates)
        # Questions take a while (model inference); one user's question must not queue the others'.
        .concurrent_updates(JournalingUpdateProcessor(services.journal))
        .post_init(on_start)
        .post_shutdown(on_stop)
        .build()
    )
    application.bot_data["engine"] = engine
    application.bot_data["services"] = services
    application.bot_data["conflicts"] = conflicts
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, access.enforce_allow_list), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", info.start),
            CommandHandler("help", info.help_command),
            CommandHandler("about", info.about),
            CommandHandler("ask", questions.ask_command),
            CommandHandler("reindex", admin.reindex),
            CommandHandler("forget_me", info.forget_me),
            CommandHandler("stats", info.stats),
            MessageHandler(MESSAGES & PRIVATE & TEXT_OR_CAPTION & ~filters.COMMAND, questions.private_text),
            MessageHandler(MESSAGES & filters.ChatType.GROUPS & TEXT_OR_CAPTION & ~filters.COMMAND, questions.group_text),
            MessageHandler(MESSAGES & PRIVATE & filters.COMMAND, info.unknown_command),
            MessageHandler(MESSAGES & PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, questions.non_text),
            CallbackQueryHandler(questions.example_button, pattern=EXAMPLE_PATTERN),
            CallbackQueryHandler(questions.more_button, pattern=MORE_PATTERN),
            CallbackQueryHandler(questions.closest_button, pattern=CLOSEST_PATTERN),
            CallbackQueryHandler(feedback.vote_button, pattern=VOTE_PATTERN),
            InlineQueryHandler(questions.inline_query),
        ]
    )
    application.add_error_handler(errors.on_error)


async def on_start(application: Application) -> None:
    """post_init: open STATE_DB, read this bot's update journal, handle what a previous run
    left unfinished, show the commands and description in each language (bot.profile). Runs
    before the first update is fetched or received, after getMe (the journal is keyed by the
    bot's id)."""
    services: BotServices = application.bot_data["services"]
    await services.journal.run(services.open_state, application.bot.id)
    queue = application.update_queue
    if isinstance(queue, JournalingUpdateQueue):
        await queue.open(application.bot.id)
        await queue.replay(application.bot)
    await profile.publish(application.bot, services.settings.default_language)
    log.info("started as @%s", application.bot.username)


async def on_stop(application: Application) -> None:
    """post_shutdown: the journal's last writes, then STATE_DB closed and its lock released."""
    services: BotServices = application.bot_data["services"]
    await services.question_log.flush()
    await asyncio.to_thread(services.close_state)


def webhook_options(settings: BotSettings) -> dict[str, Any]:
    """The arguments of `run_webhook`/`Updater.start_webhook` for these settings."""
    assert settings.webhook_url is not None
    url = str(settings.webhook_url)
    secret = settings.webhook_secret_token.get_secret_value() if settings.webhook_secret_token else None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(url).path.lstrip("/"),
        "webhook_url": url,
        # PTB answers 403 to a request without this X-Telegram-Bot-Api-Secret-Token.
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


def run(application: Application, settings: BotSettings) -> int:
    """Blocking: polling by default, a webhook when WEBHOOK_URL is set. Pending updates are
    kept. Returns the exit status: 1 if it stopped because another instance polled this bot."""
    if settings.webhook_url is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    else:
        application.run_webhook(**webhook_options(settings))
    return 1 if application.bot_data["conflicts"].gave_up else 0
