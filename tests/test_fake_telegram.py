"""Tests of the fake Telegram Bot API fixture, driven by the real python-telegram-bot
(``telegram.Bot`` and a polling ``Application``) over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    Chat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonCommands,
    Update,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeBotApi

ALICE = 1001


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=f"{api.api_root}/bot",
                   base_file_url=f"{api.api_root}/file/bot") as client:  # fmt: skip
        yield client


def build_app(api: FakeBotApi) -> Application:
    return (
        Application.builder()
        .token(api.token)
        .base_url(f"{api.api_root}/bot")
        .base_file_url(f"{api.api_root}/file/bot")
        .build()
    )


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """Run ``app`` exactly like ``run_polling`` would, inside the test's event loop."""
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=2)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.mark.asyncio
async def test_get_me_shape_is_accepted_by_ptb(bot: Bot, api: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "clubhouse_qa_bot" and me.first_name == "Clubhouse QA"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is True
    assert me.id == api.bot_user.id == 123
    assert api.calls[-1].method == "getMe" and api.calls[-1].ok


@pytest.mark.asyncio
async def test_long_polling_returns_early_when_a_message_arrives(bot: Bot, api: FakeBotApi) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.3) == ()
    assert time.monotonic() - started >= 0.25  # really waited for the timeout

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    api.send_message("/start@clubhouse_qa_bot hi @bob_the_builder")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1
    message = updates[0].message
    assert message.text.startswith("/start") and message.chat.type == "private"
    assert [e.type for e in message.entities] == ["bot_command", "mention"]
    assert message.entities[0].length == len("/start@clubhouse_qa_bot")


@pytest.mark.asyncio
async def test_offset_confirms_updates_forever_and_redelivers_unconfirmed(
    bot: Bot, api: FakeBotApi
) -> None:
    for text in ("one", "two", "three"):
        api.send_message(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["one", "two", "three"]

    again = await bot.get_updates(offset=first[1].update_id)  # confirms "one"
    assert [u.message.text for u in again] == ["two", "three"]
    assert api.pending_updates() == 2
    redelivered = await bot.get_updates()  # no offset: unconfirmed come back
    assert [u.update_id for u in redelivered] == [u.update_id for u in again]

    assert await bot.get_updates(offset=again[-1].update_id + 1) == ()
    assert api.pending_updates() == 0
    assert await bot.get_updates(offset=first[0].update_id) == ()  # confirmed = gone


@pytest.mark.asyncio
async def test_allowed_updates_filters_out_other_types(bot: Bot, api: FakeBotApi) -> None:
    sent = await bot.send_message(ALICE, "pick", reply_markup=InlineKeyboardMarkup.from_button(
        InlineKeyboardButton("A", callback_data="a")))  # fmt: skip
    api.press_button(sent, "a")
    api.send_message("text")
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["text"]


@pytest.mark.asyncio
async def test_application_echo_over_polling(api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text, do_quote=True)

    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(app):
        sent = api.send_message("hello there")
        reply = await api.wait_for_reply(ALICE, timeout=5)
        assert reply.params["text"] == "hello there"
        assert reply.params["reply_parameters"]["message_id"] == sent.message_id
        assert api.messages(ALICE)[-1]["text"] == "hello there"
        assert api.messages(ALICE)[-1]["message_id"] == sent.message_id + 1
    methods = {call.method for call in api.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods
    assert api.pending_updates() == 0  # the updater confirmed everything on stop


@pytest.mark.asyncio
async def test_html_validation_matches_telegram(bot: Bot, api: FakeBotApi) -> None:
    for bad in ("<x>hi</x>", "<b>unclosed", "<b><i>x</b></i>", "1 < 2", "<span>s</span>"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(ALICE, bad, parse_mode="HTML")
    html = '<b>bold <i>both</i></b> &lt;3 <a href="https://example.com">link</a>'
    message = await bot.send_message(ALICE, html, parse_mode="HTML")
    assert message.text == "bold both <3 link"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 9), ("italic", 5, 4), ("text_link", 13, 4)]  # fmt: skip
    assert api.calls[-1].params["text"] == html and api.calls[-1].params["parse_mode"] == "HTML"
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE, "<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    assert await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(ALICE, "<i> </i>", parse_mode="HTML")


@pytest.mark.asyncio
async def test_expandable_blockquotes_as_telegram_parses_them(bot: Bot, api: FakeBotApi) -> None:
    """Bot API 7.3: `expandable`, bare or with a value, makes a blockquote expandable (the name
    is case-sensitive); other bare attributes are ignored; blockquotes cannot nest."""
    async def entity_types(html: str) -> list[tuple[str, int, int]]:
        message = await bot.send_message(ALICE, html, parse_mode="HTML")
        return [(e.type, e.offset, e.length) for e in message.entities]

    assert await entity_types("<b>A.</b>\n<blockquote expandable>B. C.</blockquote>") == [
        ("bold", 0, 2), ("expandable_blockquote", 3, 5)]  # fmt: skip
    assert await entity_types('<blockquote expandable="">x</blockquote>') == [("expandable_blockquote", 0, 1)]
    assert await entity_types("<blockquote EXPANDABLE>x</blockquote>") == [("blockquote", 0, 1)]
    assert await entity_types('<b class x>x</b> <a href="https://e.org" download>y</a>') == [
        ("bold", 0, 1), ("text_link", 2, 1)]  # fmt: skip
    assert await entity_types("<blockquote>a<blockquote expandable>b</blockquote></blockquote>") == [
        ("blockquote", 0, 2)]  # fmt: skip
    for bad in ("<blockquote expandable", "<b />x</b>", "<blockquote expandable>x</blockquote"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(ALICE, bad, parse_mode="HTML")


@pytest.mark.asyncio
async def test_message_reactions(bot: Bot, api: FakeBotApi) -> None:
    asked = api.send_message("thanks!", chat_type="supergroup", user_id=5)
    assert await bot.set_message_reaction(asked.chat_id, asked.message_id, "👍")
    assert api.reactions[(asked.chat_id, asked.message_id)] == ["👍"]
    for reaction, error in (("🦖", "REACTION_INVALID"), (["👍", "🔥"], "REACTIONS_TOO_MANY")):
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await bot.set_message_reaction(asked.chat_id, asked.message_id, reaction)
    with pytest.raises(BadRequest, match="(?i)message to react not found"):
        await bot.set_message_reaction(asked.chat_id, asked.message_id + 5, "👍")
    assert await bot.set_message_reaction(asked.chat_id, asked.message_id, [])
    assert api.reactions[(asked.chat_id, asked.message_id)] == []


@pytest.mark.asyncio
async def test_user_actions_produce_updates_ptb_parses(bot: Bot, api: FakeBotApi) -> None:
    group = api.send_message("hi all", chat_type="group", user_id=5, first_name="Eve")
    api.send_sticker()
    api.send_photo(caption="pic", user_id=9)
    api.send_voice(reply_to_message_id=1)
    api.edit_message(group.chat_id, group.message_id, "hi all (edited)")
    api.send_channel_post("news")
    api.send_message("fwd", forward_from_user_id=5)
    document = api.send_document(caption="@clubhouse_qa_bot read this", user_id=9)
    api.edit_message(document.chat_id, document.message_id, "read this instead")
    updates = await bot.get_updates()
    kinds = [(u.effective_chat.type, u.effective_message.message_id) for u in updates]
    assert kinds == [("group", 1), ("private", 1), ("private", 1), ("private", 2),
                     ("group", 1), ("channel", 1), ("private", 3), ("private", 2), ("private", 2)]  # fmt: skip
    sticker, photo, voice, edited, post, fwd, sent_document, edited_document = (u.effective_message for u in updates[1:])
    assert sent_document.document.file_name and [e.type for e in sent_document.caption_entities] == ["mention"]
    assert updates[8].edited_message.caption == "read this instead" and not edited_document.caption_entities
    assert sticker.sticker.emoji and photo.photo[-1].width and photo.caption == "pic"
    assert voice.voice.mime_type == "audio/ogg" and voice.reply_to_message.message_id == 1
    assert updates[4].edited_message.text == "hi all (edited)" and edited.edit_date
    assert updates[5].channel_post.sender_chat.id == post.chat.id < 0
    assert fwd.forward_origin.sender_user.first_name == "Eve"


@pytest.mark.asyncio
async def test_users_carry_their_telegram_language(bot: Bot, api: FakeBotApi) -> None:
    message = api.send_message("привет", user_id=7, language_code="ru")
    api.press_button(message, "x", user_id=7, language_code="ru", strict=False)
    api.inline_query("q", user_id=8, language_code="en")
    api.send_message("no language", user_id=9)
    updates = await bot.get_updates()
    assert [u.effective_user.language_code for u in updates] == ["ru", "ru", "en", None]


@pytest.mark.asyncio
async def test_chat_and_bot_settings_methods(bot: Bot, api: FakeBotApi) -> None:
    group = api.send_message("hi", chat_type="supergroup", chat_title="Club", user_id=5)
    chat = await bot.get_chat(group.chat_id)
    assert chat.title == "Club" and chat.type == "supergroup"
    assert (await bot.get_chat_member(group.chat_id, 5)).status == "member"
    assert (await bot.get_chat_member(group.chat_id, api.bot_user.id)).status == "administrator"
    await bot.send_chat_action(group.chat_id, "typing")
    assert await bot.leave_chat(group.chat_id)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(group.chat_id, "still here?")
    api.block_bot(ALICE)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(ALICE, "hello?")

    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    await bot.set_my_description("About")
    await bot.set_my_short_description("Short")
    assert (await bot.get_my_short_description()).short_description == "Short"
    # Per language, as Telegram keeps them: a two-letter code, and the default for the others.
    await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")
    await bot.set_my_description("О боте", language_code="ru")
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    assert (await bot.get_my_description(language_code="ru")).description == "О боте"
    assert (await bot.get_my_description(language_code="de")).description == ""
    assert (await bot.get_my_description()).description == "About"
    with pytest.raises(BadRequest, match="(?i)language_code_invalid"):
        await bot.set_my_description("x", language_code="ru-RU")
    with pytest.raises(BadRequest, match="(?i)description_invalid"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match="(?i)short_description_invalid"):
        await bot.set_my_short_description("x" * 121, language_code="ru")
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert (await bot.get_chat_menu_button()).type == "commands"


@pytest.mark.asyncio
async def test_edit_delete_and_not_modified(bot: Bot, api: FakeBotApi) -> None:
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Go", callback_data="go"))
    sent = await bot.send_message(ALICE, "v1", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("v1", ALICE, sent.message_id, reply_markup=keyboard)
    await bot.edit_message_text("v2", ALICE, sent.message_id)  # no markup: keyboard removed
    stored = api.messages(ALICE)[-1]
    assert stored["text"] == "v2" and "reply_markup" not in stored and "edit_date" in stored
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "x", reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("long", callback_data="x" * 65)))  # fmt: skip
    assert await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)
    assert api.messages(ALICE) == []


@pytest.mark.asyncio
async def test_keyboard_edits_and_force_reply(bot: Bot, api: FakeBotApi) -> None:
    both = InlineKeyboardMarkup.from_row([InlineKeyboardButton("A", callback_data="a"),
                                          InlineKeyboardButton("B", callback_data="b")])  # fmt: skip
    sent = await bot.send_message(ALICE, "pick", reply_markup=both)
    one = InlineKeyboardMarkup.from_button(InlineKeyboardButton("B", callback_data="b"))
    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=one)
    assert api.messages(ALICE)[-1]["reply_markup"]["inline_keyboard"] == [[{"text": "B", "callback_data": "b"}]]
    with pytest.raises(ValueError, match="no button"):  # a client shows only the buttons the message has
        api.press_button(sent.message_id, "a", chat_id=ALICE)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=one)
    prompt = await bot.send_message(ALICE, "Why?", reply_markup=ForceReply(selective=True, input_field_placeholder="Say"))
    assert api.reply_keyboard(ALICE) == {"force_reply": True, "selective": True, "input_field_placeholder": "Say"}
    assert "reply_markup" not in api.messages(ALICE)[-1]  # not part of the Message, as on Telegram
    with pytest.raises(BadRequest, match="(?i)can't parse reply keyboard"):
        await bot.send_message(ALICE, "Why?", reply_markup=ForceReply(input_field_placeholder="x" * 65))
    channel = api.remember_chat(Chat(-1002000000001, "channel", title="News"))
    with pytest.raises(BadRequest, match="(?i)not supported in channels"):
        await bot.send_message(channel.id, "Why?", reply_markup=ForceReply())
    answer = api.send_message("Because", reply_to_message_id=prompt.message_id)
    assert answer.reply_to_message.message_id == prompt.message_id


@pytest.mark.asyncio
async def test_callback_query_round_trip(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        buttons = [[InlineKeyboardButton("Yes", callback_data="yes"),
                    InlineKeyboardButton("No", callback_data="no")]]  # fmt: skip
        await update.message.reply_text("Join?", reply_markup=InlineKeyboardMarkup(buttons))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"You said {query.data}")

    app = build_app(api)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with polling(app):
        api.send_message("/start")
        prompt = await api.wait_for_reply(ALICE)
        with pytest.raises(ValueError, match="no button"):
            api.press_button(prompt, "maybe")
        mark = api.mark()
        query_id = api.press_button(prompt, "yes")
        edit = await api.wait_for_call("editMessageText", after=mark, timeout=5)
    assert api.callback_answers == [{"callback_query_id": query_id, "text": "got yes"}]
    assert edit.params["message_id"] == prompt.result["message_id"]
    assert api.messages(ALICE)[-1]["text"] == "You said yes"


@pytest.mark.asyncio
async def test_inline_query_round_trip(api: FakeBotApi) -> None:
    async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query.query
        await update.inline_query.answer([InlineQueryResultArticle(
            "1", f"Echo {query}", InputTextMessageContent(query))], cache_time=0)  # fmt: skip

    app = build_app(api)
    app.add_handler(InlineQueryHandler(on_inline))
    async with polling(app):
        query_id = api.inline_query("tennis")
        await api.wait_for_call("answerInlineQuery", timeout=5)
    [answer] = api.inline_answers
    assert answer["inline_query_id"] == query_id
    assert answer["results"][0]["title"] == "Echo tennis"


@pytest.mark.asyncio
async def test_an_inline_results_message_is_checked_like_a_message(bot: Bot, api: FakeBotApi) -> None:
    def article(text: str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle("1", "t", InputTextMessageContent(text, parse_mode="HTML"))

    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.answer_inline_query(api.inline_query("x"), [article("<blockquote expandable>open")])
    assert await bot.answer_inline_query(api.inline_query("y"), [article("<b>A</b><blockquote expandable>B</blockquote>")])


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's own
async def test_injected_faults_surface_as_ptb_errors(bot: Bot, api: FakeBotApi) -> None:
    api.inject_faults("getMe", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.get_me()
    api.inject_faults(status=429, retry_after=3, count=2)
    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(ALICE, "hi")
    assert (await bot.send_message(ALICE, "hi")).text == "hi"  # faults used up

    api.inject_faults("getMe", delay=0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.25
    assert [c.error_code for c in api.calls[1:5]] == [500, 429, 429, None]  # [0]: init getMe


@pytest.mark.asyncio
async def test_pause_refuses_connections_and_resume_comes_back(bot: Bot, api: FakeBotApi) -> None:
    await bot.get_me()
    port = api.port
    await api.pause()
    with pytest.raises(NetworkError):
        await bot.get_me()
    await api.resume()
    assert api.port == port and (await bot.get_me()).username == "clubhouse_qa_bot"


@pytest.mark.asyncio
async def test_unknown_method_and_bad_token(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendCarrierPigeon")
    with pytest.raises(InvalidToken):
        async with Bot("123:WRONG", base_url=f"{api.api_root}/bot"):
            pass
    assert api.calls[-1].error_code == 404  # only the unknown method got recorded


@pytest.mark.asyncio
async def test_http_control_api(bot: Bot, api: FakeBotApi) -> None:
    async with aiohttp.ClientSession(api.api_root) as http:
        async with http.post("/_test/send_message", json={"text": "ping", "user_id": 7}) as resp:
            sent = (await resp.json())["message"]
        assert sent["chat"]["id"] == 7 and sent["text"] == "ping"
        mark = len(await (await http.get("/_test/calls")).json())
        await bot.send_message(7, "pong")
        body = {"chat_id": 7, "timeout": 2, "after": mark}
        async with http.post("/_test/wait_for_reply", json=body) as resp:
            assert (await resp.json())["params"]["text"] == "pong"
        body = {"chat_id": 7, "timeout": 0.1, "after": mark + 1}
        async with http.post("/_test/wait_for_reply", json=body) as resp:
            assert resp.status == 408
