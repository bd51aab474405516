from pathlib import Path

import pytest

from index.corpus import is_heading_like, parse_article, read_corpus
from index.errors import CorpusError

REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_front_matter_gives_title_source_and_date():
    article = parse_article("---\ntitle: T\nsource: S\ndate: 2021-02-14\n---\n\nBody text here.\n", "a")
    assert (article.title, article.source, article.date) == ("T", "S", "2021-02-14")
    assert [p.text for p in article.paragraphs] == ["Body text here."]


def test_without_front_matter_the_first_line_is_the_title():
    article = parse_article("My Title\n\nFirst paragraph.\n", "a")
    assert article.title == "My Title" and article.paragraphs[0].text == "First paragraph."


def test_headings_and_captions_are_context_not_passages():
    raw = "Title\n\nSection One\n\nA caption line\n\nProse that answers. More prose.\n\nIs This A Heading?\n\nMore prose here.\n"
    article = parse_article(raw, "a")
    assert [(p.heading, p.text) for p in article.paragraphs] == [
        ("Section One", "Prose that answers. More prose."),
        ("Is This A Heading?", "More prose here."),
    ]


def test_heading_detection():
    assert is_heading_like("Elon Musk")
    assert is_heading_like("Is Elon Musk Sponsoring Clubhouse App?")
    assert not is_heading_like("His tweet read, “would you like to join me?”")
    assert not is_heading_like("is this a question in prose?")
    assert not is_heading_like("A full sentence ends with a stop.")


def test_repo_corpus_has_the_article_with_clean_paragraphs():
    [article] = read_corpus(REPO_CORPUS)
    assert article.title.startswith("Why Is Everyone Talking About Conversation")
    texts = [p.text for p in article.paragraphs]
    assert len(texts) == 6
    assert all("\u00a0" not in t and "Twitter.He" not in t for t in texts)
    assert not any(t.startswith("You Might Also Like") for t in texts)


def test_every_txt_and_md_file_is_an_article(tmp_path):
    (tmp_path / "b.md").write_text("# B title\n\nProse of b.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A title\n\nProse of a.\n", encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    assert [a.id for a in read_corpus(tmp_path)] == ["a", "b"]
    assert read_corpus(tmp_path)[1].title == "B title"


def test_missing_or_empty_corpus_is_a_one_line_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="holds no article"):
        read_corpus(tmp_path)
