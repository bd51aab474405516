"""`python -m bot`: build the settings, configure logging, load the engine, run the bot.

Exit status: 0 after a clean stop; 1 when the index or model cannot be loaded, STATE_DB
cannot be opened or another bot process holds it, or another instance kept polling the same
bot (409 Conflict) for CONFLICT_EXIT_AFTER_SECONDS; 2 when the settings are invalid or no
token is set and there is no terminal to chat in instead.
"""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from index import Engine, EngineError, describe_error

from .local_chat import chat_in_terminal
from .logs import configure_logging
from .services import BotServices
from .settings import BotSettings
from .state import StateDB, StateError
from .texts import NO_TOKEN_HELP

log = logging.getLogger("bot")


def main() -> int:
    try:
        settings = BotSettings()
    except ValidationError as exc:
        print(f"bot: {describe_error(exc)}", file=sys.stderr)
        return 2
    secrets = [s.get_secret_value() for s in (settings.telegram_bot_token, settings.webhook_secret_token) if s]
    configure_logging(settings.log_level, secrets)
    if settings.telegram_bot_token is None and not sys.stdin.isatty():
        print(f"bot: {NO_TOKEN_HELP}", file=sys.stderr)
        return 2
    state = StateDB(settings.state_db)
    if settings.telegram_bot_token is not None:
        try:
            state.open()  # now: a second process is refused before it loads the model
        except StateError as exc:
            print(f"bot: {exc}", file=sys.stderr)
            return 1
    try:
        engine = Engine.load(settings)  # checks the index before spending seconds on the model
    except EngineError as exc:
        print(f"bot: {exc}", file=sys.stderr)
        return 1
    manifest = engine.manifest
    log.info("index loaded: %d passages from %d article(s)", manifest.passage_count, len(manifest.articles))
    if settings.telegram_bot_token is None:
        print(NO_TOKEN_HELP)
        chat_in_terminal(engine, BotServices.create(settings))
        return 0
    # Imported here: without a token (the terminal chat, or a refusal) Telegram's library
    # and the HTTP client are never loaded, so those paths start in a second.
    from .app import build_application, run

    return run(build_application(settings, engine, state), settings)


if __name__ == "__main__":
    sys.exit(main())
