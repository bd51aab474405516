from index.corpus import Article, Paragraph
from index.passages import MAX_PASSAGE_WORDS, UnitKind, make_passages, make_units


def _article(*paragraphs, id="a"):
    return Article(id, f"Title {id}", None, None, tuple(Paragraph(t, "Heading") for t in paragraphs))


def test_each_paragraph_is_a_passage_numbered_within_its_article():
    passages = make_passages([_article("One. Two.", "Three."), _article("Four.", id="b")])
    assert [(p.article_id, p.position, p.article_passages, p.text) for p in passages] == [
        ("a", 1, 2, "One. Two."), ("a", 2, 2, "Three."), ("b", 1, 1, "Four."),
    ]


def test_long_paragraphs_are_cut_at_sentence_boundaries():
    sentence = "Word " + "word " * 49 + "end."
    passages = make_passages([_article(" ".join([sentence] * 5))])
    assert len(passages) > 1
    assert all(len(p.text.split()) <= MAX_PASSAGE_WORDS for p in passages)
    assert all(p.text.endswith("end.") for p in passages)


def test_sentence_context_crosses_paragraphs_but_not_articles():
    passages = make_passages([_article("Musk wrote to Putin.", "His tweet read hello."), _article("Other start.", id="b")])
    context = {(u.passage, u.sentence): u.text for u in make_units(passages) if u.kind is UnitKind.SENTENCE_IN_CONTEXT}
    assert context[(1, 0)] == "Heading. Musk wrote to Putin. His tweet read hello."
    assert context[(2, 0)] == "Heading Other start."


def test_every_sentence_has_its_own_and_context_unit_and_every_passage_one_whole():
    passages = make_passages([_article("A one. A two.", "B one.")])
    kinds = [(u.kind, u.passage, u.sentence) for u in make_units(passages)]
    assert kinds.count((UnitKind.PASSAGE, 0, None)) == 1
    assert (UnitKind.SENTENCE, 0, 1) in kinds and (UnitKind.SENTENCE_IN_CONTEXT, 1, 0) in kinds


def test_a_sentence_in_another_script_says_which_language_in_its_context():
    passages = make_passages([_article("He wrote: “было бы честью.” It means honour.")])
    context = [u.text for u in make_units(passages) if u.kind is UnitKind.SENTENCE_IN_CONTEXT]
    assert context[0].endswith("(in Russian language)") and not context[1].endswith("language)")
