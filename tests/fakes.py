"""Small builders of engine results, and a fake engine, for tests that need an Answer
without a model."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import Answer, Hit, Manifest, Passage
from index.store import ArticleInfo

if TYPE_CHECKING:
    from bot.services import BotServices
    from index import Engine
    from index.scoring import Scoring


def make_passage(
    sentences: tuple[str, ...] | list[str] = ("First sentence.", "Second sentence.", "Third sentence."),
    *,
    title: str = "An article",
    article_id: str = "article",
    position: int = 2,
    article_passages: int = 6,
    heading: str | None = None,
) -> Passage:
    return Passage(article_id, title, position, article_passages, heading, tuple(sentences))


def make_hit(passage: Passage | None = None, *, answer_sentence: int = 1, score: float = 0.9) -> Hit:
    return Hit(passage or make_passage(), score=score, dense=score, coverage=1.0, answer_sentence=answer_sentence)


def make_answer(question: str = "What?", hits: list[Hit] | None = None, *, answered: bool = True) -> Answer:
    hits = hits if hits is not None else [make_hit()]
    return Answer(question, answered, tuple(hits), 0.9 if answered else 0.1)


EXAMPLES = ("What did Musk tweet to Putin?", "How many downloads does Clubhouse have?")
# The question the reply tests ask: answered by the second sentence of its first passage.
QUESTION = "How many downloads does Clubhouse have?"
SHOWN = make_passage(("Clubhouse launched in 2020.", "It has 5 million downloads.", "Mostly on iPhones."))
OTHER = make_passage(("Musk joined in February.",), position=3)
ANSWERED = make_answer(QUESTION, [make_hit(SHOWN, answer_sentence=1), make_hit(OTHER, answer_sentence=0)])


def make_manifest(*titles: str, passages: int = 6, examples: tuple[str, ...] = EXAMPLES, source: str = "The Source",
                  translated_examples: dict[str, tuple[str, ...]] | None = None) -> Manifest:
    """Articles of these titles (one by default), each offering `examples` (and
    `translated_examples` to users of those languages)."""
    titles = titles or ("Why Is Everyone Talking About Clubhouse?",)
    articles = tuple(ArticleInfo(f"a{n}", title, source, "2021-02-14", passages, examples, dict(translated_examples or {}))
                     for n, title in enumerate(titles))
    return Manifest(
        model="test/model", dimension=64, passage_count=passages * len(titles), unit_count=45, chunker_version="3",
        corpus_hash="h", built_at="2025-01-02T03:04:05+00:00", build_seconds=1.0, articles=articles,
    )  # fmt: skip


class FakeEngine:
    """Stands in for `index.Engine` where a test is about the bot, not retrieval: answers
    the questions of `answers` as given, and any other one as not answered."""

    def __init__(
        self, answers: dict[str, Answer] | None = None, manifest: Manifest | None = None, passages: Sequence[Passage] = (),
        *, seconds: float = 0.0,
    ) -> None:
        self.answers = answers or {}
        self.seconds = seconds  # how long each question takes
        self.manifest = manifest or make_manifest()
        self.passages = list(passages)
        self.asked: list[tuple[str, int | None]] = []
        self.histories: list[tuple[str, ...]] = []  # the history each question was asked with

    def ask(self, question: str, top_k: int | None = None, history: Sequence[str] = ()) -> Answer:
        self.asked.append((question, top_k))
        self.histories.append(tuple(history))
        time.sleep(self.seconds)  # run off the event loop, as the engine is
        answer = self.answers.get(question) or make_answer(question, answered=False)
        # Like the engine, a question asked after others is marked as read with the last of them.
        return replace(answer, follow_up_of=history[-1]) if history else answer


def answering_engine() -> FakeEngine:
    """Answers QUESTION (ANSWERED) and the first example question; nothing else."""
    return FakeEngine({QUESTION: ANSWERED, EXAMPLES[0]: make_answer(EXAMPLES[0], [make_hit()])})


@contextlib.contextmanager
def open_services(tmp_path: Path, **settings: Any) -> Iterator[BotServices]:
    """The bot's services with every file in `tmp_path` and the state database open."""
    from bot.services import BotServices
    from bot.settings import BotSettings

    values = {
        "feedback_file": tmp_path / "feedback.jsonl", "update_journal_file": tmp_path / "journal.jsonl",
        "state_db": tmp_path / "bot.sqlite3", "feedback_salt": "test-salt-0123456789", **settings,
    }  # fmt: skip
    services = BotServices.create(BotSettings(_env_file=None, **values))
    services.state.open()
    try:
        yield services
    finally:
        services.close_state()


# A small article the hashing engine's tests share: names, a number, a quotation, three sections.
HARBOUR_ARTICLE = """title: Harbour news

The Harbour Trust

The harbour trust counted 4,000 ferry passengers on Sunday. Mayor Alma Ruiz opened the new pier.

Weather

Fog closed the northern bay for two days. Fishermen stayed ashore and mended nets.

The Lighthouse

The old lighthouse keeper, Tomas Berg, wrote in his log: “the lamp burned all night”. Visitors may climb the tower in summer.
"""


def hashing_engine(root: Path, article: str, scoring: Scoring, multilingual: Any = None, *,
                   build_multilingual: bool = False, embedder: Any = None) -> Engine:
    """An engine over one article, embedded by the hashing fake: no model loaded. `multilingual`:
    a fake multilingual model for questions in Russian (none: they get the English model only);
    `build_multilingual`: the build keeps its vectors, as `python -m index build` does;
    `embedder`: another fake than a plain HashingEmbedder."""
    from index import Engine, IndexSettings, build_index
    from tests.fake_embedder import HashingEmbedder

    (root / "corpus").mkdir(parents=True)
    (root / "corpus" / "article.txt").write_text(article, encoding="utf-8")
    embedder = embedder or HashingEmbedder()
    build_index(root / "corpus", root / "index", embedder, multilingual=multilingual if build_multilingual else None)
    settings = IndexSettings(_env_file=None, corpus_dir=root / "corpus", index_dir=root / "index",
                             embedding_model=embedder.name, embedding_backend="torch", multilingual_model="")
    return Engine.load(settings, embedder, scoring=scoring, multilingual=multilingual)
