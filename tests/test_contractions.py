"""index.contractions: contractions typed without their apostrophe read with it, nothing else touched."""

import pytest

from index.contractions import restore_apostrophes


@pytest.mark.parametrize(("typed", "meant"), [
    ("whats it worth", "what's it worth"),
    ("Whats Clubhouse?", "what's Clubhouse?"),
    ("didnt he write to putin", "didn't he write to putin"),
    ("im not sure, isnt it free?", "I'm not sure, isn't it free?"),
])  # fmt: skip
def test_contractions_get_their_apostrophe_back(typed, meant):
    assert restore_apostrophes(typed) == meant


@pytest.mark.parametrize("typed", [
    "Who opened the new pier?",
    "you're right, aren't you?",  # typed with their apostrophe
    "it lets users talk, were they well?",  # words of their own: lets, were, well
    "the dontcare flag and the whatsapp group",  # part of a longer word
])  # fmt: skip
def test_every_other_word_stays_as_typed(typed):
    assert restore_apostrophes(typed) == typed
