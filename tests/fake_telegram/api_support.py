"""Shared pieces of the fake Bot API methods: Telegram errors, request-param
access, and validators/builders that mirror what the real API accepts and returns.

Error descriptions copy the real Bot API texts so that code matching on them
(and PTB's exception mapping) behaves as in production.
"""

from __future__ import annotations

import datetime as dtm
import json
import re
from typing import Any

from telegram import (
    AcceptedGiftTypes,
    Chat,
    ChatFullInfo,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    User,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
BUTTON_ACTIONS = frozenset(
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay".split()
)
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
# The emoji a bot may react with (Bot API, ReactionTypeEmoji).
REACTION_EMOJI = frozenset(
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤\u200d🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 "
    "🍾 💋 🖕 😈 😴 😭 🤓 👻 👨\u200d💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 "
    "🤷\u200d♂ 🤷 🤷\u200d♀ 😡".split()
)


class ApiError(Exception):
    """A Telegram error response: ``{"ok": false, "error_code": code, ...}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code}
        body["description"] = self.description
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# ---- param access (form values arrive as strings, JSON bodies as typed values) ---------


def get_int(params: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise bad_request(f"{key} is empty")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def get_json(params: dict[str, Any], key: str, what: str | None = None) -> Any:
    value = params.get(key)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {what or key} JSON object") from None


def get_bool(params: dict[str, Any], key: str) -> bool:
    value = params.get(key)
    return value is True or str(value).lower() in ("true", "1")



def scope_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = get_json(params, "scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


# setMyDescription and setMyShortDescription: at most this many characters.
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def check_language_code(params: dict[str, Any]) -> None:
    """Telegram takes a two-letter ISO 639-1 code, or none (the default for every language)."""
    code = params.get("language_code")
    if code and not _LANGUAGE_CODE.match(str(code)):
        raise bad_request("LANGUAGE_CODE_INVALID")


def check_length(params: dict[str, Any], key: str, limit: int) -> None:
    if len(str(params.get(key) or "")) > limit:
        raise bad_request(f"{key.upper()}_INVALID")


def set_or_clear(store: dict[str, str], params: dict[str, Any], key: str) -> None:
    language = params.get("language_code") or ""
    if params.get(key):
        store[language] = str(params[key])
    else:
        store.pop(language, None)


def validate_inline_keyboard(rows: Any) -> None:
    """Reject keyboards Telegram rejects; catches e.g. callback_data over 64 bytes."""
    prefix = "can't parse inline keyboard button: "
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(prefix + 'Field "text" must be of type String')
        if not BUTTON_ACTIONS & button.keys():
            raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")


def validate_force_reply(markup: dict[str, Any], chat: Chat) -> None:
    """Reject a ForceReply Telegram does not take: force_reply must be true, the input field's
    placeholder 1-64 characters, and channels have no reply interface to show. (The exact
    description Telegram gives for each is not documented: the generic one is used.)"""
    unparsable = bad_request("can't parse reply keyboard markup JSON object")
    if markup.get("force_reply") is not True:
        raise unparsable
    placeholder = markup.get("input_field_placeholder")
    if placeholder is not None and not (isinstance(placeholder, str) and 1 <= len(placeholder) <= 64):
        raise unparsable
    if chat.type == "channel":
        raise bad_request("force reply is not supported in channels")


def placeholder_chat(chat_id: int) -> Chat:
    if chat_id > 0:
        return Chat(chat_id, "private", first_name=f"User {chat_id}")
    kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
    return Chat(chat_id, kind, title=f"Chat {chat_id}")


def chat_member(user: User, status: str) -> ChatMember:
    if status == "creator":
        return ChatMemberOwner(user, is_anonymous=False)
    if status == "administrator":
        return ChatMemberAdministrator(
            user, can_be_edited=False, is_anonymous=False, can_manage_chat=True,
            can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
            can_promote_members=False, can_change_info=True, can_invite_users=True,
            can_post_stories=False, can_edit_stories=False, can_delete_stories=False,
            can_pin_messages=True,
        )  # fmt: skip
    if status == "left":
        return ChatMemberLeft(user)
    if status == "kicked":
        return ChatMemberBanned(user, until_date=dtm.datetime.fromtimestamp(0, dtm.timezone.utc))
    return ChatMemberMember(user)


def chat_full_info(chat: Chat) -> ChatFullInfo:
    """getChat's answer; the required-but-irrelevant fields get neutral values."""
    return ChatFullInfo(
        id=chat.id, type=chat.type, accent_color_id=0, max_reaction_count=11,
        accepted_gift_types=AcceptedGiftTypes(False, False, False, False, False),
        title=chat.title, username=chat.username, first_name=chat.first_name,
        last_name=chat.last_name,
    )  # fmt: skip
