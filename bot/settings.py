"""Settings of the Telegram bot: the engine's settings plus transport, access and limits.

Built once by `bot.__main__.main()` from `.env` and the environment (real environment
variables win) and passed down; tests build them with `BotSettings(_env_file=None, ...)`.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from index import IndexSettings

from .i18n import LANGUAGES, SOURCE_LANGUAGE

_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# What Telegram accepts as a webhook secret token.
_SECRET_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

UserIds = Annotated[list[int], NoDecode]


class BotSettings(IndexSettings):
    """Everything `python -m bot` needs, each field settable as an upper-case environment variable."""

    telegram_bot_token: SecretStr | None = Field(None, description="From @BotFather; unset = local terminal chat.")
    telegram_api_url: AnyHttpUrl = Field(AnyHttpUrl("https://api.telegram.org"), description="Bot API server root.")
    allowed_user_ids: UserIds = Field(default_factory=list, description="Comma-separated; empty = everyone.")
    admin_user_ids: UserIds = Field(default_factory=list, description="Comma-separated; may /reindex.")
    rate_limit_per_minute: int = Field(20, ge=1, description="Questions per user per minute.")
    max_question_chars: int = Field(500, ge=1, description="Longer questions are refused.")
    # "typing…" is for a wait the asker would notice; most questions are answered in milliseconds,
    # and the chat action would be a third of the Bot API calls of each (docs/benchmarks.md).
    typing_after_seconds: float = Field(
        0.3, ge=0, description="Show \"typing…\" once a search has taken this long (0: for every question)."
    )
    # A follow-up ("Who translated it?") is read with the chat's last few questions; after this
    # long without a question the conversation is forgotten (0: every question stands alone).
    conversation_minutes: float = Field(15, ge=0, description="Quiet minutes after which a chat's conversation is forgotten.")
    conversation_turns: int = Field(3, ge=1, le=10, description="Earlier questions a follow-up is read with.")
    conversation_chats: int = Field(10_000, ge=1, description="Conversations kept at most; the least active are forgotten.")
    state_db: Path = Field(
        Path("var/bot.sqlite3"), description="SQLite database of the bot's state: update journal, votes, question log."
    )
    question_log_days: int = Field(
        30, ge=0, description="Days the question log keeps each question (0: no log)."
    )
    # An answer's buttons ("More passages", 👍/👎) need its question, kept in STATE_DB this long.
    answer_buttons_days: int = Field(
        7, ge=1, le=3650, description="Days an answer's buttons keep working, and an edited question edits its answer "
        "(both kept in STATE_DB)."
    )
    conflict_exit_after_seconds: float = Field(
        60.0, ge=0, description="Stop (exit 1) when another instance has polled this bot for this long."
    )
    # Where earlier versions kept their state: imported into STATE_DB once, then only read.
    feedback_file: Path = Field(Path("var/feedback.jsonl"), description="Old votes file, imported once.")
    update_journal_file: Path = Field(Path("var/update-journal.jsonl"), description="Old journal, imported once.")
    # Unset: a random salt per run, so user hashes cannot be linked across restarts either.
    feedback_salt: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_hex(16)),
        min_length=8,
        description="Key of the HMAC that pseudonymises user ids in logs and feedback.",
    )
    webhook_url: AnyHttpUrl | None = Field(None, description="Public HTTPS URL; set = webhook mode.")
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server binds.")
    webhook_port: int = Field(8443, ge=1, le=65535, description="Port the webhook server binds.")
    webhook_secret_token: SecretStr | None = Field(None, description="Required with WEBHOOK_URL.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Each user is answered in their Telegram language when the bot speaks it (bot.i18n.LANGUAGES).
    default_language: str = Field(
        SOURCE_LANGUAGE, description="Interface language for users whose Telegram language the bot does not speak."
    )

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not _TOKEN_SHAPE.match(token.get_secret_value()):
            # Never echo the value: it may be a real token with a typo.
            raise ValueError("must look like 123456789:AAE... (the token @BotFather gives)")
        return token

    @field_validator("telegram_bot_token", "webhook_secret_token", "webhook_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `TELEGRAM_BOT_TOKEN=` in a .env means "not set", not "an empty token".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("feedback_salt", mode="before")
    @classmethod
    def _blank_salt_is_random(cls, value: object) -> object:
        # `FEEDBACK_SALT=` in a .env means "pick one for this run", as when it is unset.
        return secrets.token_hex(16) if isinstance(value, str) and not value.strip() else value

    @field_validator("allowed_user_ids", "admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in re.split(r"[,\s]+", text) if part.strip()]

    @field_validator("default_language", mode="before")
    @classmethod
    def _known_language(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("webhook_secret_token")
    @classmethod
    def _secret_shape(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and not _SECRET_TOKEN_SHAPE.match(secret.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return secret

    @field_validator("webhook_url")
    @classmethod
    def _webhook_is_https(cls, url: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if url is not None and url.scheme != "https":
            raise ValueError("must be an https:// URL (Telegram only delivers webhooks over HTTPS)")
        return url

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> BotSettings:
        if self.webhook_url is not None and self.webhook_secret_token is None:
            raise ValueError("WEBHOOK_SECRET_TOKEN is required when WEBHOOK_URL is set")
        return self

    @property
    def api_root(self) -> str:
        return str(self.telegram_api_url).rstrip("/")
