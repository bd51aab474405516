"""The buttons under the bot's messages, as plain data, and the callback data they carry
(at most 64 bytes each):

    ex:<lang>:<i>   ask example question i of the list in that language (bot.examples);
                    ex:<i>, from before the lists had languages: of the articles' own list
    more:<key>      show the next passages for the question stored under key
    near:<key>      under a refusal: show the passage the question stored under key came nearest to
    vote:<key>:up   the quoted passage answered the question (or :down)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import texts
from .i18n import Translator

EXAMPLE_PATTERN = r"^ex:(?:([a-z]{2,3}):)?(\d+)$"  # groups: the language (or None), the index
MORE_PATTERN = r"^more:([0-9a-f]+)$"
CLOSEST_PATTERN = r"^near:([0-9a-f]+)$"
VOTE_PATTERN = r"^vote:([0-9a-f]+):(up|down)$"


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # the callback data Telegram sends back when it is pressed


# Rows of buttons, top to bottom.
Buttons = tuple[tuple[Button, ...], ...]


def example_buttons(examples: Sequence[str], language: str) -> Buttons:
    """One button per example question of the list in `language` (bot.examples)."""
    return tuple((Button(question, f"ex:{language}:{i}"),) for i, question in enumerate(examples))


def refusal_buttons(tr: Translator, key: str | None, examples: Sequence[str], language: str) -> Buttons:
    """Under a refusal: the example questions its text offers, then "The closest passage" while
    it is on offer (`key`: the refused question as kept)."""
    closest = ((Button(tr(texts.CLOSEST_BUTTON), f"near:{key}"),),) if key else ()
    return example_buttons(examples, language) + closest


def answer_buttons(tr: Translator, key: str, *, more: bool = True, up: int = 0, down: int = 0) -> Buttons:
    """The buttons under an answer, in the language of `tr`: "More passages" until it was
    served, then the votes with their counts (the voters' current votes), which every reader
    of the chat sees."""
    votes = (
        Button(_counted(tr, texts.HELPFUL_BUTTON, up), f"vote:{key}:up"),
        Button(_counted(tr, texts.NOT_HELPFUL_BUTTON, down), f"vote:{key}:down"),
    )
    return ((Button(tr(texts.MORE_PASSAGES_BUTTON), f"more:{key}"),), votes) if more else (votes,)


def _counted(tr: Translator, label: str, count: int) -> str:
    return tr(texts.VOTE_BUTTON_COUNT, label=tr(label), count=count) if count else tr(label)
