"""Turning answers and index facts into Telegram HTML: pure functions, no I/O. The words
come from bot.texts, in the language of the `Translator` each function is given; this module
escapes what fills them and builds the markup. A passage is quoted as the article has it,
whatever the language around it.

An answer is laid out for a phone: the answer sentence in bold first, then the rest of its
paragraph in an expandable blockquote (Bot API 7.3: closed, Telegram shows its first three
lines, faded), then a one-line source — the article's title, shortened, linked when its front
matter gives a URL. Outside the quote, a reply stays within VISIBLE_BUDGET characters.

Everything that comes from an article or a user goes through `html.escape`, so nothing a
user types can break the markup. Telegram limits a message to 4096 characters counted in
UTF-16 units after the markup is removed; passages are cut around the answer sentence to
stay well under that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape, unescape
from types import MappingProxyType
from typing import TYPE_CHECKING

from index import Answer, Hit, Manifest, Passage

from . import texts
from .gist import Gist
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
# The gist ("what is the article about?") of this many articles at most, their leads sharing
# GIST_BUDGET characters (each gets at least MIN_LEAD_BUDGET): a few lines on a phone.
MAX_GIST_ARTICLES = 3
GIST_BUDGET = 300
MIN_LEAD_BUDGET = 120
# What a reply shows outside its closed quote, at most (README: "How long a reply is").
VISIBLE_BUDGET = 400
# The bold answer sentence at least gets this much of it; a longer sentence is clipped there
# and shown whole in the quote.
MIN_ANSWER_BUDGET = 120
SHORT_TITLE = 60  # an article's title in the source line: one line on a phone
NO_LINKS: Mapping[str, str] = MappingProxyType({})  # no article has a web address
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


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


def _around(sentences: Sequence[str], focus: int, budget: int) -> tuple[int, int]:
    """(first, last): the widest run of sentences around `focus` within `budget` units, grown
    one sentence at a time on alternate sides."""
    first = last = focus
    used = utf16_len(sentences[focus])
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
    return first, last


def quote_passage(passage: Passage, focus: int, budget: int = PASSAGE_BUDGET) -> str:
    """The passage with sentence `focus` in bold, cut around it to `budget` units (not wrapped)."""
    sentences = passage.sentences
    focus = min(max(focus, 0), len(sentences) - 1)
    budget = max(budget - 4, 20)  # room for the ellipses
    first, last = _around(sentences, focus, budget)
    before = " ".join(sentences[first:focus])
    after = " ".join(sentences[focus + 1 : last + 1])
    parts = [
        "… " if first > 0 else "",
        escape(before) + " " if before else "",
        f"<b>{escape(clip(sentences[focus], budget))}</b>",
        " " + escape(after) if after else "",
        " …" if last < len(sentences) - 1 else "",
    ]
    return "".join(parts)


def rest_of_paragraph(tr: Translator, passage: Passage, focus: int, budget: int = PASSAGE_BUDGET) -> str:
    """The sentences around sentence `focus`, without it, cut to `budget` units: "…" where
    the paragraph was cut, and between the sentences before and after it, where it stood.
    Empty for a paragraph of one sentence."""
    sentences = passage.sentences
    budget = max(budget - 6, 20)  # room for the ellipses
    first, last = _around(sentences, focus, budget + utf16_len(sentences[focus]))
    before = " ".join(sentences[first:focus])
    after = " ".join(sentences[focus + 1 : last + 1])
    if not (before or after):
        return ""
    parts = ["…" if first > 0 else "", escape(before), tr(texts.ANSWER_WAS_HERE) if before and after else "",
             escape(after), "…" if last < len(sentences) - 1 else ""]  # fmt: skip
    return " ".join(part for part in parts if part)


def answer_block(
    tr: Translator, hit: Hit, links: Mapping[str, str], *, answer_budget: int, budget: int = PASSAGE_BUDGET
) -> str:
    """The answer sentence in bold, the rest of its paragraph in an expandable quote, the source.
    A sentence over `answer_budget` units is clipped, and the quote holds the whole paragraph."""
    passage = hit.passage
    focus = min(max(hit.answer_sentence, 0), len(passage.sentences) - 1)
    sentence = passage.sentences[focus]
    shown = clip(sentence, max(answer_budget, MIN_ANSWER_BUDGET))
    rest = quote_passage(passage, focus, budget) if shown != sentence else rest_of_paragraph(tr, passage, focus, budget)
    # A quote of blanks only is dropped by Telegram (and would miscount what is visible).
    quote = [f"<blockquote expandable>{rest}</blockquote>"] if rest.strip() else []
    return "\n".join([f"<b>{escape(shown)}</b>", *quote, source_line(tr, passage, links)])


def source_line(tr: Translator, passage: Passage, links: Mapping[str, str]) -> str:
    """The article's title, shortened to a line, linked to the article when its URL is known."""
    title = escape(clip(passage.article_title, SHORT_TITLE))
    url = links.get(passage.article_id)
    return tr(texts.SOURCE_LINKED, url=escape(url), title=title) if url else tr(texts.SOURCE, title=title)


def article_links(manifest: Manifest) -> dict[str, str]:
    """Article id -> its front matter's `source:` when that is a web address (http or https)."""
    return {a.id: a.source for a in manifest.articles if a.source and _WEB_ADDRESS.fullmatch(a.source)}


FOLLOW_UP_BUDGET = 80  # characters of the earlier question shown over a follow-up's answer


def question_line(tr: Translator, question: str) -> str:
    return tr(texts.QUESTION_LINE, question=escape(clip(printable(question), ECHO_BUDGET)))


def render_answer(
    tr: Translator, answer: Answer, links: Mapping[str, str] = NO_LINKS, *, echo_question: bool = False
) -> str:
    """The best passage laid out for a phone: answer sentence, the rest expandable, the source."""
    best = answer.hits[0]
    header = [question_line(tr, answer.question)] if echo_question else []
    header += _follow_up_line(tr, answer)
    # What the header and the source line leave of the visible budget goes to the sentence.
    around = "\n".join([*header, source_line(tr, best.passage, links)])
    room = VISIBLE_BUDGET - visible_units(around) - 4  # the line breaks between them
    return "\n\n".join([*header, answer_block(tr, best, links, answer_budget=room)])


def render_not_answered(
    tr: Translator, answer: Answer, titles: Sequence[str], *, offers_examples: bool = False, echo_question: bool = False
) -> str:
    """A plain "not in the article", never an unrelated quote; `offers_examples`: the example
    questions are buttons under it."""
    parts = [question_line(tr, answer.question)] if echo_question else []
    parts += _follow_up_line(tr, answer)  # the user sees what the question was read as
    # A question that refers back with nothing to refer to was not understood, not unanswered.
    refusal = texts.NO_EARLIER_QUESTION if answer.refers_back else texts.NOT_ANSWERED
    parts.append(tr(refusal, what_i_know=_what_i_know(tr, titles)))
    if offers_examples:
        parts.append(tr(texts.YOU_COULD_ASK))
    return "\n\n".join(parts)


def render_small_talk(tr: Translator, opener: str | None, titles: Sequence[str], example: str | None) -> str:
    """The reply to small talk: `opener` (a msgid of bot.texts, or None), what the bot is, one example."""
    about = tr(texts.SMALL_TALK, what_i_know=_what_i_know(tr, titles))
    parts = [f"{tr(opener)} {about}" if opener else about]
    if example:
        parts.append(tr(texts.SMALL_TALK_EXAMPLE, example=escape(clip(example, ECHO_BUDGET))))
    return "\n\n".join(parts)


def render_gist(tr: Translator, gists: Sequence[Gist], example: str | None) -> str:
    """The reply to "what is the article about?": each article's title and lead (the first few
    of several), then an invitation to ask and one example."""
    shown = gists[:MAX_GIST_ARTICLES]
    budget = max(MIN_LEAD_BUDGET, GIST_BUDGET // max(len(shown), 1))
    parts = [f"📰 <b>{escape(clip(g.title, TITLE_BUDGET))}</b>\n{escape(clip(g.lead, budget))}" for g in shown]
    if len(gists) > len(shown):
        parts[-1] += tr(texts.AND_MORE_ARTICLES, count=len(gists) - len(shown))
    parts.append(tr.plural(texts.GIST_ASK, len(gists)))
    if example:
        parts[-1] += " " + tr(texts.SMALL_TALK_EXAMPLE, example=escape(clip(example, ECHO_BUDGET)))
    return "\n\n".join(parts)


def _follow_up_line(tr: Translator, answer: Answer) -> list[str]:
    """Over a follow-up's reply: the earlier question it was read with, so the user sees why."""
    if not answer.follow_up_of:
        return []
    return [tr(texts.FOLLOW_UP_LINE, previous=escape(clip(printable(answer.follow_up_of), FOLLOW_UP_BUDGET)))]


def render_more(
    tr: Translator, question: str, hits: Sequence[Hit], links: Mapping[str, str] = NO_LINKS, *, first_number: int = 2
) -> str:
    """Further passages for a question, each laid out as an answer, numbered."""
    if not hits:
        return _no_passage(tr, question)
    header = question_line(tr, question)
    # Each passage gets an equal share of what the header leaves, minus its own source line.
    share = (MAX_MESSAGE_UNITS - utf16_len(to_plain(header)) - 100) // len(hits)
    blocks = []
    for number, hit in enumerate(hits, start=first_number):
        budget = share - utf16_len(to_plain(source_line(tr, hit.passage, links))) - 20
        block = answer_block(tr, hit, links, answer_budget=min(budget // 2, VISIBLE_BUDGET // 2), budget=budget // 2)
        blocks.append(f"<b>{number}.</b> {block}")
    return "\n\n".join([header, *blocks])


def render_closest(tr: Translator, question: str, hit: Hit | None, links: Mapping[str, str] = NO_LINKS) -> str:
    """The passage a refused question came nearest to, which the user asked to see: under a
    caveat, laid out as an answer is (None: no passage matches it any more)."""
    if hit is None:
        return _no_passage(tr, question)
    header = f"{question_line(tr, question)}\n{tr(texts.CLOSEST_CAVEAT)}"
    room = VISIBLE_BUDGET - visible_units(f"{header}\n{source_line(tr, hit.passage, links)}") - 4
    return f"{header}\n\n{answer_block(tr, hit, links, answer_budget=room)}"


def _no_passage(tr: Translator, question: str) -> str:
    return f"{question_line(tr, question)}\n\n{tr(texts.NO_OTHER_PASSAGE)}"


def render_inline_hit(tr: Translator, question: str, hit: Hit, links: Mapping[str, str] = NO_LINKS) -> str:
    """The message a user sends into a chat by picking an inline result."""
    header = question_line(tr, question)
    room = VISIBLE_BUDGET - visible_units(header + "\n" + source_line(tr, hit.passage, links)) - 4
    return "\n\n".join([header, answer_block(tr, hit, links, answer_budget=room)])


def render_start(tr: Translator, titles: Sequence[str], *, offers_examples: bool) -> str:
    start = tr(texts.START, what_i_know=_what_i_know(tr, titles))
    return f"{start}\n\n{tr(texts.TRY_THESE)}" if offers_examples else start


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


def not_kept(tr: Translator, days: int) -> str:
    """Why a button cannot be served: its answer is past keeping (`days`), or was forgotten."""
    return tr.plural(texts.EXPIRED, days, days=days)


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
    """The same message as plain text for a terminal; blockquotes become "> " lines, links
    "title (address)"."""

    def quote(match: re.Match[str]) -> str:
        return "\n".join("> " + line for line in match.group(1).split("\n"))

    text = re.sub(r"<blockquote[^>]*>(.*?)</blockquote>", quote, html, flags=re.DOTALL)
    text = re.sub(r"<b>(.*?)</b>", lambda m: bold[0] + m.group(1) + bold[1], text, flags=re.DOTALL)
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"\2 (\1)", text, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", "", text))


def visible_units(html: str) -> int:
    """What a reply shows before its expandable quotes are opened, in UTF-16 units (how
    Telegram counts): its text without the markup, trimmed, less the bodies of those quotes."""
    hidden = re.findall(r"<blockquote expandable>(.*?)</blockquote>", html, flags=re.DOTALL)
    return utf16_len(_without_markup(html).strip()) - sum(utf16_len(_without_markup(body)) for body in hidden)


def _without_markup(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def _what_i_know(tr: Translator, titles: Sequence[str]) -> str:
    """One line naming the article, or the first few of several."""
    shown = [tr(texts.ARTICLE_TITLE, title=escape(clip(t, TITLE_BUDGET))) for t in titles[:MAX_NAMED_ARTICLES]]
    if len(titles) == 1:
        return tr(texts.ONE_ARTICLE, title=shown[0])
    more = tr(texts.AND_MORE_ARTICLES, count=len(titles) - len(shown)) if len(titles) > len(shown) else ""
    return tr.plural(texts.SEVERAL_ARTICLES, len(titles), count=len(titles), titles=", ".join(shown) + more)
