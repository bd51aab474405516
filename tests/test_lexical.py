"""The lexical index: what it logs, and names asked in Russian matched by their sounds."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.general_words import GENERAL_WORDS
from index.lexical import LexicalIndex, sound_key, stem, transliterate


def test_building_the_lexical_index_says_nothing_to_an_application_logging_at_debug(caplog):
    """bm25s logs every index it builds at DEBUG on a logger it sets to DEBUG itself."""
    caplog.set_level(logging.DEBUG)
    index = LexicalIndex(["Musk invited Putin to Clubhouse.", "The Kremlin answered."])
    assert index.knows("kremlin")
    assert not [r for r in caplog.records if r.name.startswith("bm25s")]


@pytest.mark.parametrize(("russian", "name"), [
    ("клабхаус", "clubhouse"), ("клабхаусе", "clubhouse"), ("робинхуда", "robinhood"), ("цукерберг", "zuckerberg"),
    ("дрейк", "drake"), ("маском", "musk"),
])  # fmt: skip
def test_a_russian_rendering_of_a_name_has_the_name_s_sound_key(russian, name):
    # The word or its stem (Snowball drops "-ом"): name_spelled tries both.
    assert sound_key(transliterate(russian)) == sound_key(name) or sound_key(transliterate(russian[:-2])) == sound_key(name)


def test_only_a_name_and_only_the_one_name_of_a_sound_is_taken():
    index = LexicalIndex(["Clubhouse received criticism.", "Mark and Musk spoke; Mask is a town."],
                         names=["clubhouse", "mark", "musk", "mask"])
    assert index.name_spelled("клабхауса") == "clubhouse"
    assert index.name_spelled("маск") is None  # Musk or Mask: the letters, then the model, decide
    assert index.repair("Что получил клабхаус?").repaired == {"клабхаус": "clubhouse"}
    # "руководит" sounds like "received", which is no name: not taken for it.
    assert LexicalIndex(["Clubhouse received criticism."], names=["clubhouse"]).name_spelled("руководит") is None
    assert LexicalIndex(["Al met Ed."], names=["al", "ed"]).name_spelled("ал") is None  # too short a key to tell


def test_the_general_english_words_are_scikit_learns_list():
    """Copied so that serving does not import scikit-learn; it must stay the list it names."""
    text = pytest.importorskip("sklearn.feature_extraction.text")
    assert GENERAL_WORDS == text.ENGLISH_STOP_WORDS


def test_a_word_the_corpus_holds_only_inside_a_longer_one_is_read_as_that_word():
    index = LexicalIndex(["The talk had livestreams on YouTube.", "He spoke of cryptocurrency with Mark Zuckerberg.",
                          "Owners of iPhones only."])
    # The head of a compound, and a clipping: many edits from the word, so typo repair misses them.
    assert index.repair("was it streamed anywhere").repaired == {"streamed": "livestreams"}
    assert index.repair("musk crypto talk").repaired == {"crypto": "cryptocurrency"}
    assert index.repair("did zuck join").repaired == {"zuck": "zuckerberg"}
    # Not a word merely sharing its first letters, nor a part of several words, nor a short one.
    assert index.whole_word("cryptography") is None
    assert LexicalIndex(["A livestream and a mainstream."]).whole_word("stream") is None
    assert index.whole_word("own") is None  # "owners": too short to tell a part from chance


def test_a_figure_is_never_read_as_another_one():
    index = LexicalIndex(["It had just 1,500 users and a $100 million valuation.", "Over 5000 users listened."])
    assert index.repair("when it had 1500 users").repaired == {}  # the same number, typed without its comma
    assert index.knows("1500")
    assert index.repair("when it had 2500 users").repaired == {}  # 2500 is not a typo of 1500
    assert "50000" in index.repair("over 50000 listeners").words  # nor 50000 a longer 5000
    assert index.repair("the valuaton").repaired == {"valuaton": "valuation"}  # words are still repaired


def _whole_word_by_definition(vocabulary: list[str], word: str) -> str | None:
    """whole_word's rule, checked against every corpus word in turn."""
    if len(word) < 4:
        return None
    forms = {f for f in (word, stem(word)) if len(f) >= 4}
    found = {w for w in vocabulary
             if (len(w) >= len(word) + 3 and w.startswith(word))
             or any(len(ending) >= len(form) + 2 and ending.endswith(form)
                    for ending in {w, stem(w), w.removesuffix("s")} for form in forms)}
    return next(iter(found)) if len(found) == 1 else None


@settings(max_examples=500, deadline=None)
@given(corpus=st.lists(st.text(alphabet="abcdeinrsx", min_size=3, max_size=12), min_size=1, max_size=8),
       data=st.data())
def test_whole_word_finds_what_its_definition_does(corpus, data):
    index = LexicalIndex([" ".join(corpus)])
    # Mostly a piece of a corpus word (a head, a clipping, with a letter or two more), sometimes any word.
    source = data.draw(st.sampled_from(corpus))
    start, end = sorted(data.draw(st.tuples(st.integers(0, len(source)), st.integers(0, len(source)))))
    piece = source[start:end] + data.draw(st.sampled_from(["", "s", "ed", "ing", "x"]))
    word = piece if data.draw(st.integers(0, 4)) else data.draw(st.text(alphabet="abcdeinrsx", min_size=1, max_size=8))
    assert index.whole_word(word) == _whole_word_by_definition(index.vocabulary, word)


def test_bm25_is_served_without_scipy_which_stays_importable():
    """bm25s would import scipy.sparse only to offer a backend it does not use by default
    (11 MB of a serving process's peak); in a fresh process the lexical index builds and scores
    without it, and scipy imports as usual afterwards for whoever needs it."""
    script = (
        "import sys\n"
        "from index.lexical import LexicalIndex\n"
        "lexical = LexicalIndex(['Musk invited Putin to Clubhouse.', 'Clubhouse is an audio app.'])\n"
        "scores = lexical.scores(['putin'])\n"
        "assert scores[0] > 0 == scores[1], scores\n"
        "print('scipy' in sys.modules)\n"
        "import scipy.sparse\n"
        "print(scipy.sparse.csc_matrix([[1.0]]).nnz)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False", "1"]
