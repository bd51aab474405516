"""Wiring without a network: polling vs webhook, building touches no file, and the token
redaction in logs."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.app import build_application, run
from bot.logs import REDACTED, TokenRedactingFilter
from bot.settings import BotSettings

TOKEN = "123456:SECRET-token_value"


def settings_in(tmp_path, **values) -> BotSettings:
    """Settings whose state files are in `tmp_path`: a test never writes into var/."""
    files = {
        "feedback_file": tmp_path / "feedback.jsonl", "update_journal_file": tmp_path / "journal.jsonl",
        "state_db": tmp_path / "bot.sqlite3",
    }  # fmt: skip
    return BotSettings(_env_file=None, telegram_bot_token=TOKEN, **files, **values)


def capture(monkeypatch, method: str) -> dict:
    seen: dict = {}
    monkeypatch.setattr(Application, method, lambda self, **kwargs: seen.update(kwargs))
    return seen


def test_polling_by_default_keeps_pending_updates(monkeypatch, tmp_path):
    settings = settings_in(tmp_path, telegram_api_url="http://127.0.0.1:9/")
    application = build_application(settings, engine=None)
    assert application.bot.base_url == f"http://127.0.0.1:9/bot{TOKEN}"
    seen = capture(monkeypatch, "run_polling")
    run(application, settings)
    assert seen["allowed_updates"] and not seen.get("drop_pending_updates")


def test_webhook_mode_listens_with_the_secret_token(monkeypatch, tmp_path):
    settings = settings_in(
        tmp_path, webhook_url="https://bot.example.org/tg/hook", webhook_secret_token="s3cret",
        webhook_listen="127.0.0.1", webhook_port=8444,
    )  # fmt: skip
    seen = capture(monkeypatch, "run_webhook")
    run(build_application(settings, engine=None), settings)
    assert seen["webhook_url"] == "https://bot.example.org/tg/hook" and seen["url_path"] == "tg/hook"
    assert seen["secret_token"] == "s3cret" and seen["listen"] == "127.0.0.1" and seen["port"] == 8444
    assert not seen.get("drop_pending_updates")


def test_building_the_application_touches_no_file(tmp_path):
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"update": {"update_id": 4, "mess')  # an old journal: imported only at start
    build_application(settings_in(tmp_path), engine=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.jsonl"]  # no STATE_DB, no lock file
    assert journal.read_text() == '{"update": {"update_id": 4, "mess'


def test_redaction_covers_messages_arguments_and_tracebacks():
    redactor = TokenRedactingFilter([TOKEN])
    try:
        raise ValueError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except ValueError as exc:
        exc_info = (type(exc), exc, exc.__traceback__)
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "calling %s", (f"bot{TOKEN}",), exc_info)
    redactor.filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted and formatted.count(REDACTED) == 2
