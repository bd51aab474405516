"""Which messages are questions for the bot: all text (or a caption) in a private chat; in a
group only a mention of the bot or a reply to one of its messages (commands are routed
separately)."""

from __future__ import annotations

import re

from telegram import Chat, Message


def question_for_bot(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question the message asks the bot, without the @mention; None when it is chatter."""
    text = message.text or message.caption or ""
    if message.chat.type == Chat.PRIVATE:
        return text
    mention = re.compile(rf"(?<![\w@])@{re.escape(bot_username)}\b", re.IGNORECASE)
    replied = message.reply_to_message
    replies_to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    if not (replies_to_bot or mention.search(text)):
        return None
    return mention.sub(" ", text).strip(" \t\n,:;")


def command_argument(text: str) -> str:
    """What follows `/command` or `/command@bot`, with its line breaks kept."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
