"""Contractions typed without their apostrophe ("whats it worth", "didnt he reply"), read with it.

Typed so, "whats" is a word the article never uses: it counts toward the question's unknown
words, the strongest sign of an off-topic question, while "what's" splits into stopwords as
"what is" would. English only, and only spellings that are no English word of their own: not
"lets" (it lets users…), "ill", "well", "were", "wont", "shell" or "hell".
"""

from __future__ import annotations

import re

CONTRACTIONS = {
    "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't",
    "werent": "weren't", "cant": "can't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
    "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't", "im": "I'm", "ive": "I've", "youre": "you're",
    "theyre": "they're", "whats": "what's", "thats": "that's", "theres": "there's", "hes": "he's", "wheres": "where's",
    "whos": "who's", "hows": "how's", "whens": "when's",
}  # fmt: skip
# A whole word: not part of a longer one, a compound or an abbreviation ("hes-", "IM.com").
_APOSTROPHELESS = re.compile(r"(?<![\w.'’-])(" + "|".join(CONTRACTIONS) + r")(?![\w'’-]|\.\w)", re.IGNORECASE)


def restore_apostrophes(question: str) -> str:
    """The question with each contraction typed without its apostrophe written with it."""
    return _APOSTROPHELESS.sub(lambda m: CONTRACTIONS[m.group(1).lower()], question)
