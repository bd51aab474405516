"""bot.settings: validation with one-line errors, comma-separated id lists, webhook rules;
and `python -m bot` refusing to start without a token when there is no terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import BotSettings
from index.settings import describe_error

REPO = Path(__file__).resolve().parent.parent


def error_of(**values) -> str:
    with pytest.raises(ValidationError) as caught:
        BotSettings(_env_file=None, **values)
    return describe_error(caught.value)


def test_bad_token_shape_names_the_setting_without_echoing_it():
    message = error_of(telegram_bot_token="not-a-token-secret")
    assert message.startswith("invalid settings: TELEGRAM_BOT_TOKEN:")
    assert "not-a-token-secret" not in message and "\n" not in message


def test_valid_token_is_secret():
    settings = BotSettings(_env_file=None, telegram_bot_token="123456:AAE-x_y")
    assert settings.telegram_bot_token.get_secret_value() == "123456:AAE-x_y"
    assert "AAE" not in repr(settings)


def test_comma_separated_id_lists_from_the_environment(monkeypatch):
    monkeypatch.setenv("ALLOWED_USER_IDS", "1, 2,3")
    monkeypatch.setenv("ADMIN_USER_IDS", "42")
    settings = BotSettings(_env_file=None)
    assert settings.allowed_user_ids == [1, 2, 3] and settings.admin_user_ids == [42]
    monkeypatch.setenv("ALLOWED_USER_IDS", "")
    assert BotSettings(_env_file=None).allowed_user_ids == []
    monkeypatch.setenv("ALLOWED_USER_IDS", "[5, 6]")
    assert BotSettings(_env_file=None).allowed_user_ids == [5, 6]
    monkeypatch.setenv("ALLOWED_USER_IDS", "1,alice")
    with pytest.raises(ValidationError) as caught:
        BotSettings(_env_file=None)
    assert describe_error(caught.value).startswith("invalid settings: ALLOWED_USER_IDS:")


def test_limits_and_webhook_rules():
    assert "RATE_LIMIT_PER_MINUTE" in error_of(rate_limit_per_minute=0)
    assert "WEBHOOK_SECRET_TOKEN is required" in error_of(webhook_url="https://example.org/hook")
    assert "WEBHOOK_URL: must be an https" in error_of(webhook_url="http://example.org/hook", webhook_secret_token="s")
    assert "WEBHOOK_SECRET_TOKEN" in error_of(webhook_url="https://example.org/hook", webhook_secret_token="no spaces!")
    settings = BotSettings(_env_file=None, webhook_url="https://example.org/hook", webhook_secret_token="s3cret_")
    assert settings.webhook_port == 8443 and settings.webhook_listen == "0.0.0.0"


def test_api_url_root_has_no_trailing_slash():
    assert BotSettings(_env_file=None).api_root == "https://api.telegram.org"
    assert BotSettings(_env_file=None, telegram_api_url="http://127.0.0.1:8081/").api_root == "http://127.0.0.1:8081"


# `python -m bot` in situations where it must refuse to start: environment of each.
REFUSALS = {
    "no token, no terminal": {"LANG": "C.UTF-8"},
    "no token, no terminal, Russian locale": {"LANG": "ru_RU.UTF-8"},
    "invalid settings": {"TELEGRAM_BOT_TOKEN": "nonsense", "RATE_LIMIT_PER_MINUTE": "0"},
    "missing index": {"TELEGRAM_BOT_TOKEN": "123:ABC", "INDEX_DIR": "nowhere"},
}


@pytest.fixture(scope="module")
def refusals(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each of REFUSALS as a real process; run side by side, as each spends a second importing."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "LC_", "LANG"))}
    clean["PYTHONPATH"] = str(REPO)
    processes = {}
    for name, env in REFUSALS.items():
        processes[name] = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=tmp_path_factory.mktemp("bot"),  # no .env is read there
            env={**clean, **env}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    results = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=60)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return results


def test_without_token_and_terminal_it_explains_and_exits_2(refusals):
    result = refusals["no token, no terminal"]
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_the_explanation_is_in_the_language_of_the_locale(refusals):
    assert "TELEGRAM_BOT_TOKEN is not set" in refusals["no token, no terminal"].stderr
    result = refusals["no token, no terminal, Russian locale"]
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN не задан" in result.stderr


def test_the_default_language_is_one_the_bot_speaks():
    assert BotSettings(_env_file=None).default_language == "en"
    assert BotSettings(_env_file=None, default_language=" RU ").default_language == "ru"
    with pytest.raises(ValidationError, match="must be one of en, ru"):
        BotSettings(_env_file=None, default_language="de")


def test_invalid_settings_exit_2_with_one_line(refusals):
    result = refusals["invalid settings"]
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "RATE_LIMIT_PER_MINUTE" in result.stderr


def test_missing_index_refuses_to_start_with_exit_1(refusals):
    result = refusals["missing index"]
    assert result.returncode == 1
    assert "no index in" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_token_in_the_env_file_means_no_token(tmp_path, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_BOT_TOKEN=\nADMIN_USER_IDS=7,8\n", encoding="utf-8")
    settings = BotSettings(_env_file=env_file)
    assert settings.telegram_bot_token is None and settings.admin_user_ids == [7, 8]


def test_the_documented_env_example_is_valid_as_it_stands(tmp_path, monkeypatch):
    """A newcomer's first step is `cp .env.example .env`: that file must load as-is."""
    monkeypatch.chdir(tmp_path)
    env_file = Path(__file__).resolve().parent.parent / ".env.example"
    settings = BotSettings(_env_file=env_file)
    assert settings.telegram_bot_token is None and settings.webhook_url is None
    assert len(settings.feedback_salt.get_secret_value()) >= 8
    documented = {line.split("=", 1)[0] for line in env_file.read_text().splitlines() if "=" in line and not line.startswith("#")}
    assert documented == {name.upper() for name in BotSettings.model_fields}
