"""Property-based tests (hypothesis): the corpus cleaner, the article parser and the chunker
never raise on any text, and every reply the formatter builds is Telegram HTML the Bot API
accepts (allowed tags only, balanced, entities escaped) within 4096 UTF-16 units."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render, texts
from bot.i18n import LANGUAGES, translator
from index.corpus import parse_article
from index.passages import make_passages, make_units
from index.store import ArticleInfo, Manifest
from index.text import clean_text, split_sentences
from tests.fake_telegram.text_format import format_message_text, parse_html, utf16_len
from tests.fakes import make_answer, make_hit, make_passage

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, lone surrogates included (a JSON update may carry them).
ANY_CHAR = st.characters(exclude_categories=())
# Pieces that steer the parser and the sentence splitter into their corners.
TRICKY = st.sampled_from(
    ["\n", "\n\n", "\r\n", "\r", "---\n", "title: T\n", "source: \n", "# ", "## Heading\n", ". ", "? ", "! ",
     "… ", "U.S. ", "Mr. ", "e.g. ", "3.5 ", "“", "”", "«", "»", "\"", "'", "’", "Twitter.He ", "вами.”As ",
     "\u200b", "\u202e", "\ufeff", "\xa0", "\t", " ", "@KremlinRussia_E ", "A", "z", "Я", "😀", "𝔘", "ﬁ"]
)  # fmt: skip
# The interface in each language the bot speaks: the translations must keep the HTML valid too.
TRANSLATORS = st.sampled_from(LANGUAGES).map(translator)
RAW_TEXT = st.lists(st.one_of(TRICKY, st.text(ANY_CHAR, max_size=30)), max_size=40).map("".join)
ARTICLE_TEXT = st.lists(st.one_of(TRICKY, st.text(st.characters(codec="utf-8"), max_size=30)), max_size=40).map("".join)


def telegram_accepts(html: str) -> str:
    """The text Telegram would show; raises like the Bot API's 400 on anything it refuses
    (unknown or unbalanced tags, bad entities, empty text, over 4096 UTF-16 units)."""
    text, _ = format_message_text(html, "HTML")
    return text


@FAST
@given(RAW_TEXT)
def test_clean_text_never_raises_and_leaves_single_spaces(raw):
    cleaned = clean_text(raw)
    assert cleaned == cleaned.strip() and not re.search(r"\s\s", cleaned)


@FAST
@given(RAW_TEXT)
def test_split_sentences_never_raises_and_loses_nothing(raw):
    cleaned = clean_text(raw)
    sentences = split_sentences(cleaned)
    assert all(s and s == s.strip() for s in sentences)
    assert " ".join(sentences) == cleaned


@FAST
@given(RAW_TEXT, st.text(min_size=1, max_size=10))
def test_parse_article_and_the_chunker_never_raise(raw, article_id):
    article = parse_article(raw, article_id=article_id)
    assert all(p.text for p in article.paragraphs)
    passages = make_passages([article])
    assert [p.position for p in passages] == list(range(1, len(passages) + 1))
    assert all(p.sentences and p.article_passages == len(passages) for p in passages)
    units = make_units(passages)
    assert len(units) == len(passages) + 2 * sum(len(p.sentences) for p in passages)


def long_text(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Short text, or a long run of a short piece (to reach the length limits quickly)."""
    return st.one_of(
        st.text(chars, min_size=1, max_size=60),
        st.builds(lambda s, n: s * n, st.text(chars, min_size=1, max_size=8), st.integers(100, 700)),
    )


# What users type may hold any code point; article text was decoded from UTF-8 files, so
# it cannot hold lone surrogates (the only code points Telegram cannot take at all).
USER_TEXT = long_text(ANY_CHAR)
LONG_TEXT = long_text(st.characters(codec="utf-8"))
SENTENCES = st.lists(LONG_TEXT, min_size=1, max_size=6)


@st.composite
def answers(draw):
    """An Answer whose passages come either straight from text or through the real chunker."""
    question = draw(USER_TEXT)
    title = draw(LONG_TEXT)
    hits = []
    for _ in range(draw(st.integers(1, 4))):
        passage = make_passage(draw(SENTENCES), title=title, position=draw(st.integers(1, 999)))
        hits.append(make_hit(passage, answer_sentence=draw(st.integers(0, len(passage.sentences) - 1))))
    article = parse_article(draw(ARTICLE_TEXT) + "\n\nAn ending sentence.", article_id="a")
    for passage in make_passages([article])[:2]:
        hits.append(make_hit(passage, answer_sentence=len(passage.sentences) - 1))
    return make_answer(question, hits)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(), st.lists(LONG_TEXT, max_size=8), st.lists(LONG_TEXT, max_size=8), TRANSLATORS)
def test_every_reply_is_html_telegram_accepts_within_4096_units(answer, titles, examples, tr):
    links = {"a": "https://example.org/a?b=<1>&c=\"2\""}  # the chunked passages' article
    replies = [
        render.render_answer(tr, answer, links, echo_question=True),
        render.render_answer(tr, answer),
        render.render_not_answered(tr, answer, titles or ["t"], offers_examples=bool(examples), echo_question=True),
        render.render_small_talk(tr, texts.SMALL_TALK_GREETING, titles or ["t"], examples[0] if examples else None),
        render.render_start(tr, titles or ["t"], offers_examples=bool(examples)),
        render.render_more(tr, answer.question, answer.hits[:3], links),
        render.render_more(tr, answer.question, []),
        render.render_inline_hit(tr, answer.question, answer.hits[0], links),
    ]
    for html in replies:
        assert utf16_len(telegram_accepts(html)) <= render.MAX_MESSAGE_UNITS


@FAST
@given(st.text(ANY_CHAR, max_size=400), TRANSLATORS)
def test_an_echoed_question_comes_back_exactly_as_typed(question, tr):
    plain, entities = parse_html(render.question_line(tr, question))
    shown = render.clip(render.printable(question), render.ECHO_BUDGET)
    assert plain == f"❓ {shown}" and [e.type for e in entities] in ([], ["italic"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(LONG_TEXT, st.one_of(st.none(), LONG_TEXT)), min_size=1, max_size=30), LONG_TEXT, TRANSLATORS)
def test_about_is_html_telegram_accepts_however_many_articles(articles, model, tr):
    infos = tuple(ArticleInfo(f"a{n}", title, source, None, n) for n, (title, source) in enumerate(articles))
    manifest = Manifest(model, 384, 6, 46, "5", "hash", "2024-01-01T00:00:00+00:00", 1.0, infos)
    assert utf16_len(telegram_accepts(render.render_about(tr, manifest))) <= render.MAX_MESSAGE_UNITS


@FAST
@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True), st.booleans(), TRANSLATORS, st.integers(0, 400))
def test_help_is_html_telegram_accepts(username, is_admin, tr, log_days):
    shown = telegram_accepts(render.render_help(tr, username, is_admin=is_admin, log_days=log_days))
    assert f"@{username} " in shown
