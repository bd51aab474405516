"""Reading the corpus: a folder in which every `.txt` or `.md` file is one article.

An article may open with a small front-matter header (`---`, `key: value` lines, `---`)
giving its title, source and date, and `examples:` followed by `- question` lines (the example
questions the bot offers), in the article's language; `examples.ru:` and the like list the ones
offered to users of another language; without one, its first line is the title. The body is
cut at blank lines into blocks, and each block is classed as prose or as a heading-like
line (section headings, photo captions, "You might also like" teasers). Only prose can
answer a question; the nearest heading is kept as context for the prose under it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError
from .text import clean_text

ARTICLE_SUFFIXES = (".txt", ".md")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TRANSLATED_EXAMPLES = re.compile(r"examples\.([a-z]{2,3})")  # the key of a list of examples in that language
_PROSE_END = tuple('.!…"”»\'')
# A line this short that does not end like a sentence is a heading or a caption.
_HEADING_MAX_WORDS = 20


@dataclass(frozen=True)
class Paragraph:
    """A block of prose, with the heading it sits under (or None)."""

    text: str
    heading: str | None


@dataclass(frozen=True)
class Article:
    id: str  # the file's name without its suffix: stable, unique within the folder
    title: str
    source: str | None
    date: str | None
    paragraphs: tuple[Paragraph, ...] = field(repr=False)
    examples: tuple[str, ...] = ()  # questions the article answers, offered to users as examples
    # The same offered to users of another interface language, by its code ("ru": `examples.ru:`).
    translated_examples: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_corpus(corpus_dir: Path) -> list[Article]:
    """Every article of the folder, in file-name order."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist (set CORPUS_DIR)")
    files = sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
    articles = [a for a in (read_article(p) for p in files) if a.paragraphs]
    if not articles:
        raise CorpusError(f"corpus folder {corpus_dir} holds no article with prose (.txt or .md files)")
    return articles


def read_article(path: Path) -> Article:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read article {path}: {exc}") from None
    return parse_article(raw, article_id=path.stem)


def parse_article(raw: str, article_id: str) -> Article:
    meta, lists, body = _split_front_matter(raw.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = [clean_text(_MARKDOWN_HEADING.sub("", b)) for b in re.split(r"\n\s*\n", body)]
    blocks = [b for b in blocks if b]
    title = meta.get("title")
    if title is None and blocks:
        title, blocks = blocks[0], blocks[1:]
    paragraphs: list[Paragraph] = []
    heading: str | None = None
    previous_was_heading = False
    for block in blocks:
        if is_heading_like(block):
            # In a run of heading-like lines the first is the section heading; the ones
            # after it are captions or teasers, which are neither answers nor context.
            if not previous_was_heading:
                heading = block
            previous_was_heading = True
        else:
            paragraphs.append(Paragraph(block, heading))
            previous_was_heading = False
    return Article(
        id=article_id,
        title=clean_text(title or article_id),
        source=meta.get("source"),
        date=meta.get("date"),
        paragraphs=tuple(paragraphs),
        examples=tuple(lists.get("examples", ())),
        translated_examples={match[1]: tuple(items) for key, items in lists.items()
                             if (match := _TRANSLATED_EXAMPLES.fullmatch(key)) and items},
    )


def is_heading_like(block: str) -> bool:
    """A short line that does not end like a sentence: a heading, a caption or a teaser.

    Questions used as headings ("Is Elon Musk Sponsoring Clubhouse App?") count too when
    they are in title case; a short question in ordinary prose does not.
    """
    words = block.split()
    if len(words) > _HEADING_MAX_WORDS or "\n" in block:
        return False
    if block.endswith(_PROSE_END):
        return False
    if block.endswith("?"):
        capitalised = sum(1 for w in words if w[:1].isupper())
        return capitalised / len(words) >= 0.6
    return True


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A hash of every article's name and bytes: any edit, addition or removal changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def corpus_changed(corpus_dir: Path, recorded_fingerprint: str) -> bool:
    """Whether the folder differs from the corpus an index recorded (an article edited, added or
    removed). False when that cannot be told: no folder here (an index deployed without its
    corpus) or an index that recorded no fingerprint."""
    if not recorded_fingerprint or not corpus_dir.is_dir():
        return False
    return corpus_fingerprint(corpus_dir) != recorded_fingerprint


def _split_front_matter(raw: str) -> tuple[dict[str, str], dict[str, list[str]], str]:
    """(`key: value` fields, `key:` + `- item` lists, the body). The YAML subset articles use,
    read by hand rather than by a YAML parser: titles hold colons and quotes that YAML would
    refuse or reinterpret (`date: 2021-02-14` would become a date, `source: no` False)."""
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, {}, raw
    meta: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    current: list[str] | None = None  # the list that `- item` lines extend
    for line in match.group(1).splitlines():
        item = re.match(r"\s*-\s+(.*)", line)
        if item and current is not None:
            value = _unquote(item.group(1))
            if value:
                current.append(value)
            continue
        key, sep, value = line.partition(":")
        current = None
        if not sep or not key.strip():
            continue
        key = key.strip().lower()
        meta[key] = _unquote(value)
        if not meta[key]:  # `key:` alone may open a list
            current = lists.setdefault(key, [])
    return meta, lists, raw[match.end() :]


def _unquote(value: str) -> str:
    """The value without the quotes around it, if it is quoted."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value
