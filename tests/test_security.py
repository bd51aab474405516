"""Who gets in and what is kept: the allow-list and admin commands at every entry point,
the webhook's secret token, per-user rate limits under a flood, and secrets out of git.
(The token and user ids in a full run's log output: test_reliability_restart.)"""

from __future__ import annotations

import asyncio
import socket
import subprocess

import aiohttp
import pytest

from bot.app import build_application, webhook_options
from bot.ratelimit import SlidingWindowLimiter
from tests.conftest import BOT_USERNAME, REPO, bot_settings
from tests.fake_telegram import eventually

ALICE, ADMIN, CAROL = 1001, 1009, 6666
QUESTION = "How many downloads does Clubhouse have?"
GROUP = dict(chat_type="supergroup", chat_id=-100777, chat_title="Mixed company")


def bot_messages_after(api, mark: int) -> list:
    return [c for c in api.calls[mark:] if c.method in ("sendMessage", "editMessageText") and c.ok]


async def quiet(app, api) -> None:
    """Every update delivered and handled: nothing more will be sent for them."""
    journal = app.bot_data["services"].journal
    await eventually(lambda: api.pending_updates() == 0 and not journal.pending, what="the bot to be idle")


def buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def test_secrets_and_state_are_git_ignored():
    for path in (".env", "var/bot.sqlite3", "var/bot.sqlite3-wal", "var/bot.sqlite3.lock", "var/feedback.jsonl"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO).returncode == 0, path


@pytest.mark.e2e
@pytest.mark.model
async def test_allow_list_and_admin_commands_hold_at_every_entry_point(fake_api, start_bot):
    app = await start_bot(allowed_user_ids=[ALICE], admin_user_ids=[ADMIN])
    state = app.bot_data["services"].state

    # Alice's answer in a group, with its buttons, for Carol to press.
    fake_api.send_message(f"@{BOT_USERNAME} {QUESTION}", user_id=ALICE, **GROUP)
    answer = await fake_api.wait_for_reply(GROUP["chat_id"], timeout=30)
    assert "5 million downloads" in answer.params["text"]

    mark = fake_api.mark()
    refusals = (
        (lambda: fake_api.send_message(QUESTION, user_id=CAROL), CAROL),
        (lambda: fake_api.send_message(f"/ask {QUESTION}", user_id=CAROL), CAROL),
        (lambda: fake_api.send_message(f"@{BOT_USERNAME} {QUESTION}", user_id=CAROL, **GROUP), GROUP["chat_id"]),
    )
    for send, chat in refusals:
        send()
        assert (await fake_api.wait_for_reply(chat)).params["text"] == "Sorry, this bot is private."
    first = fake_api.send_message("Who wrote Hamlet?", user_id=CAROL)
    await quiet(app, fake_api)
    edit_mark = fake_api.mark()
    fake_api.edit_message(CAROL, first.message_id, QUESTION)
    assert (await fake_api.wait_for_reply(CAROL, after=edit_mark)).params["text"] == "Sorry, this bot is private."
    for data in buttons(answer):  # more passages, 👍, 👎
        fake_api.press_button(answer, data, user_id=CAROL, chat_id=GROUP["chat_id"])
    fake_api.inline_query(QUESTION, user_id=CAROL)
    fake_api.send_message("/reindex", user_id=CAROL)
    fake_api.send_message("/reindex", user_id=ALICE)  # allowed, but not an admin
    await quiet(app, fake_api)

    callbacks = [c for c in fake_api.calls[mark:] if c.method == "answerCallbackQuery"]
    assert len(callbacks) == 3 and all(c.params["text"] == "Sorry, this bot is private." for c in callbacks)
    inline = [c for c in fake_api.calls[mark:] if c.method == "answerInlineQuery"]
    assert len(inline) == 1 and inline[0].params["results"] == []
    texts = [c.params["text"] for c in bot_messages_after(fake_api, mark)]
    assert not any("📰" in t or "Rebuilding" in t for t in texts)  # nothing answered (an answer names its source), nothing rebuilt
    assert "Sorry, only the bot's admins can rebuild the index." in texts
    assert not state.votes()  # Carol's votes were not recorded
    assert app.bot_data["services"].reindexer.running is False


@pytest.mark.e2e
@pytest.mark.model
async def test_a_flood_from_one_user_is_limited_while_others_are_answered(fake_api, start_bot):
    app = await start_bot(rate_limit_per_minute=3)
    flooder, others = 5555, (5001, 5002, 5003)
    for n in range(30):
        fake_api.send_message(f"{QUESTION} ({n})", user_id=flooder)
        if n % 10 == 5:
            fake_api.send_message(QUESTION, user_id=others[n // 10])
    await eventually(lambda: all(fake_api.messages(user) for user in others), timeout=60, what="others answered")
    await quiet(app, fake_api)
    for user in others:
        [reply] = [m["text"] for m in fake_api.messages(user)]
        assert "5 million downloads" in reply
    to_flooder = [m["text"] for m in fake_api.messages(flooder)]
    answered = [t for t in to_flooder if "5 million downloads" in t]
    told = [t for t in to_flooder if "Too many questions" in t]
    assert len(answered) == 3 and len(told) == 1 and len(to_flooder) == 4  # told once, then ignored
    # the limiter keeps a bounded window per user, and forgets idle users
    assert len(app.bot_data["services"].limiter) <= 4


def test_rate_limiter_memory_is_bounded():
    now = [0.0]
    limiter = SlidingWindowLimiter(5, window=60, clock=lambda: now[0])
    for user in range(10_000):
        for _ in range(8):
            limiter.acquire(user)
        now[0] += 0.01  # 10,000 users within 100 s
    assert len(limiter) < 10_000 and all(len(events) <= 5 for events in limiter._events.values())
    now[0] += 61
    limiter.acquire("late")
    assert len(limiter) == 1  # everyone idle for a whole window is forgotten


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.e2e
@pytest.mark.model
async def test_webhook_rejects_requests_without_the_secret_token(fake_api, bot_engine, bot_index, tmp_path):
    corpus, index = bot_index
    port = free_port()
    settings = bot_settings(
        fake_api, corpus, index, tmp_path, webhook_url="https://bot.example.org/tg/hook",
        webhook_secret_token="s3cret_TOKEN-42", webhook_listen="127.0.0.1", webhook_port=port,
    )  # fmt: skip
    app = build_application(settings, bot_engine)
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_webhook(**webhook_options(settings))
        try:
            hook = await fake_api.wait_for_call("setWebhook")
            assert hook.params["secret_token"] == "s3cret_TOKEN-42"
            fake_api.send_message("Who wrote Hamlet?", user_id=ALICE)  # forged without the secret
            fake_api.send_message(QUESTION, user_id=ALICE)  # the genuine one
            forged, genuine = fake_api.pending(2)
            mark = fake_api.mark()
            url = f"http://127.0.0.1:{port}/tg/hook"
            async with aiohttp.ClientSession() as http:
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                    async with http.post(url, json=forged, headers=headers) as response:
                        assert response.status == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_TOKEN-42"}
                async with http.post(url, json=genuine, headers=headers) as response:
                    assert response.status == 200
            reply = await fake_api.wait_for_reply(ALICE, after=mark, timeout=30)
            assert "5 million downloads" in reply.params["text"]
            await eventually(lambda: not app.bot_data["services"].journal.pending)
            assert len(bot_messages_after(fake_api, mark)) == 1  # the forged update was never handled
        finally:
            await app.updater.stop()
            await app.stop()
            await asyncio.sleep(0)
