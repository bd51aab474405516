"""Example questions come from the articles, never from the code: the front matter's
`examples:` (carried through the index's manifest), or a rule applied to the article itself;
with several articles /start and the refusal offer some of each. Fast: the hashing embedder
stands in for the model; the model-tier test asks the real engine each example."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from dataclasses import replace

import pytest

from bot import replies
from bot.buttons import EXAMPLE_PATTERN
from bot.examples import ExampleQuestions, derived_examples, example_questions
from bot.local_chat import reply_html
from bot.reply import ChatContext
from index import Engine, IndexSettings, build_index
from index.corpus import parse_article, read_corpus
from index.store import read_manifest
from tests.conftest import REPO
from tests.fake_embedder import HashingEmbedder
from tests.fakes import EXAMPLES, FakeEngine, make_answer, make_hit, make_manifest, make_passage, open_services

SECOND_ARTICLE = REPO / "tests" / "data" / "second_article" / "riverside-bike-share.md"
ARTICLE = REPO / "corpus" / "musk-putin-clubhouse.txt"


def test_the_front_matter_lists_examples():
    raw = "---\ntitle: T\nexamples:\n  - First question?\n  - \"Second: quoted?\"\nsource: S\n---\n\nBody.\n"
    article = parse_article(raw, "a")
    assert article.examples == ("First question?", "Second: quoted?") and article.source == "S"
    assert parse_article("---\ntitle: T\n---\n\nBody.\n", "a").examples == ()
    [shipped] = read_corpus(REPO / "corpus")
    assert len(shipped.examples) == 4 and all(q.endswith("?") for q in shipped.examples)


def test_the_front_matter_lists_examples_for_users_of_another_language():
    raw = ("---\ntitle: T\nexamples:\n  - First question?\nexamples.ru:\n  - Первый вопрос?\n  - Второй?\n"
           "examples.xx-long:\n  - Ignored?\nexamples.de:\n---\n\nBody.\n")  # fmt: skip
    article = parse_article(raw, "a")
    assert article.examples == ("First question?",)
    assert article.translated_examples == {"ru": ("Первый вопрос?", "Второй?")}  # an empty list is none
    [shipped] = read_corpus(REPO / "corpus")
    assert len(shipped.translated_examples["ru"]) == 4


def test_a_reply_in_another_language_offers_that_languages_examples_else_the_articles_own():
    manifest = make_manifest("One", "Two", examples=("A?", "B?"), translated_examples={"ru": ("А?",)})
    assert example_questions(manifest, [], language="ru") == ("А?",)  # both articles offer the same one
    assert example_questions(manifest, [], language="en") == example_questions(manifest, []) == ("A?", "B?")
    mixed = replace(manifest, articles=(manifest.articles[0], replace(manifest.articles[1], examples=("C?",), translated_examples={})))
    assert example_questions(mixed, [], language="ru") == ("А?", "C?")  # the second has no Russian list


async def test_a_russian_user_is_offered_and_asks_the_russian_examples(tmp_path):
    russian = ("Сколько загрузок у Clubhouse?", "Что Маск предложил Путину?")
    engine = FakeEngine({q: make_answer(q, [make_hit()]) for q in (*russian, EXAMPLES[1])},
                        make_manifest(translated_examples={"ru": russian}))  # fmt: skip
    ivan, alice = ChatContext(1002, "ru", 1002), ChatContext(1001, "en", 1001)
    with open_services(tmp_path) as services:
        start = replies.start(ivan, engine, services)
        assert [(b.label, b.data) for row in start.buttons for b in row] == [(russian[0], "ex:ru:0"), (russian[1], "ex:ru:1")]
        assert [b.label for row in replies.start(alice, engine, services).buttons for b in row] == list(EXAMPLES)
        refusal = await replies.answer_question("Who wrote Hamlet?", ivan, engine, services)
        assert [b.data for row in refusal.buttons for b in row][:-1] == ["ex:ru:0", "ex:ru:1"]  # then the closest passage
        # A Russian question is answered in Russian whatever the user's Telegram says: so are its examples.
        assert [b.label for row in (await replies.answer_question("кто написал Гамлета?", alice, engine, services)).buttons
                for b in row] == [*russian, "🔎 Ближайший фрагмент"]  # fmt: skip
        # Whoever presses, the button asks the question it shows; a button from before the
        # lists had languages ("ex:1") asks from the articles' own list.
        [language, index] = re.fullmatch(EXAMPLE_PATTERN, start.buttons[0][0].data).groups()
        pressed = await replies.press_example(int(index), language, alice, engine, services).follow_up()
        assert pressed.html.startswith(f"❓ <i>{russian[0]}</i>")
        [language, index] = re.fullmatch(EXAMPLE_PATTERN, "ex:1").groups()
        old = await replies.press_example(int(index), language, ivan, engine, services).follow_up()
        assert old.html.startswith(f"❓ <i>{EXAMPLES[1]}</i>")
        assert engine.asked[-2:] == [(russian[0], None), (EXAMPLES[1], None)]
        # The terminal numbers its own language's examples; another language's are typed as they are.
        terminal = await reply_html("/start", engine, services, ChatContext(None, "ru"))
        assert f"1. {russian[0]}" in terminal and f"2. {russian[1]}" in terminal
        refused_in_russian = await reply_html("кто написал Гамлета?", engine, services)
        assert f"• {russian[0]}" in refused_in_russian and "1. " not in refused_in_russian
        await reply_html("2", engine, services, ChatContext(None, "ru"))
        assert engine.asked[-1][0] == russian[1]


def test_an_article_without_examples_offers_its_own_questions_then_its_title():
    [article] = make_manifest("Riverside Launches A Bike-Share", examples=()).articles
    assert derived_examples(article, ["A new way to cross the river", "Who Runs It?"]) == (
        "Who Runs It?", "What is “Riverside Launches A Bike-Share” about?")  # fmt: skip
    [question] = make_manifest("Why Is Everyone Talking About It?", examples=()).articles
    assert derived_examples(question, []) == ("Why Is Everyone Talking About It?",)


def test_several_articles_give_their_examples_in_turn():
    manifest = make_manifest("One", "Two", examples=("A?", "B?", "C?"))
    assert example_questions(manifest, []) == ("A?", "B?", "C?")  # the same questions, once
    two = make_manifest("One", "Two", examples=())
    passages = [make_passage(article_id="a1", heading="Is Two Good?"), make_passage(article_id="a1", heading="Is Two Good?")]
    assert example_questions(two, passages) == ("What is “One” about?", "Is Two Good?", "What is “Two” about?")
    many = make_manifest(*"ABCDEF", examples=())
    assert len(example_questions(many, [])) == 4  # no more buttons than a phone shows


def test_the_examples_follow_the_engine_being_served():
    class Served:
        def __init__(self, manifest) -> None:
            self.manifest, self.passages = manifest, []

    examples = ExampleQuestions()
    first = Served(make_manifest(examples=("Old?",)))
    assert examples.of(first) == ("Old?",) and examples.of(first) is examples.of(first)
    assert examples.of(Served(make_manifest(examples=("New?",)))) == ("New?",)  # after /reindex


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory) -> Engine:
    """The shipped article (with its examples) and a second one without any, in a temporary
    corpus, embedded by the hashing fake."""
    root = tmp_path_factory.mktemp("two-articles")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus")
    shutil.copy(SECOND_ARTICLE, root / "corpus")
    embedder = HashingEmbedder()
    build_index(root / "corpus", root / "index", embedder)
    settings = IndexSettings(_env_file=None, corpus_dir=root / "corpus", index_dir=root / "index",
                             embedding_model=embedder.name, embedding_backend="torch")  # fmt: skip
    return Engine.load(settings, embedder)


def test_the_manifest_carries_each_articles_examples(two_articles, tmp_path):
    clubhouse, bikes = two_articles.manifest.articles
    assert clubhouse.examples == read_corpus(REPO / "corpus")[0].examples and bikes.examples == ()
    # An index built before examples were kept still loads, with none.
    older = {"model": "m", "dimension": 3, "passage_count": 1, "unit_count": 1, "chunker_version": "5",
             "corpus_hash": "h", "built_at": "t", "build_seconds": 1,
             "articles": [{"id": "a", "title": "T", "source": None, "date": None, "passages": 1}]}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps(older), encoding="utf-8")
    assert read_manifest(tmp_path).articles[0].examples == ()


async def test_start_and_the_refusal_offer_examples_of_each_article(two_articles, tmp_path):
    clubhouse = read_corpus(REPO / "corpus")[0].examples
    alice = ChatContext(1001, "en", 1001)
    with open_services(tmp_path) as services:
        start = replies.start(alice, two_articles, services)
        offered = [button.label for row in start.buttons for button in row]
        assert offered == [clubhouse[0], "What is “Riverside Launches Its First Electric Bike-Share Scheme” about?",
                           clubhouse[1], clubhouse[2]]  # fmt: skip
        assert "2 articles" in start.html
        refusal = await replies.answer_question("zzzz qqqq", alice, two_articles, services)
        assert not refusal.remember and [b.label for row in refusal.buttons for b in row] == [*offered, "🔎 The closest passage"]
        terminal = await reply_html("/start", two_articles, services)
        assert f"2. {offered[1]}" in terminal


@pytest.mark.model
async def test_every_example_of_the_corpus_is_answered(bot_engine):
    examples = [q for article in bot_engine.manifest.articles
                for listed in (article.examples, *article.translated_examples.values()) for q in listed]
    assert len(examples) == 8
    answers = await asyncio.gather(*(asyncio.to_thread(bot_engine.ask, q) for q in examples))
    assert [a.question for a in answers if not a.answered] == []
