"""Bot API methods served by the fake, with Telegram's validation and errors.

Each method takes the decoded request params and returns the JSON ``result``
or raises :class:`ApiError`.  Behaviour follows the real API where tests can
observe it: per-chat message ids, "message is not modified", keyboards removed
by an edit without reply_markup, one-shot query answers, 409 on competing
getUpdates, and so on.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable
from typing import Any

from telegram import (
    BotDescription,
    BotShortDescription,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    User,
    WebhookInfo,
)

from .api_support import (
    CHAT_ACTIONS,
    COMMAND_NAME,
    NOT_MODIFIED,
    QUERY_INVALID,
    REACTION_EMOJI,
    ApiError,
    DESCRIPTION_LIMIT,
    SHORT_DESCRIPTION_LIMIT,
    bad_request,
    chat_full_info,
    check_language_code,
    check_length,
    chat_member,
    get_bool,
    get_int,
    get_json,
    placeholder_chat,
    scope_key,
    set_or_clear,
    validate_force_reply,
    validate_inline_keyboard,
)
from .state import DEFAULT_ALLOWED, PollSlot, TelegramState, now_dt, now_ts, to_json
from .text_format import TextError, format_message_text

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
SERVED_METHODS = (
    "getMe getUpdates deleteWebhook setWebhook getWebhookInfo close logOut "
    "setMyCommands getMyCommands deleteMyCommands setMyDescription getMyDescription "
    "setMyShortDescription getMyShortDescription setChatMenuButton getChatMenuButton "
    "sendMessage editMessageText editMessageReplyMarkup deleteMessage sendChatAction setMessageReaction "
    "answerCallbackQuery answerInlineQuery getChat getChatMember leaveChat"
).split()




class BotApiMethods:
    """The served methods; ``lookup("sendmessage")`` finds ``send_message``."""

    def __init__(self, state: TelegramState) -> None:
        self.state = state
        # built eagerly so a missing handler fails at construction, not mid-test
        self._handlers = {
            name.lower(): (name, getattr(self, re.sub(r"([A-Z])", r"_\1", name).lower()))
            for name in SERVED_METHODS
        }

    def lookup(self, name: str) -> tuple[str, Callable[[dict[str, Any]], Any]] | None:
        """Telegram method names are case-insensitive; returns (canonical name, handler)."""
        return self._handlers.get(name.lower())

    async def call(self, handler: Callable[[dict[str, Any]], Any], params: dict[str, Any]) -> Any:
        result = handler(params)
        return await result if inspect.isawaitable(result) else result

    # ---- bot & updates -------------------------------------------------------------

    def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return to_json(self.state.bot_user)

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm by offset, then wait up to ``timeout`` for updates."""
        state = self.state
        if state.settings.webhook:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = get_int(params, "offset", required=False)
        if offset:
            state.confirm(offset)
        allowed = get_json(params, "allowed_updates")
        if allowed is not None:
            state.settings.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
        limit = min(max(get_int(params, "limit", required=False) or 100, 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        return await self._long_poll(limit, timeout)

    async def _long_poll(self, limit: int, timeout: float) -> list[dict[str, Any]]:
        state = self.state
        if state.active_poll:  # only one getUpdates may wait at a time
            state.active_poll.terminated = "conflict"
            state.notify()
        slot = state.active_poll = PollSlot()

        def ready() -> Any:
            state.drop_disallowed()
            return slot.terminated or state.pending(limit)

        try:
            await state.wait_until(ready, timeout)
        finally:
            if state.active_poll is slot:
                state.active_poll = None
        if slot.terminated == "conflict":
            raise ApiError(409, POLL_CONFLICT)
        return [] if slot.terminated else state.pending(limit)

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.state.settings.webhook = None
        if get_bool(params, "drop_pending_updates"):
            self.state.drop_pending_updates()
        return True

    def set_webhook(self, params: dict[str, Any]) -> bool:
        """Recorded only; the fake never pushes updates to webhooks."""
        if not params.get("url"):
            return self.delete_webhook(params)
        self.state.settings.webhook = dict(params)
        if get_bool(params, "drop_pending_updates"):
            self.state.drop_pending_updates()
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self.state.settings.webhook or {}
        info = WebhookInfo(
            url=hook.get("url", ""), has_custom_certificate=False,
            pending_update_count=self.state.pending_updates(),
            allowed_updates=get_json(hook, "allowed_updates"),
        )  # fmt: skip
        return to_json(info)

    def close(self, params: dict[str, Any]) -> bool:
        return True

    def log_out(self, params: dict[str, Any]) -> bool:
        return True

    # ---- commands, descriptions, menu ------------------------------------------------

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        check_language_code(params)
        commands = get_json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not COMMAND_NAME.match(str(command.get("command", "")).lstrip("/")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.settings.commands[scope_key(params)] = commands
        return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self.state.settings.commands.get(scope_key(params), []))

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.state.settings.commands.pop(scope_key(params), None)
        return True

    def set_my_description(self, params: dict[str, Any]) -> bool:
        check_language_code(params)
        check_length(params, "description", DESCRIPTION_LIMIT)
        set_or_clear(self.state.settings.descriptions, params, "description")
        return True

    def get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        text = self.state.settings.descriptions.get(params.get("language_code") or "", "")
        return to_json(BotDescription(text))

    def set_my_short_description(self, params: dict[str, Any]) -> bool:
        check_language_code(params)
        check_length(params, "short_description", SHORT_DESCRIPTION_LIMIT)
        set_or_clear(self.state.settings.short_descriptions, params, "short_description")
        return True

    def get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        text = self.state.settings.short_descriptions.get(params.get("language_code") or "", "")
        return to_json(BotShortDescription(text))

    def set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        button = get_json(params, "menu_button") or {"type": "default"}
        self.state.settings.menu_buttons[get_int(params, "chat_id", required=False)] = button
        return True

    def get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        buttons = self.state.settings.menu_buttons
        key = get_int(params, "chat_id", required=False)
        return copy.deepcopy(buttons.get(key) or buttons.get(None) or {"type": "commands"})

    # ---- messages -----------------------------------------------------------------------

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._sendable_chat(params)
        text, entities = self._text(params)
        markup = self._inline_markup(params, chat.id)
        reply_to = self._reply_target(chat.id, params)
        is_post = chat.type == "channel"
        sender: dict[str, Any] = (
            {"sender_chat": chat} if is_post else {"from_user": self.state.bot_sender}
        )
        message = Message(
            message_id=self.state.next_message_id(chat.id), date=now_dt(), chat=chat,
            text=text, entities=entities or None, reply_markup=markup,
            reply_to_message=reply_to, **sender,
        )  # fmt: skip
        return copy.deepcopy(self.state.store_message(to_json(message), by_bot=True))

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        """Replaces text; like Telegram, an omitted reply_markup removes the keyboard."""
        if params.get("inline_message_id"):
            self._text(params)
            return True
        stored = self._editable(params)
        if "text" not in stored:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(params)
        markup = self._inline_markup(params, stored["chat"]["id"])
        changes = {"text": text, "entities": [to_json(e) for e in entities] or None,
                   "reply_markup": to_json(markup) if markup else None}  # fmt: skip
        return self._apply_edit(stored, changes)

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        stored = self._editable(params)
        markup = self._inline_markup(params, stored["chat"]["id"])
        return self._apply_edit(stored, {"reply_markup": to_json(markup) if markup else None})

    def delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._known_chat(params).id
        if not self.state.delete_message(chat_id, get_int(params, "message_id")):
            raise bad_request("message to delete not found")
        return True

    def set_message_reaction(self, params: dict[str, Any]) -> bool:
        """A bot sets at most one reaction, an emoji Telegram offers (custom emoji need a
        premium owner); an empty list removes it. Kept in ``state.reactions``."""
        chat = self._sendable_chat(params)
        message_id = get_int(params, "message_id")
        if self.state.get_message(chat.id, message_id) is None:
            raise bad_request("message to react not found")
        reaction = get_json(params, "reaction") or []
        if not isinstance(reaction, list):
            raise bad_request("can't parse reaction types JSON object")
        if len(reaction) > 1:
            raise bad_request("REACTIONS_TOO_MANY")
        for kind in reaction:
            if not isinstance(kind, dict) or kind.get("type") != "emoji" or kind.get("emoji") not in REACTION_EMOJI:
                raise bad_request("REACTION_INVALID")
        self.state.reactions[(chat.id, message_id)] = [kind["emoji"] for kind in reaction]
        return True

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        self._sendable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # ---- queries --------------------------------------------------------------------------

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        if self.state.take_query(str(params.get("callback_query_id", "")), "callback") is None:
            raise bad_request(QUERY_INVALID)
        self.state.callback_answers.append(dict(params))
        return True

    def answer_inline_query(self, params: dict[str, Any]) -> bool:
        results = get_json(params, "results", "inline query results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results if isinstance(r, dict)]
        if len(ids) != len(results) or not all(r.get("type") for r in results):
            raise bad_request("can't parse inline query result")
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        for result in results:  # the message a result sends is checked like any other
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                try:
                    format_message_text(content["message_text"], content.get("parse_mode"))
                except TextError as exc:
                    raise ApiError(400, str(exc)) from None
        if self.state.take_query(str(params.get("inline_query_id", "")), "inline") is None:
            raise bad_request(QUERY_INVALID)
        self.state.inline_answers.append({**params, "results": results})
        return True

    # ---- chats ------------------------------------------------------------------------------

    def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        return to_json(chat_full_info(chat))

    def get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        user_id = get_int(params, "user_id")
        bot = self.state.bot_user
        user = bot if user_id == bot.id else self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return to_json(chat_member(user, self._member_status(chat, user)))

    def leave_chat(self, params: dict[str, Any]) -> bool:
        chat = self._known_chat(params)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.state.member_status[(chat.id, self.state.bot_user.id)] = "left"
        return True

    # ---- helpers -------------------------------------------------------------------------------

    def _known_chat(self, params: dict[str, Any]) -> Chat:
        """The chat named by chat_id; unknown chats are invented unless strict_chats."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat_id = self.state.resolve_chat_id(raw)
        chat = self.state.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            if chat_id is None or self.state.strict_chats:
                raise bad_request("chat not found")
            chat = self.state.remember_chat(placeholder_chat(chat_id))
        return chat

    def _sendable_chat(self, params: dict[str, Any]) -> Chat:
        chat = self._known_chat(params)
        if chat.type == "private" and chat.id in self.state.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        status = self.state.member_status.get((chat.id, self.state.bot_user.id))
        if status in ("left", "kicked"):
            verb = "was kicked from" if status == "kicked" else "is not a member of"
            kind = "group" if chat.type == "group" else chat.type
            raise ApiError(403, f"Forbidden: bot {verb} the {kind} chat")
        return chat

    def _text(self, params: dict[str, Any]) -> tuple[str, list[MessageEntity]]:
        try:
            text, entities = format_message_text(params.get("text"), params.get("parse_mode"))
        except TextError as exc:
            raise ApiError(400, str(exc)) from None
        given = get_json(params, "entities")
        if given and not params.get("parse_mode"):
            entities = list(MessageEntity.de_list(given, None))
        return text, entities

    def _inline_markup(self, params: dict[str, Any], chat_id: int) -> InlineKeyboardMarkup | None:
        """Validate reply_markup; only inline keyboards are echoed on the message."""
        markup = get_json(params, "reply_markup", "reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                raise bad_request("can't parse reply keyboard markup JSON object")
            if "force_reply" in markup:
                validate_force_reply(markup, self.state.chats.get(chat_id) or placeholder_chat(chat_id))
            # Not part of the Message Telegram returns: kept per chat (reply_keyboard()).
            self.state.reply_keyboards[chat_id] = markup
            return None
        validate_inline_keyboard(markup["inline_keyboard"])
        return InlineKeyboardMarkup.de_json(copy.deepcopy(markup), None)

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> Message | None:
        reply = get_json(params, "reply_parameters") or {}
        message_id = reply.get("message_id") or params.get("reply_to_message_id")
        if not message_id:
            return None
        target_chat = self.state.resolve_chat_id(reply.get("chat_id", chat_id))
        stored = self.state.get_message(target_chat, int(message_id))
        if stored is None:
            if reply.get("allow_sending_without_reply") or get_bool(
                params, "allow_sending_without_reply"
            ):
                return None
            raise bad_request("message to be replied not found")
        if target_chat != chat_id:
            return None  # a cross-chat quote is an external_reply; not modelled
        shallow = {k: v for k, v in copy.deepcopy(stored).items() if k != "reply_to_message"}
        return Message.de_json(shallow, None)

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._known_chat(params)
        message_id = get_int(params, "message_id")
        stored = self.state.get_message(chat.id, message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not self.state.is_bot_message(chat.id, message_id):
            raise bad_request("message can't be edited")
        return stored

    def _apply_edit(self, stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        if all(stored.get(key) == value for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                stored.pop(key, None)
            else:
                stored[key] = value
        stored["edit_date"] = now_ts()
        return copy.deepcopy(stored)

    def _member_status(self, chat: Chat, user: User) -> str:
        explicit = self.state.member_status.get((chat.id, user.id))
        if explicit:
            return explicit
        is_bot_in_group = user.id == self.state.bot_user.id and chat.type != "private"
        return "administrator" if is_bot_in_group else "member"


