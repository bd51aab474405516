"""Follow-up questions: which ones lean on the conversation, and how they are read with it.

"What did Musk tweet to Putin?" then "Who translated it?": the second question names
nothing the article can be searched for. A question is read as a follow-up when it refers
back without a subject of its own (a pronoun such as "it", "he", "them" and none of the
article's names), opens with an ellipsis ("and when …?", "what about Putin?", "what else")
unless it names a subject and asks something of it in words of its own, not general ones
such as "else" ("And what did Musk tweet to Putin?" after "Who is Vlad Tenev?" asks about the
tweet, not about Vlad Tenev), or holds no content word at all. It is then searched both alone
and read with the turn before it: by meaning, the sum of this question's embedding and the
earlier turn's (no second run of the model, so a follow-up costs what any question does), by
words, that turn's words and this question's; and the passage that answered the turn before
is marked (retrieval.FollowUp, the history_* features). The weights come from the scoring
fit. Any other question, a change of topic included, is answered alone. A follow-up that
comes with no conversation is searched alone too; one that means nothing without it ("who is
he?") is marked so (`cannot_stand_alone`), for its refusal to say what it could not tell.
"""

from __future__ import annotations

import re

from .general_words import GENERAL_WORDS
from .lexical import content_words
from .text import words

_REFERS_BACK = frozenset(
    "he him his she her hers it its they them their theirs this that these those there "
    # Russian: the third-person pronouns and the demonstratives in every case (with the н- forms
    # taken after a preposition: "о нём", "у неё"), and "там", "туда", "тогда". Not "то", which
    # is mostly the particle of "что-то", "кто-то".
    "он его него ему нему им ним нём нем оно она её ее неё нее ей ней ею нею они их них ими ними "
    "этот этого этому этим этом эта этой эту это эти этих этими "
    "тот того тому тем том та той ту те тех теми там туда тогда".split()
)
_ELLIPSIS = re.compile(
    r"^\s*(and|also|so|then|but|what about|how about|what else|anything else|else|и|а|ещё|еще|а что|что ещё|что еще)\b",
    re.I,
)


def is_follow_up(question: str, corpus_names: frozenset[str]) -> bool:
    """Whether a question leans on the conversation before it (see the module docstring): one
    that cannot stand alone, or an ellipsis that names no subject of its own ("and on YouTube?")."""
    if cannot_stand_alone(question, corpus_names):
        return True
    return bool(_ELLIPSIS.search(question)) and not any(t in corpus_names for t in words(question))


def cannot_stand_alone(question: str, corpus_names: frozenset[str]) -> bool:
    """Whether a follow-up means nothing without the turn before it: no content word ("and
    why?"), a pronoun with no subject of its own ("who is he?"), or an ellipsis of nothing but
    names and general words ("what about Putin?", "and what else about Musk?"). An ellipsis
    asking in words of its own ("and who wrote Hamlet?") stands alone."""
    content = content_words(question)
    if not content:
        return True
    tokens = words(question)
    if not any(t in corpus_names for t in tokens) and any(t in _REFERS_BACK for t in tokens):
        return True
    return bool(_ELLIPSIS.search(question)) and all(w in corpus_names or w in GENERAL_WORDS for w in content)
