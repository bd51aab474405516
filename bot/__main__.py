"""`python -m bot`: build the settings, configure logging, load the engine, run the bot.
Without a token, a chat in the terminal, in the language of `--lang` or of the locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else DEFAULT_LANGUAGE.

`python -m bot report [--days N] [--json] [--html FILE]`: what the question log and the votes
say (bot.report). `python -m bot export-eval FILE.jsonl`: the votes and unanswered questions as
an evaluation set. Both read STATE_DB beside a running bot, without its lock.

Exit status: 0 after a clean stop; 1 when the index or model cannot be loaded, STATE_DB
cannot be opened or another bot process holds it, or another instance kept polling the same
bot (409 Conflict) for CONFLICT_EXIT_AFTER_SECONDS; 2 when the settings are invalid or no
token is set and there is no terminal to chat in instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from index import Engine, EngineError, corpus_changed, describe_error

from . import i18n
from .local_chat import chat_in_terminal
from .logs import configure_logging
from .reply import ChatContext
from .services import BotServices
from .settings import BotSettings
from .state import StateDB, StateError
from .texts import NO_TOKEN_HELP

log = logging.getLogger("bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The Telegram bot; with a command, its reports.")
    parser.add_argument("--lang", choices=i18n.LANGUAGES,
                        help="the terminal chat's language (default: the locale's, LANG...)")  # fmt: skip
    commands = parser.add_subparsers(dest="command")
    report = commands.add_parser("report", help="questions asked, answered, voted on (from STATE_DB)")
    report.add_argument("--days", type=int, default=None, help="the last N days (default: QUESTION_LOG_DAYS, or 30)")
    report.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    report.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML page")
    export = commands.add_parser("export-eval", help="votes and unanswered questions as an evaluation set")
    export.add_argument("file", type=Path, metavar="FILE.jsonl")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = BotSettings()
    except ValidationError as exc:
        print(f"bot: {describe_error(exc)}", file=sys.stderr)
        return 2
    if args.command is not None:
        configure_logging("WARNING", [])
        try:
            return report_command(args, settings) if args.command == "report" else export_command(args, settings)
        except StateError as exc:
            print(f"bot: {exc}", file=sys.stderr)
            return 1
    secrets = [s.get_secret_value() for s in (settings.telegram_bot_token, settings.webhook_secret_token) if s]
    configure_logging(settings.log_level, secrets)
    # The terminal's user: no Telegram id, the language asked for or the locale's.
    local_user = ChatContext(user_id=None, language=args.lang or i18n.locale_language(os.environ, ""))
    no_token_help = i18n.translator(i18n.language_of(local_user.language, settings.default_language))(NO_TOKEN_HELP)
    if settings.telegram_bot_token is None and not sys.stdin.isatty():
        print(f"bot: {no_token_help}", file=sys.stderr)
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
    if corpus_changed(Path(settings.corpus_dir), manifest.corpus_hash):
        # Served as it is (the previous index answers until a rebuild), but the operator is told.
        log.warning("%s changed since the index was built; the bot answers from the index as it was built "
                    "until `python -m index build` (or /reindex) rebuilds it", settings.corpus_dir)
    if settings.telegram_bot_token is None:
        print(no_token_help)
        chat_in_terminal(engine, BotServices.create(settings), chat=local_user)
        return 0
    # Imported here: without a token (the terminal chat, or a refusal) Telegram's library
    # and the HTTP client are never loaded, so those paths start in a second.
    from .app import build_application, run

    return run(build_application(settings, engine, state), settings)


def report_command(args: argparse.Namespace, settings: BotSettings) -> int:
    from . import report, report_html

    days = args.days if args.days is not None else settings.question_log_days or report.DEFAULT_DAYS
    if days < 1:
        print("bot: --days must be 1 or more", file=sys.stderr)
        return 2
    state = StateDB(settings.state_db)
    state.open_for_reading()
    try:
        embed = None
        if report.unanswered_questions(state, days):  # the model only to group them
            try:
                embed = Engine.load(settings).embedder.embed
            except EngineError as exc:
                print(f"bot: {exc}; unanswered questions grouped by identical text only", file=sys.stderr)
        figures = report.build(state, days, embed)
    finally:
        state.close()
    print(json.dumps(figures.as_json(), ensure_ascii=False, indent=2) if args.json else report.as_table(figures))
    if args.html is not None:
        try:
            args.html.write_text(report_html.render_page(figures), encoding="utf-8")
        except OSError as exc:
            print(f"bot: cannot write {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    return 0


def export_command(args: argparse.Namespace, settings: BotSettings) -> int:
    from . import report

    state = StateDB(settings.state_db)
    state.open_for_reading()
    try:
        rows = report.eval_rows(state)
    finally:
        state.close()
    try:
        with args.file.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    except OSError as exc:
        print(f"bot: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    to_label = sum(1 for row in rows if row.get("needs_label"))
    print(f"{len(rows)} row(s) written to {args.file}: {len(rows) - to_label} answerable (👍), "
          f"{to_label} to label (👎 and unanswered; `index eval` skips them until labelled)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
