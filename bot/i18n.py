"""The bot's words in the user's language: gettext catalogs, managed with Babel.

Every string a user reads is an English msgid in `bot.texts`, marked for extraction with `N_`
(a message) or `Plural` (a message around a number). `make translations` extracts them
(`pybabel extract`), merges them into each language's catalog,
`bot/locales/<language>/LC_MESSAGES/bot.po` (`pybabel update`), and compiles the `.mo` files
read here (`pybabel compile`). The reply layer translates where it builds a reply, with the
`Translator` of the user's language (`language_of` Telegram's `language_code`), or of the
message it answers when its letters say it is Russian (`written_in`). English is the msgids
themselves and has no catalog.

Reading a catalog needs only the standard library's `gettext`; Babel is the tool that writes them.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "bot"
SOURCE_LANGUAGE = "en"  # the language of the msgids
LANGUAGES = ("en", "ru")  # the interface's languages; each but SOURCE_LANGUAGE has a catalog
# Where a process's language comes from, in the order Python's own gettext.find reads them.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LOWER_LATIN_WORD = re.compile(r"[a-z]+")
# Cyrillic letters of other languages that Russian never uses: Ukrainian і ї є ґ, Belarusian ў,
# Serbian and Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ, Kazakh ә ғ қ ң ө ұ ү һ. A message with one of them is
# not answered in Russian (a Ukrainian speaker must not get Russian for Ukrainian).
_NOT_RUSSIAN = re.compile(r"[іїєґўђјљњћџѓќѕәғқңөұүһ]", re.IGNORECASE)
# Ukrainian words without such a letter that Russian does not use ("хто написав?": who wrote?).
_UKRAINIAN_WORDS = frozenset({"хто", "що", "чи", "це", "як", "цей", "ця", "але"})


def N_(message: str) -> str:
    """Marks `message` for extraction (gettext_noop); it is translated where a reply is built."""
    return message


class Plural(NamedTuple):
    """A message shown with a number: its English singular and plural (ngettext's two msgids).
    Babel extracts both (`-k Plural:1,2`); each language's catalog has as many forms as its
    grammar needs (three in Russian)."""

    singular: str
    plural: str


def language_of(code: str | None, default: str = SOURCE_LANGUAGE) -> str:
    """The interface language for a Telegram `language_code` (an IETF tag: "ru", "ru-RU", "en-US")
    or a POSIX locale ("ru_RU.UTF-8"): its primary subtag if the bot speaks it, else `default`."""
    primary = re.split(r"[-_.@:]", (code or "").strip(), maxsplit=1)[0].lower()
    return primary if primary in LANGUAGES else default


def written_in(text: str) -> str | None:
    """The interface language a message's own words ask for: "ru" when more of its words are
    Cyrillic than are lower-case Latin ("кто такой Vlad Tenev?": names count for neither), none
    has a letter only other languages use and none is a Ukrainian word ("хто"); None when its
    words do not tell, and the user's Telegram language decides ("what does «с вами» mean?"
    stays as it is). So a Russian question from someone whose Telegram is in English or Kazakh
    is answered in Russian."""
    words = _WORD.findall(text)
    cyrillic = sum(1 for w in words if _CYRILLIC_LETTER.search(w))
    latin = sum(1 for w in words if _LOWER_LATIN_WORD.fullmatch(w))
    ukrainian = _NOT_RUSSIAN.search(text) or _UKRAINIAN_WORDS.intersection(w.lower() for w in words)
    return "ru" if cyrillic > latin and not ukrainian else None


def locale_language(environ: Mapping[str, str], default: str = SOURCE_LANGUAGE) -> str:
    """The terminal's language: the first locale variable that is set (LANGUAGE may list several,
    "uk:ru:en", the first the bot speaks wins); `default` when none names a language it speaks."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if not value:
            continue
        for candidate in value.split(":") if name == "LANGUAGE" else [value]:
            language = language_of(candidate, default="")
            if language:
                return language
        if name != "LANGUAGE":  # the locale in force names no language the bot speaks
            return default
    return default


class Translator:
    """The interface's words in one language: a msgid of `bot.texts` in, the user's words out,
    with the named fields filled (`str.format`)."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self._catalog = catalog

    def __call__(self, message: str, /, **fields: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**fields) if fields else text

    def plural(self, message: Plural, n: int, /, **fields: object) -> str:
        """The form for the number `n` (which `fields` names as well, to be shown)."""
        return self._catalog.ngettext(message.singular, message.plural, n).format(**fields)


@cache
def translator(language: str) -> Translator:
    """The translator of one of LANGUAGES, its catalog read once. A missing `.mo` is an error, not
    English in disguise: the catalogs are committed, and a test keeps them current."""
    if language not in LANGUAGES:
        raise ValueError(f"no interface language {language!r}; the bot speaks {', '.join(LANGUAGES)}")
    if language == SOURCE_LANGUAGE:
        return Translator(language, gettext.NullTranslations())
    return Translator(language, gettext.translation(DOMAIN, LOCALES, languages=[language]))
