"""The fake Telegram "world": users, chats, stored messages, the update queue,
and a record of every Bot API call.

It is plain synchronous data plus a tiny change-notification mechanism, so
tests can mutate it directly (``api.send_message(...)``) and await conditions
(``await api.wait_for_call(...)``) in the same event loop as the server.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dtm
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from telegram import Chat, TelegramObject, Update, User

T = TypeVar("T")

# Chat ids used when a test asks for a non-private chat without naming one.
DEFAULT_CHAT_IDS = {"group": -4000000001, "supergroup": -1001000000001, "channel": -1002000000001}
# Update types delivered when the bot does not pass allowed_updates (Telegram's default).
DEFAULT_ALLOWED = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
     "inline_query", "chosen_inline_result", "my_chat_member", "poll", "poll_answer",
     "shipping_query", "pre_checkout_query", "chat_join_request"}
)  # fmt: skip
REPLY_METHODS = ("sendMessage", "editMessageText")
# Service flags PTB always serialises as False but Telegram simply omits.
_FALSE_FLAGS = frozenset(
    {"channel_chat_created", "delete_chat_photo", "group_chat_created", "supergroup_chat_created"}
)


def to_json(obj: TelegramObject) -> dict[str, Any]:
    """PTB's ``to_dict()`` as plain JSON data (enums become str), shaped like Telegram's."""
    return _prune(json.loads(json.dumps(obj.to_dict())))


def _prune(data: Any) -> Any:
    if isinstance(data, list):
        return [_prune(item) for item in data]
    if isinstance(data, dict):
        return {k: _prune(v) for k, v in data.items() if not (k in _FALSE_FLAGS and v is False)}
    return data


def now_ts() -> int:
    """Telegram dates are whole unix seconds."""
    return int(time.time())


def now_dt() -> dtm.datetime:
    """PTB objects take aware datetimes and serialise them back to unix seconds."""
    return dtm.datetime.fromtimestamp(now_ts(), tz=dtm.timezone.utc)


@dataclass
class Call:
    """One Bot API request as the bot sent it (params already JSON-decoded).

    Recorded when the response is sent, so ``result``/``error_code`` are final;
    ``index`` is its position in ``api.calls`` (use ``after=call.index + 1``).
    """

    method: str
    params: dict[str, Any]
    time: float
    result: Any = None
    error_code: int | None = None
    index: int = -1

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BotSettings:
    """Bot-level configuration the bot set through the API, kept for assertions."""

    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None
    allowed_updates: frozenset[str] = DEFAULT_ALLOWED


@dataclass
class PollSlot:
    """The getUpdates request currently waiting; a newer one terminates it (409)."""

    terminated: str | None = None  # "conflict" | "closing"


class TelegramState:
    """Everything the fake server knows, independent of HTTP."""

    def __init__(
        self, token: str, bot_username: str, bot_first_name: str, *, strict_chats: bool = False
    ) -> None:
        self.token = token
        # strict_chats: sending to a chat no user ever wrote from is "400 chat not found"
        # (as on Telegram) instead of inventing the chat.
        self.strict_chats = strict_chats
        self.bot_user = User(
            id=int(token.split(":", 1)[0]), first_name=bot_first_name, is_bot=True,
            username=bot_username, can_join_groups=True,
            can_read_all_group_messages=False, supports_inline_queries=True,
        )  # fmt: skip
        # how the bot appears as ``from`` of its own messages (no capability flags)
        self.bot_sender = User(self.bot_user.id, bot_first_name, True, username=bot_username)
        self.settings = BotSettings()
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.calls: list[Call] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.inline_answers: list[dict[str, Any]] = []
        self.member_status: dict[tuple[int, int], str] = {}
        self.blocked_by: set[int] = set()  # users who blocked the bot
        self.reply_keyboards: dict[int, dict[str, Any]] = {}
        self.reactions: dict[tuple[int, int], list[str]] = {}  # (chat, message) -> the bot's reaction
        self._messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._bot_sent: set[tuple[int, int]] = set()
        self._next_message_id: dict[int, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 100_000
        self._next_query_id = 7_000_000
        self._queries: dict[str, dict[str, Any]] = {}  # callback/inline query id -> info
        self._waiters: list[asyncio.Future[None]] = []
        # wait_for_call's waiters, each woken only by a call it matches: a benchmark keeps
        # fifty of them waiting, and waking all at every call cost more CPU than the bot.
        self._call_waiters: list[tuple[Callable[[Call], bool], asyncio.Future[Call]]] = []
        self._action_mark = 0
        self.active_poll: PollSlot | None = None

    # ---- change notification -------------------------------------------------

    def notify(self) -> None:
        """Wake every coroutine blocked in :meth:`wait_until` so it re-checks."""
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(self, check: Callable[[], T | None], timeout: float) -> T | None:
        """Return the first truthy ``check()`` result, or None once ``timeout`` passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            remaining = deadline - loop.time()
            if result or remaining <= 0:
                return result or None
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                pass
            finally:
                if fut in self._waiters:
                    self._waiters.remove(fut)

    # ---- registries ------------------------------------------------------------

    def remember_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def remember_chat(self, chat: Chat) -> Chat:
        self.chats[chat.id] = chat
        return chat

    def resolve_chat_id(self, chat_id: Any) -> int | None:
        """Accept ints, numeric strings and ``@username`` like Telegram does."""
        if isinstance(chat_id, int):
            return chat_id
        text = str(chat_id or "").strip()
        if text.lstrip("-").isdigit():
            return int(text)
        wanted = text.lstrip("@").lower()
        for chat in self.chats.values():
            if wanted and (chat.username or "").lower() == wanted:
                return chat.id
        return None

    # ---- messages --------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        """Message ids increase per chat and are shared by users and the bot."""
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def store_message(self, message: dict[str, Any], *, by_bot: bool = False) -> dict[str, Any]:
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        self._messages.setdefault(chat_id, {})[message_id] = message
        if by_bot:
            self._bot_sent.add((chat_id, message_id))
        return message

    def is_bot_message(self, chat_id: int, message_id: int) -> bool:
        return (chat_id, message_id) in self._bot_sent

    def get_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def delete_message(self, chat_id: int, message_id: int) -> bool:
        return self._messages.get(chat_id, {}).pop(message_id, None) is not None

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[dict[str, Any]]:
        """Bot-sent messages in a chat as they are now (after edits/deletes), oldest first."""
        stored = self._messages.get(chat_id, {})
        return [
            copy.deepcopy(msg)
            for _, msg in sorted(stored.items())
            if include_user or (chat_id, msg["message_id"]) in self._bot_sent
        ]

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The last reply keyboard / remove / force_reply markup the bot sent to a chat."""
        return copy.deepcopy(self.reply_keyboards.get(chat_id))

    # ---- updates -----------------------------------------------------------------

    def enqueue(self, **update_fields: Any) -> int:
        """Queue one update (e.g. ``message=Message(...)``); returns its update_id."""
        self._next_update_id += 1
        update = Update(update_id=self._next_update_id, **update_fields)
        self._updates.append(to_json(update))
        self.notify()
        return self._next_update_id

    def confirm(self, offset: int) -> None:
        """Telegram semantics: every update with id < offset is gone for good;
        a negative offset keeps only the last ``-offset`` updates."""
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def drop_disallowed(self) -> None:
        """Updates of types the bot opted out of are never delivered."""
        allowed = self.settings.allowed_updates
        self._updates = [u for u in self._updates if _update_type(u) in allowed]

    def pending(self, limit: int = 100) -> list[dict[str, Any]]:
        return copy.deepcopy(self._updates[:limit])

    def pending_updates(self) -> int:
        """Number of updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def drop_pending_updates(self) -> None:
        self._updates.clear()

    def new_query_id(self, kind: str, info: dict[str, Any]) -> str:
        self._next_query_id += 1
        query_id = str(self._next_query_id)
        self._queries[query_id] = {"kind": kind, "answered": False, **info}
        return query_id

    def take_query(self, query_id: str, kind: str) -> dict[str, Any] | None:
        """Mark a callback/inline query answered; None if unknown or answered before."""
        query = self._queries.get(str(query_id))
        if not query or query["kind"] != kind or query["answered"]:
            return None
        query["answered"] = True
        return query

    # ---- calls -------------------------------------------------------------------

    def record(self, call: Call) -> Call:
        call.index = len(self.calls)
        self.calls.append(call)
        for matches, waiter in self._call_waiters:
            if not waiter.done():
                try:
                    if matches(call):
                        waiter.set_result(call)
                except Exception as exc:  # a test's predicate failed: fail that test's wait
                    waiter.set_exception(exc)
        self.notify()
        return call

    def mark(self) -> int:
        """Current number of recorded calls; pass it as ``after=`` to wait for newer ones."""
        return len(self.calls)

    def mark_user_action(self) -> None:
        self._action_mark = len(self.calls)

    async def wait_for_call(
        self,
        method_or_methods: str | Iterable[str],
        *,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        after: int = 0,
    ) -> Call:
        """First call with index >= ``after`` to one of the methods (case-insensitive)
        for which ``predicate`` holds. Failed calls (error_code set) match too."""
        names = [method_or_methods] if isinstance(method_or_methods, str) else method_or_methods
        wanted = {name.lower() for name in names}

        def matches(call: Call) -> bool:
            return call.method.lower() in wanted and (predicate is None or predicate(call))

        found = next((call for call in self.calls[after:] if matches(call)), None)
        if found is not None:
            return found
        waiter: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        entry = (matches, waiter)
        self._call_waiters.append(entry)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no {sorted(wanted)} call after #{after} within {timeout}s; "
                f"recent calls: {self._describe_calls(after)}"
            ) from None
        finally:
            self._call_waiters.remove(entry)

    async def wait_for_reply(
        self, chat_id: int | str, *, timeout: float = 10.0, after: int | None = None
    ) -> Call:
        """Next successful sendMessage/editMessageText to ``chat_id`` after ``after``
        (default: the call count at the most recent user action)."""
        target = self.resolve_chat_id(chat_id)
        return await self.wait_for_call(
            REPLY_METHODS,
            predicate=lambda c: c.ok and self.resolve_chat_id(c.params.get("chat_id")) == target,
            timeout=timeout,
            after=self._action_mark if after is None else after,
        )

    def _describe_calls(self, after: int) -> str:
        recent = self.calls[after:][-8:]
        return ", ".join(f"{c.method}({c.error_code or 'ok'})" for c in recent) or "none"


async def eventually(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``check`` until it is truthy, for state the server is not told about (the
    bot's own, in tests that run it in-process); raises TimeoutError after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout} s")
        await asyncio.sleep(0.05)


def _update_type(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")
