"""What simulated users do: send, edit, press buttons, type inline queries.

Each action stores what a real client would create, queues exactly one
Update for the bot to poll, and returns the PTB object (or query id) so the
test can refer to it.  Objects are built with PTB's own classes so their
shape is the one PTB parses.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from telegram import (
    CallbackQuery,
    Chat,
    Document,
    InlineQuery,
    Message,
    MessageOriginUser,
    PhotoSize,
    Sticker,
    User,
    Voice,
)

from .state import DEFAULT_CHAT_IDS, Call, TelegramState, now_dt, now_ts, to_json
from .text_format import detect_entities

MessageRef = Message | Mapping[str, Any] | Call | int


class Sender(TypedDict, total=False):
    """Who sends a user message and where (the keyword arguments of ``send_*``)."""

    user_id: int
    first_name: str
    username: str | None
    language_code: str | None  # the user's Telegram language ("en", "ru"...), sent as from.language_code
    chat_id: int | None
    chat_type: str
    chat_title: str | None
    reply_to_message_id: int | None
    forward_from_user_id: int | None
    from_bot: bool


class UserActions(TelegramState):
    """User-side actions; each one enqueues one update."""

    def send_message(self, text: str, **sender: Unpack[Sender]) -> Message:
        """A user writes ``text``; bot_command/mention/url entities are auto-detected."""
        return self._user_message({"text": text, "entities": detect_entities(text) or None}, sender)

    def send_sticker(self, *, emoji: str = "👍", **sender: Unpack[Sender]) -> Message:
        sticker = Sticker(
            file_id=self._file_id("sticker"), file_unique_id=self._file_id("u"),
            width=512, height=512, is_animated=False, is_video=False, type="regular",
            emoji=emoji,
        )  # fmt: skip
        return self._user_message({"sticker": sticker}, sender)

    def send_photo(self, *, caption: str | None = None, **sender: Unpack[Sender]) -> Message:
        sizes = [
            PhotoSize(self._file_id("photo"), self._file_id("u"), side, side, side * 40)
            for side in (90, 320, 800)
        ]
        return self._user_message({"photo": sizes, **_caption(caption)}, sender)

    def send_document(
        self, *, file_name: str = "notes.pdf", caption: str | None = None, **sender: Unpack[Sender]
    ) -> Message:
        document = Document(self._file_id("document"), self._file_id("u"), file_name=file_name,
                            mime_type="application/pdf", file_size=12_000)  # fmt: skip
        return self._user_message({"document": document, **_caption(caption)}, sender)

    def send_voice(
        self, *, duration: int = 3, caption: str | None = None, **sender: Unpack[Sender]
    ) -> Message:
        voice = Voice(self._file_id("voice"), self._file_id("u"), duration, "audio/ogg", 9000)
        return self._user_message({"voice": voice, "caption": caption}, sender)

    def send_channel_post(
        self,
        text: str,
        *,
        chat_id: int = DEFAULT_CHAT_IDS["channel"],
        chat_title: str = "Test channel",
        username: str | None = None,
    ) -> Message:
        """A post in a channel where the bot is admin (``channel_post`` update, no ``from``);
        same as ``send_message(text, chat_type="channel", ...)`` plus a channel @username."""
        self.remember_chat(Chat(chat_id, "channel", title=chat_title, username=username))
        return self.send_message(text, chat_id=chat_id, chat_type="channel")

    def edit_message(self, chat_id: int, message_id: int, new_text: str) -> Message:
        """A user edits their own earlier text message, or the caption of a photo or document
        (``edited_message`` update)."""
        self.mark_user_action()
        stored = self.get_message(chat_id, message_id)
        if stored is None or self.is_bot_message(chat_id, message_id):
            raise ValueError(f"no user message {message_id} in chat {chat_id}")
        field, entities_field = ("text", "entities") if "text" in stored else ("caption", "caption_entities")
        stored[field] = new_text
        stored.pop(entities_field, None)
        entities = detect_entities(new_text)
        if entities:
            stored[entities_field] = [to_json(e) for e in entities]
        stored["edit_date"] = now_ts()
        message = Message.de_json(copy.deepcopy(stored), None)
        if message.chat.type == "channel":
            self.enqueue(edited_channel_post=message)
        else:
            self.enqueue(edited_message=message)
        return message

    def press_button(
        self,
        message: MessageRef,
        callback_data: str,
        *,
        user_id: int = 1001,
        first_name: str = "Alice",
        username: str | None = None,
        language_code: str | None = None,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> str:
        """A user taps an inline button of a bot message; returns the callback query id.

        ``message`` may be a telegram.Message, a stored/recorded message dict, the
        Call that sent it, or a message_id together with ``chat_id``.  With
        ``strict`` the message must currently carry a button with that data, just
        as a real client can only press buttons it shows.
        """
        self.mark_user_action()
        stored = self._resolve_message(message, chat_id)
        if strict and callback_data not in _callback_data_of(stored):
            raise ValueError(
                f"message {stored['message_id']} has no button with callback_data "
                f"{callback_data!r}; buttons: {sorted(_callback_data_of(stored))}"
            )
        user = self.remember_user(User(user_id, first_name, False, username=username, language_code=language_code))
        chat_key = stored["chat"]["id"]
        query_id = self.new_query_id("callback", {"chat_id": chat_key})
        query = CallbackQuery(
            id=query_id, from_user=user, chat_instance=str(10**12 + chat_key),
            message=Message.de_json(copy.deepcopy(stored), None), data=callback_data,
        )  # fmt: skip
        self.enqueue(callback_query=query)
        return query_id

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = 1001,
        first_name: str = "Alice",
        username: str | None = None,
        language_code: str | None = None,
        offset: str = "",
        chat_type: str | None = None,
    ) -> str:
        """A user types ``@bot query`` somewhere; returns the inline query id."""
        self.mark_user_action()
        user = self.remember_user(User(user_id, first_name, False, username=username, language_code=language_code))
        query_id = self.new_query_id("inline", {"user_id": user_id})
        self.enqueue(inline_query=InlineQuery(query_id, user, query, offset, chat_type=chat_type))
        return query_id

    # ---- relationship knobs used by reliability tests ------------------------------

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        """Make sends to this user's private chat fail with 403 like a real block."""
        (self.blocked_by.add if blocked else self.blocked_by.discard)(user_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Status getChatMember reports: creator/administrator/member/left/kicked."""
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(f"unsupported status {status!r}")
        self.member_status[(chat_id, user_id)] = status

    # ---- helpers -------------------------------------------------------------------

    def _user_message(self, content: dict[str, Any], sender: Sender) -> Message:
        self.mark_user_action()
        user = self.remember_user(
            User(sender.get("user_id", 1001), sender.get("first_name", "Alice"),
                 sender.get("from_bot", False), username=sender.get("username"),
                 language_code=sender.get("language_code"))
        )  # fmt: skip
        chat = self._user_chat(user, sender)
        is_post = chat.type == "channel"  # channel posts are signed by the chat, not a user
        message = Message(
            message_id=self.next_message_id(chat.id), date=now_dt(), chat=chat,
            from_user=None if is_post else user, sender_chat=chat if is_post else None,
            reply_to_message=self._reply_target(chat.id, sender),
            forward_origin=self._forward_origin(sender), **content,
        )  # fmt: skip
        self.store_message(to_json(message))
        if is_post:
            self.enqueue(channel_post=message)
        else:
            self.enqueue(message=message)
        return message

    def _user_chat(self, user: User, sender: Sender) -> Chat:
        chat_type = sender.get("chat_type", "private")
        chat_id = sender.get("chat_id")
        if chat_type == "private":
            chat = Chat(chat_id or user.id, "private", first_name=user.first_name,
                        username=user.username)  # fmt: skip
            return self.remember_chat(chat)
        if chat_type not in DEFAULT_CHAT_IDS:
            raise ValueError(f"chat_type {chat_type!r}: use private/group/supergroup/channel")
        chat_id = chat_id or DEFAULT_CHAT_IDS[chat_type]
        known = self.chats.get(chat_id)
        title = sender.get("chat_title") or (known.title if known else None) or f"Test {chat_type}"
        username = known.username if known else None
        return self.remember_chat(Chat(chat_id, chat_type, title=title, username=username))

    def _reply_target(self, chat_id: int, sender: Sender) -> Message | None:
        reply_id = sender.get("reply_to_message_id")
        if reply_id is None:
            return None
        stored = self.get_message(chat_id, reply_id)
        if stored is None:
            raise ValueError(f"no message {reply_id} in chat {chat_id} to reply to")
        return Message.de_json(_without_reply(stored), None)

    def _forward_origin(self, sender: Sender) -> MessageOriginUser | None:
        origin_id = sender.get("forward_from_user_id")
        if origin_id is None:
            return None
        origin = self.users.get(origin_id) or User(origin_id, f"User {origin_id}", False)
        return MessageOriginUser(date=now_dt(), sender_user=origin)

    def _resolve_message(self, ref: MessageRef, chat_id: int | None) -> dict[str, Any]:
        if isinstance(ref, Call):
            ref = ref.result
        if isinstance(ref, Message):
            chat_id, message_id = ref.chat_id, ref.message_id
        elif isinstance(ref, Mapping):
            chat_id = ref["chat"]["id"] if "chat" in ref else ref["chat_id"]
            message_id = ref["message_id"]
        else:
            message_id = int(ref)
        if chat_id is None:
            raise ValueError("pass chat_id together with a bare message_id")
        stored = self.get_message(int(chat_id), int(message_id))
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat_id} (deleted?)")
        return stored

    def _file_id(self, kind: str) -> str:
        self._next_query_id += 1
        return f"fake-{kind}-{self._next_query_id}"


def _caption(caption: str | None) -> dict[str, Any]:
    """A caption and the entities a client detects in it, as for a text message."""
    return {"caption": caption, "caption_entities": (detect_entities(caption) if caption else None) or None}


def _callback_data_of(message: Mapping[str, Any]) -> set[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row if "callback_data" in b}


def _without_reply(message: Mapping[str, Any]) -> dict[str, Any]:
    """Telegram nests replied-to messages only one level deep."""
    shallow = copy.deepcopy(dict(message))
    shallow.pop("reply_to_message", None)
    return shallow
