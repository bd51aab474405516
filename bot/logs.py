"""Logging set-up, and the filter that keeps the bot token out of every log line.

The token is part of every Bot API URL, so any library that logs a URL or an exception
would leak it. The redaction runs in the log-record factory, so it covers every record of
every logger, whichever handlers (including ones added later) end up printing it.
"""

from __future__ import annotations

import logging

REDACTED = "[REDACTED]"


class TokenRedactingFilter(logging.Filter):
    """Replaces the secrets in a record's message and traceback text."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def install_redaction(secrets: list[str]) -> TokenRedactingFilter:
    """Redact `secrets` from every log record created from now on; returns the filter."""
    redactor = TokenRedactingFilter(secrets)
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor


def configure_logging(level: str, secrets: list[str]) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)  # also for libraries that set their own logger to DEBUG
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # PTB's DEBUG output prints whole updates and call parameters: user names and raw ids.
    # The bot's own DEBUG lines are kept; logs never hold more than a pseudonym.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    install_redaction(secrets)
