"""bot.render: escaping, the bold answer sentence, length limits, plain-text conversion."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from bot.i18n import translator
from index.store import ArticleInfo, Manifest
from tests.fake_telegram.text_format import format_message_text, utf16_len
from tests.fakes import make_answer, make_hit, make_passage

EN = translator("en")


def telegram_text(html: str) -> str:
    """What Telegram would show: raises like the Bot API (400) on malformed HTML."""
    text, _entities = format_message_text(html, "HTML")
    return text


def test_answer_quotes_passage_with_answer_sentence_in_bold_and_source():
    passage = make_passage(("One.", "The answer is here.", "Three."), title="Musk & Putin", position=2)
    html = render.render_answer(EN, make_answer(hits=[make_hit(passage, answer_sentence=1)]))
    assert "<b>The answer is here.</b>" in html
    assert "<blockquote>One. <b>The answer is here.</b> Three.</blockquote>" in html
    assert "Musk &amp; Putin" in html and "paragraph 2 of 6" in html
    assert "One. The answer is here. Three." in telegram_text(html)


def test_everything_from_users_and_articles_is_escaped():
    question = "<b>&amp; </blockquote>"
    passage = make_passage(("<script>x</script>", "a < b && c > d", "<b>&amp;"), title="<i>T</i>")
    answer = make_answer(question, [make_hit(passage, answer_sentence=2)])
    for html in (
        render.render_answer(EN, answer, echo_question=True),
        render.render_more(EN, question, answer.hits),
        render.render_inline_hit(EN, question, answer.hits[0]),
    ):
        shown = telegram_text(html)  # raises, like the Bot API, on broken markup
        assert question in shown and "<script>x</script>" in shown and "<i>T</i>" in shown
    shown = telegram_text(render.render_not_answered(EN, answer, ["<T&>"], ["<b>?"], echo_question=True))
    assert question in shown and "<T&>" in shown and "<b>?" in shown


def test_not_answered_names_the_article_and_examples_without_a_quote():
    answer = make_answer("Who wrote Hamlet?", answered=False)
    html = render.render_not_answered(EN, answer, ["Musk and Putin"], ["What did Musk tweet?"])
    assert "<blockquote>" not in html and "Second sentence" not in html
    assert "Musk and Putin" in html and "What did Musk tweet?" in html


@given(
    st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=8),
    st.integers(0, 7),
    st.text(max_size=600),
    st.integers(1, 6),
)
@settings(max_examples=60, deadline=None)
def test_replies_always_fit_in_a_message_and_parse(sentences, focus, question, hit_count):
    passage = make_passage(sentences, title="x😀" * 300)
    hit = make_hit(passage, answer_sentence=min(focus, len(sentences) - 1))
    answer = make_answer(question, [hit] * hit_count)
    for html in (
        render.render_answer(EN, answer, echo_question=True),
        render.render_more(EN, question, answer.hits),
        render.render_inline_hit(EN, question, hit),
    ):
        assert utf16_len(telegram_text(html)) <= render.MAX_MESSAGE_UNITS


def test_long_passage_is_cut_around_the_answer_sentence():
    sentences = [f"Filler sentence number {i} with some words." for i in range(200)]
    sentences[150] = "THE ANSWER."
    html = render.render_answer(EN, make_answer(hits=[make_hit(make_passage(sentences), answer_sentence=150)]))
    text = telegram_text(html)
    assert "<b>THE ANSWER.</b>" in html
    assert text.count("…") == 2 and utf16_len(text) < render.PASSAGE_BUDGET + 300


def test_one_huge_sentence_is_clipped():
    html = render.quote_passage(make_passage(["word " * 5000]), 0, budget=1000)
    assert utf16_len(telegram_text(html)) <= 1000 and "…" in html


def test_clip_counts_utf16_units():
    assert render.clip("😀" * 10, 10) == "😀" * 4 + "…"
    assert render.clip("short", 10) == "short"


def test_about_lists_articles_sources_counts_model_and_build_time():
    manifest = Manifest(
        model="m/model", dimension=384, passage_count=6, unit_count=45, chunker_version="3", corpus_hash="h",
        built_at="2025-01-02T03:04:05+00:00", build_seconds=1.0,
        articles=(ArticleInfo("a", "Title <1>", "The Source", "2021-02-14", 6),),
    )  # fmt: skip
    html = render.render_about(EN, manifest)
    text = telegram_text(html)
    for expected in ("Title <1>", "The Source", "Passages: 6", "m/model", "2025-01-02 03:04:05 UTC"):
        assert expected in text


def test_help_escapes_placeholders_and_lists_reindex_for_admins_only():
    assert "/reindex" in render.render_help(EN, "bot", is_admin=True)
    assert "/reindex" not in render.render_help(EN, "bot", is_admin=False)
    assert "/ask <question>" in telegram_text(render.render_help(EN, "bot", is_admin=False))


def test_to_plain_turns_html_into_terminal_text():
    html = render.render_answer(EN, make_answer("q", [make_hit(make_passage(("A & B.", "C.")), answer_sentence=0)]))
    plain = render.to_plain(html, bold=("*", "*"))
    assert plain.startswith("> *A & B.* C.")
    assert "<" not in plain and "&amp;" not in plain
