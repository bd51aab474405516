"""What the bot says, as values without Telegram types: `bot.replies` makes them,
`bot.handlers.send` turns them into Bot API calls and `bot.local_chat` prints them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from .buttons import Buttons
from .i18n import written_in
from .questions import AskedQuestion


@dataclass(frozen=True)
class ChatContext:
    """Who is talking to the bot: what a reply depends on besides the question."""

    user_id: int | None  # None: the terminal chat, a single local user with no quota
    # Telegram's language_code ("en", "ru-RU"...) as sent (the question log keeps it); the reply
    # layer speaks it when the bot has it (bot.i18n.language_of). The terminal: its locale's.
    language: str | None = None
    chat_id: int | None = None  # the Telegram chat; None: the terminal, or where no chat is known
    in_group: bool = False  # a group: what the bot says there, everyone reads
    # The language the message being answered is written in, when its words tell (bot.i18n.
    # written_in): it wins over `language`, so a question is answered in the language it was asked in.
    written_in: str | None = None

    def writing(self, text: str) -> ChatContext:
        """This context for answering `text`: with the language its words are written in, if they tell."""
        return replace(self, written_in=written_in(text))

    @property
    def conversation(self) -> tuple[int | None, int | None]:
        """Whose conversation a question continues: this person in this chat (conversations.py)."""
        return (self.chat_id, self.user_id)


LOCAL_USER = ChatContext(user_id=None)


@dataclass(frozen=True)
class Reply:
    """One message: Telegram HTML (user input escaped), buttons under it, and what it answered."""

    html: str
    buttons: Buttons = ()
    # The question this message answered and the passage it quoted (its buttons find it in
    # the QuestionStore under their key).
    remember: AskedQuestion | None = None
    # Ask the user to reply to this message (Telegram's ForceReply): the placeholder of their
    # input field. Such a message carries no buttons.
    reply_placeholder: str | None = None


@dataclass(frozen=True)
class Reaction:
    """No message: an emoji reaction on the user's message (chatter addressed to the bot in a
    group, which a reply would only add noise to)."""

    emoji: str


@dataclass(frozen=True)
class ButtonAnswer:
    """What a pressed button gets: a short notice Telegram shows over the chat at once (None:
    just stop the button's spinner), then possibly a message made by `follow_up`, and new
    buttons for the message that carried the pressed one."""

    notice: str | None = None
    follow_up: Callable[[], Awaitable[Reply | None]] | None = None
    # The pressed message's buttons after the press (a vote counted, "More passages" gone);
    # None leaves them as they are. Set once the follow-up, if any, was sent.
    keyboard: Buttons | None = None
    # Told the id of the follow-up's message once it is sent (a prompt a reply will refer to).
    sent: Callable[[int], Awaitable[None]] | None = None


@dataclass(frozen=True)
class InlineResult:
    """One result offered under `@bot question`; picking it sends `html` into the chat."""

    title: str
    description: str
    html: str


@dataclass(frozen=True)
class InlineAnswer:
    results: tuple[InlineResult, ...] = ()
    cache_seconds: int = 0
    personal: bool = False  # cached for this user only (a refusal must not be shown to others)
    hint: str | None = None  # a button above the results that opens a private chat with the bot
