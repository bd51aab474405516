"""bot.render: escaping, the bold answer sentence, length limits, plain-text conversion."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from bot.i18n import translator
from index.store import ArticleInfo, Manifest
from tests.fake_telegram.text_format import format_message_text, utf16_len
from tests.fakes import make_answer, make_hit, make_manifest, make_passage

EN = translator("en")


def telegram_text(html: str) -> str:
    """What Telegram would show: raises like the Bot API (400) on malformed HTML."""
    text, _entities = format_message_text(html, "HTML")
    return text


def entities(html: str) -> list:
    return format_message_text(html, "HTML")[1]


def test_an_answer_is_its_sentence_then_the_rest_expandable_then_the_source():
    passage = make_passage(("One.", "The answer is here.", "Three."), title="Musk & Putin", position=2)
    html = render.render_answer(EN, make_answer(hits=[make_hit(passage, answer_sentence=1)]))
    assert html == "<b>The answer is here.</b>\n<blockquote expandable>One. … Three.</blockquote>\n📰 <i>Musk &amp; Putin</i>"
    assert telegram_text(html) == "The answer is here.\nOne. … Three.\n📰 Musk & Putin"
    [bold, quote, _italic] = entities(html)
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, len("The answer is here."))
    assert quote.type == "expandable_blockquote" and quote.length == len("One. … Three.")
    assert "paragraph" not in html


def test_the_rest_of_the_paragraph_keeps_its_order_and_where_it_was_cut():
    first = render.rest_of_paragraph(EN, make_passage(("A.", "B.", "C.")), 0)
    last = render.rest_of_paragraph(EN, make_passage(("A.", "B.", "C.")), 2)
    assert (first, last) == ("B. C.", "A. B.")
    assert render.rest_of_paragraph(EN, make_passage(("Alone.",)), 0) == ""
    long = make_passage([f"Sentence {i} with some words." for i in range(100)])
    cut = render.rest_of_paragraph(EN, long, 50, budget=200)
    assert cut.startswith("… ") and cut.endswith(" …") and " … " in cut and "Sentence 50 " not in cut
    assert utf16_len(cut) <= 200


def test_a_one_sentence_paragraph_has_no_quote():
    html = render.render_answer(EN, make_answer(hits=[make_hit(make_passage(("Just this.",)), answer_sentence=0)]))
    assert html == "<b>Just this.</b>\n📰 <i>An article</i>"


def test_the_source_is_a_short_title_linked_when_the_article_has_a_web_address():
    passage = make_passage(("One.", "Two."), title="A Very Long Title " * 8, article_id="a0")
    answer = make_answer(hits=[make_hit(passage, answer_sentence=0)])
    links = render.article_links(make_manifest(source="https://example.org/news?id=1&x=2"))
    assert links == {"a0": "https://example.org/news?id=1&x=2"}
    html = render.render_answer(EN, answer, links)
    source = html.rsplit("\n", 1)[1]
    assert source.startswith('📰 <a href="https://example.org/news?id=1&amp;x=2">A Very Long Title')
    [link] = [e for e in entities(html) if e.type == "text_link"]
    assert link.url == "https://example.org/news?id=1&x=2" and link.length <= render.SHORT_TITLE
    assert render.article_links(make_manifest(source="news article supplied with the project brief")) == {}
    assert render.article_links(make_manifest(source="javascript:alert(1)")) == {}


# Sentences as the corpus splitter makes them: stripped, never blank (Telegram trims a message's
# leading blanks, into a quote when the bold sentence is blank).
SENTENCE = st.text(min_size=1, max_size=600).map(str.strip).filter(bool)


@given(st.lists(SENTENCE, min_size=1, max_size=8), st.integers(0, 7), st.text(max_size=600))
@settings(max_examples=60, deadline=None)
def test_an_answer_shows_at_most_the_visible_budget_before_it_is_opened(sentences, focus, follow_up_of):
    hit = make_hit(make_passage(sentences, title="x😀" * 300), answer_sentence=min(focus, len(sentences) - 1))
    answer = replace(make_answer("q", [hit]), follow_up_of=follow_up_of or None)
    html = render.render_answer(EN, answer)
    plain, found = format_message_text(html, "HTML")
    hidden = sum(e.length for e in found if e.type == "expandable_blockquote")
    assert utf16_len(plain) - hidden <= render.VISIBLE_BUDGET
    assert render.visible_units(html) == utf16_len(plain) - hidden


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
    shown = telegram_text(render.render_not_answered(EN, answer, ["<T&>"], offers_examples=True, echo_question=True))
    assert question in shown and "<T&>" in shown
    assert "<b>?" in telegram_text(render.render_small_talk(EN, None, ["<T&>"], "<b>?"))


def test_not_answered_names_the_article_without_a_quote():
    answer = make_answer("Who wrote Hamlet?", answered=False)
    html = render.render_not_answered(EN, answer, ["Musk and Putin"], offers_examples=True)
    assert "<blockquote" not in html and "Second sentence" not in html
    assert "Musk and Putin" in html and html.endswith("You could ask, for example:")
    assert not render.render_not_answered(EN, answer, ["Musk and Putin"]).endswith("for example:")


def test_a_refused_question_that_refers_back_to_nothing_says_so_in_the_users_language():
    answer = replace(make_answer("Who is he?", answered=False), refers_back=True)
    html = render.render_not_answered(EN, answer, ["Musk and Putin"], offers_examples=True)
    assert "not sure who or what you mean" in html and "couldn't find" not in html
    assert "Musk and Putin" in html and html.endswith("You could ask, for example:")
    russian = render.render_not_answered(translator("ru"), replace(answer, question="Кто он?"), ["Musk and Putin"])
    assert "о ком или о чём речь" in russian and "Musk and Putin" in russian


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
    assert html.startswith("<b>THE ANSWER.</b>\n<blockquote expandable>… Filler")
    assert text.count("…") == 3 and utf16_len(text) < render.PASSAGE_BUDGET + 300


def test_one_huge_sentence_is_clipped_and_shown_whole_in_the_quote():
    html = render.quote_passage(make_passage(["word " * 5000]), 0, budget=1000)
    assert utf16_len(telegram_text(html)) <= 1000 and "…" in html
    long = "A long answer " * 50 + "ends here."
    html = render.render_answer(EN, make_answer(hits=[make_hit(make_passage(("Before.", long)), answer_sentence=1)]))
    bold, quote = html.split("\n")[:2]
    assert bold.endswith("…</b>") and render.visible_units(html) <= render.VISIBLE_BUDGET
    assert quote.startswith("<blockquote expandable>Before. <b>A long answer") and "ends here.</b>" in quote


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
    assert plain == "*A & B.*\n> C.\n📰 An article"
    linked = render.render_answer(EN, make_answer("q", [make_hit(make_passage(("A.",), article_id="a0"), answer_sentence=0)]),
                                  {"a0": "https://example.org/a"})  # fmt: skip
    assert render.to_plain(linked) == "A.\n📰 An article (https://example.org/a)"
