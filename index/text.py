"""Text primitives shared by the corpus reader, the chunker, retrieval and evaluation.

All of them are script-agnostic: they work on Unicode word characters, so Cyrillic (the
article quotes Russian) and other scripts pass through untouched.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_SPACE_RUN = re.compile(r"\s+")
# Control and format characters (zero-width spaces, bidi marks) carry no meaning for search.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# A sentence end glued to the next sentence, as scraped text often has: "Twitter.He",
# "вами.”As". Requires a lower-case letter or a digit before the stop so that "U.S." and
# decimals stay intact.
_GLUED_STOP = re.compile(r"(?<=[a-zа-яё0-9)])([.!?…]+[\"”»']?)(?=[A-ZА-ЯЁ])")
_GLUED_QUOTE = re.compile(r"([.!?…][\"”»])(?=\w)")

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "inc", "ltd", "co", "jr", "sr", "no", "e.g", "i.e"}
_SENTENCE_END = re.compile(r"([.!?…]+[\"”»')\]]*)\s+(?=[\"“«(\[]?[A-ZА-ЯЁ0-9@#$])")

_WORD = re.compile(r"\w+", re.UNICODE)
# Thousands separators: "1,500" and "1500" are one number, however the reader types it.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Scales written short, as news does with sums ("$1bn", "£90m"), read as the words a reader
# asks with ("a billion dollars"); "m" only after a currency sign, as "5m" alone may be metres.
# Thousands ("5k", "1.5k") as the figure an article writes in digits ("5000", "1,500").
_BILLIONS = re.compile(r"(?<=\d)bn\b", re.I)
_MILLIONS = re.compile(r"([$€£¥₽]\s?[\d.,]*\d)(mn|m)\b", re.I)
_THOUSANDS_SHORT = re.compile(r"\b(\d+)(?:\.(\d{1,3}))?k\b", re.I)


def _spelled_scales(text: str) -> str:
    text = _BILLIONS.sub(" billion", text)
    text = _MILLIONS.sub(r"\1 million", text)
    return _THOUSANDS_SHORT.sub(lambda m: m.group(1) + (m.group(2) or "").ljust(3, "0"), text)
_COMPOUND_PART = re.compile(r"_+|(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])")


def clean_text(text: str) -> str:
    """Repair what scraping breaks: odd spaces, invisible characters, glued sentences."""
    text = unicodedata.normalize("NFKC", text)  # NFKC also turns NBSP into a plain space
    text = _INVISIBLE.sub("", text)
    text = _GLUED_QUOTE.sub(r"\1 ", text)
    text = _GLUED_STOP.sub(r"\1 ", text)
    return _SPACE_RUN.sub(" ", text).strip()


def normalize_for_match(text: str) -> str:
    """The comparison form of the eval README: NFKC, lower case, straight quotes, one space."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    return _SPACE_RUN.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split cleaned prose into sentences; a stop after a known abbreviation does not split."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        last_word = before[-1].lower().rstrip(".") if before else ""
        if match.group(1) == "." and (last_word in _ABBREVIATIONS or len(last_word) == 1):
            continue
        sentences.append(text[start : match.end(1)].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def words(text: str) -> list[str]:
    """Lower-cased word tokens in any script, split at hyphens and apostrophes.

    One-letter tokens are dropped ("Musk's" gives "musk"), digits are kept, a number's
    thousands separators dropped ("5,000" gives "5000") and its scale spelled ("$1bn": 1, billion).
    Handles and hashtags also give their parts ("@KremlinRussia_E": kremlinrussia_e,
    kremlin, russia), so a question can name what they are made of.
    """
    tokens: list[str] = []
    for token in _WORD.findall(_spelled_scales(_THOUSANDS.sub("", unicodedata.normalize("NFKC", text)))):
        tokens.append(token)
        parts = _COMPOUND_PART.split(token)
        if len(parts) > 1:
            tokens.extend(parts)
    return [t.lower() for t in tokens if len(t) > 1 or t.isdigit()]
