"""Hybrid retrieval: dense similarity of the scoring units fused with lexical evidence.

Candidates are the passages nearest by dense similarity (FAISS) and the best by BM25
(bm25s), so a passage holding the question's rare words is scored even when the
embedding misses it. Every sentence of a candidate passage is then scored as

    dense    = best cosine of the question with the sentence alone, the sentence in its
               context, or its whole passage (see passages.py)
    coverage = idf-weighted share of the question's content words (after typo repair)
               found in the sentence, or at CONTEXT_SHARE weight in its passage/context
    type     = ANSWER_TYPE_BONUS if the sentence holds the kind of answer the question
               asks for (a name for "who", a number for "how many"; answer_types.py)

    score    = dense + COVERAGE_WEIGHT * coverage + type

A passage scores as its best sentence, which is the answer sentence. The dense cosine
carries meaning and paraphrase; coverage lifts the sentences holding the question's rare
words (names, numbers, keywords) that a small embedding model blurs. The weights sit in
the middle of the plateau found by `benchmarks/tune_retrieval.py` on the dev set and a
second question set (tests/data/extra.jsonl); adding BM25's own score to the sum only
lowered both, so BM25 chooses candidates and coverage does the lexical scoring.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import faiss
import numpy as np

from .answer_types import AnswerEvidence, AnswerType, answer_evidence, expected_answer_type
from .embedding import Embedder
from .lexical import STOPWORDS, LexicalIndex, QueryTerms, content_words, stem
from .passages import Passage, Unit, UnitKind
from .text import words
from .vector_index import search

COVERAGE_WEIGHT = 0.6
CONTEXT_SHARE = 0.6  # what a word found only in the context counts, against one in the sentence
ANSWER_TYPE_BONUS = 0.15
# Inside a passage the topic words are everywhere; the answer sentence is told apart by the
# question's rarer words, so own coverage weighs more there than in ranking passages.
ANSWER_COVERAGE_WEIGHT = 1.0
# Passages scored in full per question: the best this many by dense and by BM25 evidence.
CANDIDATES = 50
# Units the dense search returns per question form; every unit of a small corpus. An HNSW
# index is searched this deep (vector_index.search_parameters), so the list stays near-exact.
DENSE_NEIGHBOURS = 1024
_UNREACHED = np.float32(-1.0)  # the cosine a unit outside the dense neighbours counts as


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score, used for ranking
    dense: float  # best cosine of the answer sentence's units
    coverage: float  # share of the question's content words the answer sentence covers
    answer_sentence: int  # index into passage.sentences

    @property
    def answer(self) -> str:
        """The sentence that answers: the one shown in bold."""
        return self.passage.sentences[self.answer_sentence]


@dataclass(frozen=True)
class Retrieval:
    terms: QueryTerms
    hits: list[Hit]
    unknown_share: float  # share of the question's content words the corpus never uses
    unknown_names: float  # share of the question's capitalised words (names) the corpus never uses


@dataclass(frozen=True)
class _Sentence:
    passage: int
    number: int
    own_unit: int
    context_unit: int
    own_stems: frozenset[str]
    context_stems: frozenset[str]  # heading, previous sentence and the rest of the passage
    evidence: AnswerEvidence  # the kinds of answer it holds (a number, a name, ...)


class Retriever:
    def __init__(self, passages: list[Passage], units: list[Unit], vectors: faiss.Index, embedder: Embedder) -> None:
        self.passages = passages
        self._vectors = vectors
        self.embedder = embedder
        self._sentences, self._passage_unit = _sentence_table(passages, units)
        self._sentences_of: list[list[int]] = [[] for _ in passages]
        for number, sentence in enumerate(self._sentences):
            self._sentences_of[sentence.passage].append(number)
        self._unit_passage = np.array([u.passage for u in units], dtype=np.int64)
        # Lexical documents are the passage units: heading, text and notes on quoted scripts.
        documents = [units[u].text for u in self._passage_unit]
        self.lexical = LexicalIndex(documents)
        document_frequency: dict[str, int] = {}
        for document in documents:
            for term in {stem(w) for w in content_words(document)}:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        self._document_frequency = document_frequency

    def search(self, question: str, k: int) -> Retrieval:
        terms = self.lexical.repair(question)
        units, similarities = self._dense_scores(_question_forms(question, terms))
        # Values stay float32 scalars, so the fused scores come out exactly as they always have.
        dense = dict(zip(units.tolist(), similarities))
        bm25 = self.lexical.scores(terms.terms)
        # Each question word's share of the question's idf mass, computed once per question
        # so that scoring a sentence is a few set lookups.
        query_idf = {t: self._idf(t) for t in terms.terms}
        total = sum(query_idf.values())
        query_weights = {t: idf / total for t, idf in query_idf.items()} if total > 0 else {}

        question_type = expected_answer_type(question)
        question_words = frozenset(words(question))
        candidates = self._candidates(units, similarities, bm25)
        hits = [self._score_passage(p, dense, query_weights, question_type, question_words) for p in candidates]
        hits.sort(key=lambda hit: -hit.score)
        known = sum(1 for w in terms.words if self.lexical.knows(w))
        unknown_share = 1.0 - known / len(terms.words) if terms.words else 1.0
        names = _names(question)
        unknown_names = sum(1 for n in names if not self.lexical.knows(terms.repaired.get(n, n))) / len(names) if names else 0.0
        return Retrieval(terms, hits[:k], unknown_share, unknown_names)

    def _score_passage(
        self, p: int, dense: dict[int, np.float32], query_weights: dict[str, float],
        question_type: AnswerType | None, question_words: frozenset[str],
    ) -> Hit:
        """The passage scores as its best sentence in context; the answer sentence is the
        one best on its own evidence, since context is shared by its neighbours."""
        best_score, best_similarity, best_coverage = -math.inf, 0.0, 0.0
        answer, answer_score = 0, -math.inf
        passage_similarity = dense.get(self._passage_unit[p], _UNREACHED)
        for s in self._sentences_of[p]:
            sentence = self._sentences[s]
            typed = ANSWER_TYPE_BONUS if question_type and sentence.evidence.carries(question_type, question_words) else 0.0
            own_similarity = dense.get(sentence.own_unit, _UNREACHED)
            similarity = max(own_similarity, dense.get(sentence.context_unit, _UNREACHED), passage_similarity)
            coverage = _coverage(query_weights, sentence)
            score = float(similarity + COVERAGE_WEIGHT * coverage + typed)
            if score > best_score:
                best_score, best_similarity, best_coverage = score, float(similarity), coverage
            own_score = own_similarity + ANSWER_COVERAGE_WEIGHT * _coverage(query_weights, sentence, own_only=True) + typed
            if own_score > answer_score:
                answer, answer_score = sentence.number, own_score
        return Hit(self.passages[p], best_score, best_similarity, best_coverage, answer)

    def _idf(self, term: str) -> float:
        """BM25's idf over passages; a word the corpus never uses weighs most."""
        n, df = len(self.passages), self._document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _dense_scores(self, questions: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(units, cosines): the units the dense search reached, each with its best cosine
        against any form of the question. A unit not reached counts as _UNREACHED.

        Only the returned neighbours are touched, so the work per question does not grow
        with the corpus (a full-length score array would cost more than the search itself
        at a million units).
        """
        vectors = self.embedder.embed(questions)
        k = min(DENSE_NEIGHBOURS, self._vectors.ntotal)
        similarities, ids = search(self._vectors, vectors, k)
        found = ids >= 0
        return _best_per_key(ids[found], similarities[found])

    def _candidates(self, units: np.ndarray, similarities: np.ndarray, bm25: np.ndarray) -> list[int]:
        """The passages scored in full: the best CANDIDATES by their best unit's cosine (ties
        to the earlier passage) and the best CANDIDATES by BM25. Only passages the dense
        search reached can be dense candidates; in a corpus of fewer than DENSE_NEIGHBOURS
        units that is every passage."""
        passages, passage_dense = _best_per_key(self._unit_passage[units], similarities)
        by_dense = passages[np.lexsort((passages, -passage_dense))[:CANDIDATES]]
        by_bm25 = [p for p in _top_indices(bm25, CANDIDATES) if bm25[p] > 0]
        return sorted({int(p) for p in by_dense} | {int(p) for p in by_bm25})


def _best_per_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key once (ascending) with its highest value: a sparse `np.maximum.at`."""
    order = np.lexsort((-values, keys))
    keys, values = keys[order], values[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], values[first]


def _top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """`np.argsort(-values, kind="stable")[:k]` (best first, ties to the lower index), in
    linear rather than n log n time."""
    if len(values) <= k:
        return np.argsort(-values, kind="stable")
    cutoff = np.partition(values, len(values) - k)[len(values) - k]  # the k-th largest
    above = np.flatnonzero(values > cutoff)
    chosen = np.concatenate([above, np.flatnonzero(values == cutoff)[: k - len(above)]])
    return chosen[np.argsort(-values[chosen], kind="stable")]


def _coverage(query_weights: dict[str, float], sentence: _Sentence, own_only: bool = False) -> float:
    """The idf-weighted share of the question's words in the sentence (context at CONTEXT_SHARE)."""
    context_share = 0.0 if own_only else CONTEXT_SHARE
    return sum(
        weight if term in sentence.own_stems else context_share * weight if term in sentence.context_stems else 0.0
        for term, weight in query_weights.items()
    )


def _sentence_table(passages: list[Passage], units: list[Unit]) -> tuple[list[_Sentence], list[int]]:
    """Index the units by sentence: which units stand for it and which words surround it."""
    passage_unit = [0] * len(passages)
    own: dict[tuple[int, int], int] = {}
    in_context: dict[tuple[int, int], int] = {}
    for number, unit in enumerate(units):
        if unit.kind is UnitKind.PASSAGE:
            passage_unit[unit.passage] = number
        elif unit.kind is UnitKind.SENTENCE:
            own[(unit.passage, unit.sentence)] = number
        else:
            in_context[(unit.passage, unit.sentence)] = number
    sentences = []
    for key in sorted(own):
        own_stems = frozenset(stem(w) for w in content_words(units[own[key]].text))
        around = f"{units[in_context[key]].text} {units[passage_unit[key[0]]].text}"
        context_stems = frozenset(stem(w) for w in content_words(around)) - own_stems
        evidence = answer_evidence(passages[key[0]].sentences[key[1]])
        sentences.append(_Sentence(key[0], key[1], own[key], in_context[key], own_stems, context_stems, evidence))
    return sentences, passage_unit


def _names(question: str) -> list[str]:
    """Capitalised words after the first, lower-cased: the names a question asks about."""
    tokens = re.findall(r"\w+", question)
    return [t.lower() for t in tokens[1:] if t[:1].isupper() and t.lower() not in STOPWORDS]


def _question_forms(question: str, terms: QueryTerms) -> list[str]:
    """The question, and if any word was repaired, the question with the repairs applied."""
    if not terms.repaired:
        return [question]
    repaired = question
    for wrong, right in terms.repaired.items():
        repaired = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, repaired)
    return [question, repaired]
