"""The example questions offered as buttons by /start, the refusal and small talk: never
written in the code, they come from the articles.

Each article's come from its front matter (`examples:`, kept in the index's manifest) or,
when it has none, from the article itself by one general rule: the questions its own
headings ask ("Who Runs It?"), then its title — as it is when the title is a question, else
as "What is “<title>” about?". With several articles the examples are taken in turn from
each (the first of every article, then the second...), so /start offers some of each.

A reply in another language offers an article's examples in that language when its front
matter lists them (`examples.ru:`), questions the engine answers in that language too; else
the article's own. They are the user's words, not the interface's: the front matter holds
them, not the catalogs, since they must be questions the article answers.

A button's callback data names the language and an index into its list (64 bytes at most); a
list is worked out once per engine and language, and again when /reindex swaps in a new engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, zip_longest

from index import ArticleInfo, Engine, Manifest, Passage

MAX_EXAMPLES = 4  # buttons under a message: more would push the answer off a phone's screen
# The question made of an article's title, in the article's language, not the interface's (it
# is not in bot.texts, so not translated): a button that asks it sends it to the engine, which
# must answer it; front matter is where an article lists questions in another language.
ABOUT_TITLE = "What is “{title}” about?"


def example_questions(manifest: Manifest, passages: Iterable[Passage], limit: int = MAX_EXAMPLES,
                      language: str | None = None) -> tuple[str, ...]:
    """Up to `limit` examples, taken in turn from each article's own list: its list in
    `language` when it has one, else the list in its own language."""
    headings: dict[str, list[str]] = {}
    for passage in passages:
        seen = headings.setdefault(passage.article_id, [])
        if passage.heading and passage.heading not in seen:
            seen.append(passage.heading)
    per_article = [article.translated_examples.get(language or "") or article.examples
                   or derived_examples(article, headings.get(article.id, ())) for article in manifest.articles]
    in_turn = (q for q in chain.from_iterable(zip_longest(*per_article)) if q is not None)
    return tuple(_unique(in_turn))[:limit]


def derived_examples(article: ArticleInfo, headings: Sequence[str]) -> tuple[str, ...]:
    """An article without `examples:`: the questions its headings ask, then its title."""
    asked = [heading for heading in headings if is_question_heading(heading)]
    title = article.title if is_question_heading(article.title) else ABOUT_TITLE.format(title=article.title)
    return (*asked, title)


def is_question_heading(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))


class ExampleQuestions:
    """The examples of the engine being served, per language, worked out again only when it changes."""

    def __init__(self, limit: int = MAX_EXAMPLES) -> None:
        self.limit = limit
        self._manifest: Manifest | None = None
        self._examples: dict[str | None, tuple[str, ...]] = {}

    def of(self, engine: Engine, language: str | None = None) -> tuple[str, ...]:
        """`language`: the reply's (None: every article's own list)."""
        manifest = engine.manifest
        if manifest is not self._manifest:
            self._examples = {}
            self._manifest = manifest
        if language not in self._examples:
            self._examples[language] = example_questions(manifest, engine.passages, self.limit, language)
        return self._examples[language]


def _unique(questions: Iterable[str]) -> Iterable[str]:
    seen: set[str] = set()
    for question in questions:
        if question not in seen:
            seen.add(question)
            yield question
