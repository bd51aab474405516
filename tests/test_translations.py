"""The gettext catalogs stay current with the code: what `pybabel extract` finds in bot/ (with
pyproject.toml's options, as `make translations` runs it) is what each language's .po holds,
every message is translated and none fuzzy, the named fields and HTML tags of each translation
are those of its msgid, and the committed .mo says what the .po says. A string added to
bot/texts.py without its marker, or with it but not yet translated, fails here."""

from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import texts
from bot.i18n import DOMAIN, LANGUAGES, LOCALES, SOURCE_LANGUAGE, Plural, translator
from tests.conftest import REPO

TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
HTML_TAG = re.compile(r"</?[a-z]+[^>]*>")
# Numbers each plural form is checked on: every Russian form and its exceptions (11-14).
NUMBERS = range(0, 131)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings `make translations` would extract now, into a temporary template."""
    pot = tmp_path_factory.mktemp("i18n") / "bot.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-o", str(pot)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return read(pot)


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def catalog_of(language: str) -> Catalog:
    return read(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po")


def ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalog if message.id}


def fields(text: str) -> set[tuple[str, str | None, str]]:
    """The named fields of a format string, with their conversion and format spec."""
    return {(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text) if name is not None}


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):  # Plural, and tuples of messages
        return [text for item in value for text in strings_in(item)]
    return []


def test_the_extraction_finds_the_marked_strings(template):
    """Were the markers not recognised (options lost, another Babel), the checks below would pass on nothing."""
    assert texts.START in ids(template) and tuple(texts.RATE_LIMITED) in ids(template)
    assert len(ids(template)) > 60


def test_every_string_in_texts_is_marked_for_extraction(template):
    extracted = {text for message_id in ids(template) for text in strings_in(message_id)}
    command_names = {command for command, _ in texts.COMMANDS}  # what the user types, never translated
    in_texts = {text for name in dir(texts) if name.isupper() for text in strings_in(getattr(texts, name))}
    assert sorted(in_texts - command_names - extracted) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_holds_every_extracted_string_and_nothing_else(template, language):
    catalog = catalog_of(language)
    assert sorted(map(str, ids(template) - ids(catalog))) == [], "run `make translations`"
    assert sorted(map(str, ids(catalog) - ids(template))) == [], "run `make translations`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = catalog_of(language)
    assert catalog.num_plurals == get_plural(language).num_plurals  # the header's Plural-Forms are the language's
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy in {language}: {message.id!r}"
        forms = message.string if message.pluralizable else (message.string,)
        assert len(forms) == (catalog.num_plurals if message.pluralizable else 1), message.id
        assert all(form.strip() for form in forms), f"untranslated in {language}: {message.id!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_fields_and_tags_of_their_msgid(language):
    for message in catalog_of(language):
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            assert fields(singular) <= fields(plural), message.id
            source, forms = plural, message.string
        else:
            source, forms = message.id, (message.string,)
        for form in forms:
            assert fields(form) == fields(source), f"{language}: {form!r} for {source!r}"
            assert sorted(HTML_TAG.findall(form)) == sorted(HTML_TAG.findall(source)), f"{language}: {form!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_says_what_the_po_says(language):
    """The committed .mo is current: every message and every plural form as the .po has it."""
    catalog = catalog_of(language)
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    form_of = gettext.c2py(catalog.plural_expr)  # the .po's Plural-Forms, as gettext reads them
    stale = []
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            for n in NUMBERS:
                if compiled.ngettext(singular, plural, n) != message.string[form_of(n)]:
                    stale.append((message.id, n))
        elif compiled.gettext(message.id) != message.string:
            stale.append(message.id)
    assert stale == [], "run `make translations` to compile the .po"


def test_russian_plurals_follow_russian_grammar():
    ru = translator("ru")
    said = {n: ru.plural(texts.RATE_LIMITED, n, seconds=n) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)}
    assert [n for n, text in said.items() if text.endswith(f"{n} секунду.")] == [1, 21, 101]
    assert [n for n, text in said.items() if text.endswith(f"{n} секунды.")] == [2, 22]
    assert [n for n, text in said.items() if text.endswith(f"{n} секунд.")] == [5, 11, 12, 25, 111]


def test_english_plurals_are_the_msgids():
    en = translator("en")
    assert en.plural(texts.QUESTIONS_DELETED, 1, count=1) == "1 question"
    assert en.plural(texts.QUESTIONS_DELETED, 0, count=0) == "0 questions"
    assert isinstance(texts.QUESTIONS_DELETED, Plural)
