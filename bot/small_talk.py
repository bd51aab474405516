"""Small talk, and whether a message is a question at all: rules about the words people use
with any bot, never about an article (no name, phrase or subject of one appears here).

Small talk is a message made entirely of greetings, thanks, questions about the bot itself
("who are you?", "who r u"), requests for the gist of what it knows ("what is the article
about?", "tl;dr"), chatter ("ok", "lol"), fillers and stray letters with no question mark ("a",
"and then"), or of emoji and punctuation alone ("🤔", "?!"). Only the whole message counts:
"hi, what did the article say?" is a question, not small talk.

A message looks like a question when it has a question mark, an interrogative word anywhere
("so what did he say"), or opens with an auxiliary verb ("is it free"). The reply layer
counts a message as a question when it looks like one or when the engine answers it
(keywords such as "company valuation" are answered without looking like a question).

English and Russian, the languages the bot's users write in.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum


class SmallTalk(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    ABOUT_BOT = "about the bot"  # who are you, what can you do
    GIST = "the gist"  # what is the article about, summary, tl;dr: no passage answers that, its lead does
    CHATTER = "chatter"  # ok, lol, cool, bye
    NOISE = "emoji or punctuation"


# When a message mixes kinds, the first of these it holds names it ("hi, who are you?" asks
# about the bot; "ok thanks" thanks).
_PRECEDENCE = (SmallTalk.GIST, SmallTalk.ABOUT_BOT, SmallTalk.GREETING, SmallTalk.THANKS, SmallTalk.CHATTER)
# "what is the article about", "what's this story about", "whats the news about": every way of
# asking that names what the bot reads. Not "what is it about": after a question, "it" is the
# subject of a follow-up.
_GIST_QUESTIONS = tuple(
    f"{what} {which} {thing}{about}"
    for what in ("what is", "what's", "whats", "what are")
    for which in ("the", "this", "that", "your")
    for thing in ("article", "articles", "story", "news", "text", "piece")
    for about in (" about", "")
) + ("what is this about", "what's this about", "whats this about")

_PHRASES: dict[SmallTalk, tuple[str, ...]] = {
    SmallTalk.GREETING: (
        "hi", "hello", "hey", "hiya", "howdy", "yo", "greetings", "good morning", "good afternoon",
        "good evening", "good day", "morning", "hi there", "hello there", "hey there",
        "привет", "приветик", "здравствуйте", "здравствуй", "добрый день", "добрый вечер", "доброе утро", "салют",
    ),
    SmallTalk.THANKS: (
        "thanks", "thank you", "thank u", "thx", "ty", "thanks a lot", "many thanks", "cheers",
        "much appreciated", "appreciate it", "спасибо", "спс", "благодарю", "большое спасибо",
    ),
    SmallTalk.ABOUT_BOT: (
        "who are you", "what are you", "what can you do", "what do you do", "what is this", "what's this",
        "whats this", "how does this work", "how do you work", "are you a bot", "are you human",
        "what is this bot", "who made you", "help", "are you there", "you there", "anyone there", "are you alive",
        "кто ты", "ты кто", "что ты умеешь", "что ты такое",
        "что умеешь", "помощь",
    ),
    SmallTalk.GIST: (
        *_GIST_QUESTIONS, "summary", "summarize", "summarise", "summarize it", "summarise it", "summarize the article",
        "summarise the article", "give me a summary", "a summary", "article summary", "the gist", "gist",
        "what's the gist", "what is the gist", "whats the gist", "tl dr", "tldr", "sum it up", "in short",
        "о чём статья", "о чем статья", "о чём эта статья", "о чем эта статья", "о чём это", "о чем это",
        "о чём речь", "о чем речь", "краткое содержание", "кратко", "перескажи", "перескажи статью",
        "перескажите статью", "в чём суть", "в чем суть", "суть", "суть статьи",
    ),
    SmallTalk.CHATTER: (
        "ok", "okay", "k", "kk", "cool", "nice", "great", "good", "awesome", "wow", "yes", "no", "yeah", "yep", "ya",
        "yea", "yup", "nope", "sure", "bye", "goodbye", "see you", "oh", "ah", "hmm", "ок", "окей", "ясно", "понятно", "круто",
        "класс", "пока", "да", "нет", "ага", "хорошо", "отлично",
    ),
}  # fmt: skip
# Laughter and the like, however long: "hahaha", "lool", "xd", "хахаха", "hmmm".
_CHATTER_WORD = re.compile(r"(?:ha|he|ah|ха|хе|ах)+h?|lo+l|lmf?ao+|rofl|x+d+|h+m+|m+|wo+w|ok+|о+к+|а+х+а*", re.IGNORECASE)
# Words that may surround small talk without making it something else ("thanks a lot bot").
_FILLER = frozenset("bot there so much very a lot again all everyone guys folks mate buddy man and then please pls "
                    "бот тебе вам всем очень и пожалуйста".split())

# How people shorten words in chat ("who r u", "what can u do"): read as the words they stand for.
_TEXTING = {"u": "you", "r": "are", "ur": "your", "wat": "what", "wut": "what"}

_INTERROGATIVES = frozenset(
    "who whom whose what whats what's when where why how which "
    "кто кого кому что чего чем чём где когда почему зачем как какой какая какое какие каким сколько чей чья чьё чьи "
    "куда откуда ли".split()
)
_AUXILIARIES = frozenset(
    "is are was were am do does did can could will would should shall may might has have had "
    "isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't wouldn't shouldn't hasn't haven't".split()
)
_QUESTION_MARKS = ("?", "？", "؟")
_LONGEST_PHRASE = max(len(phrase.split()) for phrases in _PHRASES.values() for phrase in phrases)
_KIND_OF_PHRASE = {tuple(phrase.split()): kind for kind, phrases in _PHRASES.items() for phrase in phrases}


def words(text: str) -> list[str]:
    """The message's words, lower case, apostrophes straightened; emoji and punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.findall(r"\w+(?:'\w+)*", text)


def small_talk(text: str) -> SmallTalk | None:
    """What kind of small talk the whole message is, or None when it is (or may be) a question
    for the engine."""
    said = [_TEXTING.get(word, word) for word in words(text)]
    if not said:
        return SmallTalk.NOISE if text.strip() else None
    kinds: set[SmallTalk] = set()
    at = 0
    while at < len(said):
        for size in range(min(_LONGEST_PHRASE, len(said) - at), 0, -1):
            kind = _KIND_OF_PHRASE.get(tuple(said[at : at + size]))
            if kind is not None:
                kinds.add(kind)
                at += size
                break
        else:
            if _CHATTER_WORD.fullmatch(said[at]):
                kinds.add(SmallTalk.CHATTER)
            elif said[at] not in _FILLER and not _stray_letter(said[at]):
                return None  # a word of something else: a question for the engine
            at += 1
    if not kinds:
        # Fillers and stray letters alone ("a", "and then", "x"): nothing to search for, and read
        # as a follow-up the engine would answer the turn before again. "and?" asks on.
        return None if any(mark in text for mark in _QUESTION_MARKS) else SmallTalk.CHATTER
    return next(kind for kind in _PRECEDENCE if kind in kinds)


def _stray_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def looks_like_question(text: str) -> bool:
    """A question mark, an interrogative word anywhere, or an auxiliary verb first."""
    if any(mark in text for mark in _QUESTION_MARKS):
        return True
    said = words(text)
    return bool(said) and (said[0] in _AUXILIARIES or any(word in _INTERROGATIVES for word in said))
