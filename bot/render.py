"""Turning answers and index facts into Telegram HTML: pure functions, no I/O. The words
come from bot.texts, in the language of the `Translator` each function is given; this module
escapes what fills them and builds the markup.

Everything that comes from an article or a user goes through `html.escape`, so nothing a
user types can break the markup. Telegram limits a message to 4096 characters counted in
UTF-16 units after the markup is removed; passages are cut around the answer sentence to
stay well under that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape, unescape
from typing import TYPE_CHECKING

from index import Answer, Hit, Manifest, Passage

from . import texts
from .i18n import Translator

if TYPE_CHECKING:
    from .report import Headline

MAX_MESSAGE_UNITS = 4096
# Room for one quoted passage in a reply; the rest is the header and the source line.
PASSAGE_BUDGET = 3000
ECHO_BUDGET = 300
TITLE_BUDGET = 200
MAX_LISTED_ARTICLES = 25
MAX_NAMED_ARTICLES = 5
MAX_BULLETS = 5


# C0 and C1 control characters but tab and line feed, and lone UTF-16 surrogates: Telegram
# shows the former as boxes or drops them, and cannot encode the latter at all.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """User text without control characters (other than tab and newline) or lone surrogates."""
    return _UNPRINTABLE.sub("", text)


def has_visible_text(text: str) -> bool:
    """False for text of only spaces, control and format characters (e.g. zero-width spaces)."""
    return any(not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Cs") for char in text)


def utf16_len(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 units, at a word boundary when one is near, with "…"."""
    if utf16_len(text) <= limit:
        return text
    units, end = 0, 0
    for end, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit - 1:
            break
    cut = text[:end]
    space = cut.rfind(" ")
    if space > len(cut) - 20 and space > 0:
        cut = cut[:space]
    return cut.rstrip() + "…"


def quote_passage(passage: Passage, focus: int, budget: int = PASSAGE_BUDGET) -> str:
    """The passage as a blockquote with sentence `focus` in bold, cut around it to `budget` units."""
    sentences = passage.sentences
    focus = min(max(focus, 0), len(sentences) - 1)
    budget = max(budget - 4, 20)  # room for the ellipses
    first = last = focus
    used = utf16_len(sentences[focus])
    # Grow the excerpt one sentence at a time, alternating sides, while it fits.
    grown = True
    while grown:
        grown = False
        for side in (first - 1, last + 1):
            if 0 <= side < len(sentences) and side not in (first, last):
                cost = utf16_len(sentences[side]) + 1
                if used + cost <= budget:
                    used += cost
                    first, last = min(first, side), max(last, side)
                    grown = True
    before = " ".join(sentences[first:focus])
    after = " ".join(sentences[focus + 1 : last + 1])
    parts = [
        "… " if first > 0 else "",
        escape(before) + " " if before else "",
        f"<b>{escape(clip(sentences[focus], budget))}</b>",
        " " + escape(after) if after else "",
        " …" if last < len(sentences) - 1 else "",
    ]
    return f"<blockquote>{''.join(parts)}</blockquote>"


def source_line(tr: Translator, passage: Passage) -> str:
    title = escape(clip(passage.article_title, TITLE_BUDGET))
    return tr(texts.SOURCE_LINE, title=title, position=passage.position, count=passage.article_passages)


FOLLOW_UP_BUDGET = 80  # characters of the earlier question shown over a follow-up's answer


def question_line(tr: Translator, question: str) -> str:
    return tr(texts.QUESTION_LINE, question=escape(clip(printable(question), ECHO_BUDGET)))


def render_answer(tr: Translator, answer: Answer, *, echo_question: bool = False) -> str:
    """The best passage, quoted with its answer sentence in bold, and where it comes from.
    The passage is quoted as the article has it, whatever the language around it."""
    best = answer.hits[0]
    parts = [question_line(tr, answer.question)] if echo_question else []
    parts += _follow_up_line(tr, answer)
    parts += [quote_passage(best.passage, best.answer_sentence), source_line(tr, best.passage)]
    return "\n\n".join(parts)


def render_not_answered(
    tr: Translator, answer: Answer, titles: Sequence[str], examples: Sequence[str], *, echo_question: bool = False
) -> str:
    """A plain "not in the article" with what can be asked instead; never an unrelated quote."""
    parts = [question_line(tr, answer.question)] if echo_question else []
    parts += _follow_up_line(tr, answer)  # the user sees what the question was read as
    parts.append(tr(texts.NOT_ANSWERED, what_i_know=_what_i_know(tr, titles)))
    if examples:
        parts.append(tr(texts.YOU_COULD_ASK, examples=bullet_list(examples)))
    return "\n\n".join(parts)


def _follow_up_line(tr: Translator, answer: Answer) -> list[str]:
    """Over a follow-up's reply: the earlier question it was read with, so the user sees why."""
    if not answer.follow_up_of:
        return []
    return [tr(texts.FOLLOW_UP_LINE, previous=escape(clip(printable(answer.follow_up_of), FOLLOW_UP_BUDGET)))]


def render_more(tr: Translator, question: str, hits: Sequence[Hit], *, first_number: int = 2) -> str:
    """Further passages for a question, each quoted with its source."""
    if not hits:
        return f"{question_line(tr, question)}\n\n{tr(texts.NO_OTHER_PASSAGE)}"
    header = question_line(tr, question)
    # Each passage gets an equal share of what the header leaves, minus its own source line.
    share = (MAX_MESSAGE_UNITS - utf16_len(to_plain(header)) - 100) // len(hits)
    blocks = []
    for number, hit in enumerate(hits, start=first_number):
        label = f"<b>{number}.</b> {source_line(tr, hit.passage)}"
        budget = share - utf16_len(to_plain(label)) - 10
        blocks.append(f"{label}\n{quote_passage(hit.passage, hit.answer_sentence, budget)}")
    return "\n\n".join([header, *blocks])


def render_inline_hit(tr: Translator, question: str, hit: Hit) -> str:
    """The message a user sends into a chat by picking an inline result."""
    quote = quote_passage(hit.passage, hit.answer_sentence)
    return "\n\n".join([question_line(tr, question), quote, source_line(tr, hit.passage)])


def render_start(tr: Translator, titles: Sequence[str], examples: Sequence[str]) -> str:
    start = tr(texts.START, what_i_know=_what_i_know(tr, titles))
    return f"{start}\n\n{tr(texts.TRY_THESE)}" if examples else start


def render_help(tr: Translator, bot_username: str, *, is_admin: bool, log_days: int = 0) -> str:
    lines = [tr(line) for line in (*texts.HELP_LINES, texts.HELP_FORGET_LINE)]
    if is_admin:
        lines += [tr(texts.HELP_REINDEX_LINE), tr(texts.HELP_STATS_LINE)]
    lines += ["", tr(texts.HELP_INLINE, bot_username=escape(bot_username)), ""]
    lines.append(tr.plural(texts.HELP_KEPT, log_days, days=log_days) if log_days else tr(texts.HELP_KEPT_NO_LOG))
    return "\n".join(lines)


def render_stats(tr: Translator, figures: Headline) -> str:
    """/stats: the report's headline figures."""
    period = tr.plural(texts.STATS_PERIOD, figures.days, days=figures.days)
    body = tr(texts.STATS, questions=figures.questions, answered=figures.answered, share=figures.share_answered,
              up=figures.votes_up, down=figures.votes_down)  # fmt: skip
    return f"{period}\n{body}"


def too_long(tr: Translator, limit: int) -> str:
    return tr.plural(texts.TOO_LONG, limit, limit=limit)


def rate_limited(tr: Translator, seconds: float) -> str:
    whole = max(1, round(seconds))
    return tr.plural(texts.RATE_LIMITED, whole, seconds=whole)


def forgotten(tr: Translator, questions: int, votes: int) -> str:
    """/forget_me's report: how many questions and votes were deleted."""
    return tr(
        texts.FORGOTTEN,
        questions=tr.plural(texts.QUESTIONS_DELETED, questions, count=questions),
        votes=tr.plural(texts.VOTES_DELETED, votes, count=votes),
    )


def reindexed(tr: Translator, passages: int, seconds: float, articles: int) -> str:
    """What /reindex says once the new index serves."""
    built = tr.plural(texts.REINDEX_BUILT, passages, passages=passages, seconds=seconds)
    return f"{built} {tr.plural(texts.REINDEX_SERVING, articles, articles=articles)}"


def render_about(tr: Translator, manifest: Manifest) -> str:
    """The indexed articles (as many as fit in one message), passage count, model, build time."""
    built = manifest.built_at.replace("T", " ").replace("+00:00", " UTC")
    footer = [
        "",
        tr(texts.ABOUT_PASSAGES, count=manifest.passage_count),
        tr(texts.ABOUT_MODEL, model=escape(clip(manifest.model, TITLE_BUDGET))),
        tr(texts.ABOUT_BUILT, built=escape(clip(built, TITLE_BUDGET))),
    ]
    lines = [tr(texts.ABOUT_HEADER, count=len(manifest.articles))]
    # Room for the footer and an "… and N more" line, counted on the text Telegram shows.
    budget = MAX_MESSAGE_UNITS - utf16_len(to_plain("\n".join(lines + footer))) - 40
    listed = 0
    for article in manifest.articles[:MAX_LISTED_ARTICLES]:
        origin = ", ".join(escape(clip(x, TITLE_BUDGET)) for x in (article.source, article.date) if x)
        line = tr.plural(
            texts.ABOUT_ARTICLE, article.passages,
            title=escape(clip(article.title, TITLE_BUDGET)),
            origin=tr(texts.ABOUT_ORIGIN, origin=origin) if origin else "",
            passages=article.passages,
        )  # fmt: skip
        budget -= utf16_len(to_plain(line)) + 1
        if budget < 0:
            break
        lines.append(line)
        listed += 1
    if len(manifest.articles) > listed:
        lines.append(tr(texts.ABOUT_MORE, count=len(manifest.articles) - listed))
    return "\n".join(lines + footer)


def to_plain(html: str, *, bold: tuple[str, str] = ("", "")) -> str:
    """The same message as plain text for a terminal; blockquotes become "> " lines."""

    def quote(match: re.Match[str]) -> str:
        return "\n".join("> " + line for line in match.group(1).split("\n"))

    text = re.sub(r"<blockquote>(.*?)</blockquote>", quote, html, flags=re.DOTALL)
    text = re.sub(r"<b>(.*?)</b>", lambda m: bold[0] + m.group(1) + bold[1], text, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", "", text))


def _what_i_know(tr: Translator, titles: Sequence[str]) -> str:
    """One line naming the article, or the first few of several."""
    shown = [tr(texts.ARTICLE_TITLE, title=escape(clip(t, TITLE_BUDGET))) for t in titles[:MAX_NAMED_ARTICLES]]
    if len(titles) == 1:
        return tr(texts.ONE_ARTICLE, title=shown[0])
    more = tr(texts.AND_MORE_ARTICLES, count=len(titles) - len(shown)) if len(titles) > len(shown) else ""
    return tr.plural(texts.SEVERAL_ARTICLES, len(titles), count=len(titles), titles=", ".join(shown) + more)


def bullet_list(items: Sequence[str]) -> str:
    """At most MAX_BULLETS items, each clipped, so the list always fits in a message."""
    return "\n".join(f"• {escape(clip(item, ECHO_BUDGET))}" for item in items[:MAX_BULLETS])
