"""Hybrid retrieval: dense similarity of the scoring units fused with lexical evidence.

Candidates are the passages nearest by dense similarity (FAISS) and the best by BM25
(bm25s), so a passage holding the question's rare words is scored even when the
embedding misses it. Every sentence of a candidate passage gets its signals:

    dense    = best cosine of the question with the sentence alone, the sentence in its
               context, or its whole passage (see passages.py)
    coverage = idf-weighted share of the question's content words (after typo repair)
               found in the sentence; context coverage: those found only around it
    typed    = whether the sentence holds the kind of answer the question asks for (a
               name for "who", a number for "how many", a quotation for "what did X
               say"; answer_types.py); quotation: the same for quotation questions alone,
               weighed apart (a sentence quoting what was said is the answer far more
               surely than one holding some number or name)

and `Scoring` (scoring.py) fuses them: a passage scores as its best sentence. The dense
cosine carries meaning and paraphrase; coverage lifts the sentences holding the
question's rare words (names, numbers, keywords) that a small embedding model blurs.
Signals are computed once per question (`Retriever.signals`) and ranked separately
(`rank`), so fitting the weights re-ranks cached signals instead of re-running searches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import faiss
import numpy as np

from pathlib import Path

from .answer_types import AnswerEvidence, AnswerType, answer_evidence, expected_answer_type, focus_word
from .contractions import restore_apostrophes
from .cross_lingual import CrossLingualIndex
from .embedding import Embedder
from .general_words import GENERAL_WORDS
from .lexical import STOPWORDS, LexicalIndex, QueryTerms, content_words, is_cyrillic, stem
from .multilingual import LazyModel, MultilingualModel
from .passages import Passage, Unit, UnitKind
from .repair_check import RepairCheck
from .scoring import SENTENCE_FEATURES, Scoring
from .text import words
from .vector_index import search

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
class FollowUp:
    """How a follow-up question is read with the conversation before it (conversation.py)."""

    text: str  # the earlier turns' questions and this one, as one question
    previous_passage: int | None  # the passage that answered the turn before
    previous_vector: np.ndarray  # the turn before as read: its question's embedding (with its own history)


@dataclass(frozen=True)
class Across:
    """A question in Russian read through the multilingual model (cross_lingual.py)."""

    word_match: float | None  # cosine at which a Russian word is read as a corpus word; None: never


@dataclass(frozen=True)
class Signals:
    """One question's evidence for every sentence of its candidate passages, before weighting.

    Rows are candidate sentences grouped by passage in passage order; columns are
    scoring.SENTENCE_FEATURES.
    """

    terms: QueryTerms
    passages: np.ndarray  # passage number of each row
    sentences: np.ndarray  # sentence number of each row within its passage
    features: np.ndarray  # (rows, SENTENCE_FEATURES)
    asks_type: bool  # whether the question asks for a kind of answer at all
    unknown_share: float  # share of the question's content words the corpus never uses (_judged_words)
    unknown_names: float  # share of the question's capitalised words (names) the corpus never uses
    unmatched: float  # idf share of the question's words in no candidate passage
    follow_up: bool = False  # read with the conversation: the history_* columns hold evidence
    # The question as read: its embedding, with the turn before's when a follow-up (unit length).
    reading_vector: np.ndarray | None = None
    cross_lingual: bool = False  # read through the multilingual model: the cross_* columns hold evidence
    cross_mean: float = 0.0  # the question's mean multilingual cosine over every unit: what "near" means for it
    # A follow-up in Russian: each row's cross_dense and cross_own_dense as the question reads
    # alone, which abstention judges it by; the cross_* columns hold its reading in the conversation.
    cross_as_asked: np.ndarray | None = None

    def column(self, name: str) -> np.ndarray:
        return self.features[:, SENTENCE_FEATURES.index(name)]


@dataclass(frozen=True)
class Retrieval:
    terms: QueryTerms
    hits: list[Hit]
    features: dict[str, float]  # what abstention looks at (scoring.ABSTENTION_FEATURES)


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
    def __init__(self, passages: list[Passage], units: list[Unit], vectors: faiss.Index, embedder: Embedder,
                 multilingual: LazyModel[MultilingualModel] | None = None, multilingual_cache: Path | None = None,
                 cross_lingual_embedder: LazyModel[Embedder] | None = None) -> None:
        """`multilingual`: the model questions in Russian are read with, loaded at the first of
        them; `multilingual_cache`: where the build kept its vectors of the units;
        `cross_lingual_embedder`: what embeds their English readings, when not `embedder`
        (engine.cross_lingual_embedder)."""
        self.passages = passages
        self._vectors = vectors
        self.embedder = embedder
        self._cross_lingual_embedder = cross_lingual_embedder
        self._repair_check = RepairCheck(embedder)
        self._sentences, self._passage_unit = _sentence_table(passages, units)
        self._sentences_of: list[list[int]] = [[] for _ in passages]
        for number, sentence in enumerate(self._sentences):
            self._sentences_of[sentence.passage].append(number)
        self._unit_passage = np.array([u.passage for u in units], dtype=np.int64)
        # Lexical documents are the passage units: heading, text and notes on quoted scripts.
        documents = [units[u].text for u in self._passage_unit]
        # The names the articles use (Musk, Clubhouse...): a question holding one has a subject
        # of its own, and a name asked in Russian is matched by its sounds (lexical.py).
        self.name_words = frozenset(w for sentence in self._sentences for name in sentence.evidence.names for w in name)
        self.lexical = LexicalIndex(documents, names=self.name_words)
        document_frequency: dict[str, int] = {}
        for document in documents:
            for term in {stem(w) for w in content_words(document)}:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        self._document_frequency = document_frequency
        self.cross_lingual = None
        if multilingual is not None:
            if multilingual_cache is None:
                raise ValueError("a multilingual model needs the folder its vectors are kept in (multilingual_cache)")
            self.cross_lingual = CrossLingualIndex(multilingual, [u.text for u in units], self.lexical.vocabulary,
                                                   multilingual_cache)

    def repair_cosines(self, question: str, follow_up: FollowUp | None = None) -> tuple[float, ...]:
        """The model's cosines of the question's real words with the corpus words typo repair
        reads them as (and of its conversation's, for a follow-up): the cuts of `far_repair`
        that fall between the same two of them read the question alike (fitting.collect)."""
        texts = [question] + ([follow_up.text] if follow_up else [])
        repaired = [self.lexical.repair(restore_apostrophes(t)).repaired.items() for t in texts]
        return tuple(sorted(c for pairs in repaired for asked, word in pairs
                            if (c := self._repair_check.cosine(asked, word)) is not None))

    def signals(self, question: str, follow_up: FollowUp | None = None, across: Across | None = None,
                far_repair: float | None = None) -> Signals:
        """Every candidate sentence's evidence for this question (the costly part: embedding,
        FAISS and BM25 searches, coverage). A follow-up also gets the evidence of its
        question read with the conversation before it (the history_* features); a question
        read `across` languages, its cosines in the multilingual model (the cross_* features)
        and its words read as the corpus's words, which are all the English model is shown.
        `far_repair`: the cosine under which a real word's typo repair is undone (None: never)."""
        question = restore_apostrophes(question)  # "whats it worth": what's, stopwords
        # A real word repair would read as a word it does not mean ("counted" -> touted) is kept
        # as asked and judged neither known nor unknown (repair_check.py).
        terms, kept_words = self._repair_check.check(self.lexical.repair(question), far_repair)
        cross_similarities = cross_as_asked = None
        if across is not None and self.cross_lingual is not None:
            guessed = terms.guessed(self.lexical.knows)
            names = {asked: word for asked, word in terms.repaired.items() if word in self.name_words and is_cyrillic(asked)}
            reading = self.cross_lingual.read(question, {w: self.lexical.spellings(w) for w in guessed}, across.word_match,
                                              names, follow_up.text if follow_up else None)
            terms = terms.translated(reading.translations)
            # A follow-up is ranked as read after the turn before ("а кто их подсчитал?" alone
            # means little) and judged as asked: read with an answered turn, every follow-up
            # would look answerable, "а он ответил?" too.
            cross_similarities = reading.similarities
            if reading.in_conversation is not None:
                cross_similarities, cross_as_asked = reading.in_conversation, reading.similarities
        forms = (_question_forms(question, terms) if cross_similarities is None
                 else [_english_reading(question, terms, self.lexical.knows)])
        embedder = self.embedder
        if cross_similarities is not None and self._cross_lingual_embedder is not None:
            embedder = self._cross_lingual_embedder.get()
        vectors = embedder.embed(forms)
        units, similarities = self._dense_scores(vectors)
        reading_vector = vectors[0]
        # Values stay float32 scalars, so the fused scores come out exactly as they always have.
        dense = dict(zip(units.tolist(), similarities))
        bm25 = self.lexical.scores(terms.terms)
        query_weights = self._query_weights(terms)
        question_type = expected_answer_type(question)
        question_words = frozenset(words(question))
        candidates = self._candidates(units, similarities, bm25)
        history_dense: dict[int, np.float32] = {}
        history_weights: dict[str, float] = {}
        if follow_up:
            # The question and the turn before read as one: the sum of their embeddings, which
            # costs no second run of the model (a follow-up is as quick as any question).
            reading_vector = _unit(vectors[0] + follow_up.previous_vector)
            history_units, history_similarities = self._dense_scores(reading_vector[None, :])
            history_dense = dict(zip(history_units.tolist(), history_similarities))
            history_terms, history_kept = self._repair_check.check(
                self.lexical.repair(restore_apostrophes(follow_up.text)), far_repair)
            kept_words |= history_kept
            history_weights = self._query_weights(history_terms)
            history_bm25 = self.lexical.scores(history_terms.terms)
            candidates = sorted(set(candidates) | set(self._candidates(history_units, history_similarities, history_bm25)))
        if cross_similarities is not None:
            every_unit = np.arange(len(cross_similarities))
            candidates = sorted(set(candidates) | set(self._candidates(every_unit, cross_similarities, bm25)))
        # BM25 relative to the question's best passage: raw BM25 grows with the question's length.
        top_bm25 = max((float(bm25[p]) for p in candidates), default=0.0)
        rows = []
        as_asked_rows: list[tuple[float, float]] = []
        matched: set[str] = set()
        for p in candidates:
            passage_similarity = float(dense.get(self._passage_unit[p], _UNREACHED))
            relative_bm25 = float(bm25[p]) / top_bm25 if top_bm25 > 0 else 0.0
            for s in self._sentences_of[p]:
                sentence = self._sentences[s]
                own = float(dense.get(sentence.own_unit, _UNREACHED))
                in_context = float(dense.get(sentence.context_unit, _UNREACHED))
                coverage = sum(w for t, w in query_weights.items() if t in sentence.own_stems)
                around = sum(w for t, w in query_weights.items() if t in sentence.context_stems)
                typed = float(bool(question_type and sentence.evidence.carries(question_type, question_words)))
                quotation = typed if question_type is AnswerType.QUOTE else 0.0
                history = (0.0, 0.0, 0.0)
                if follow_up:
                    around_too = sentence.own_stems | sentence.context_stems
                    history = (
                        float(max(history_dense.get(u, _UNREACHED)
                                  for u in (sentence.own_unit, sentence.context_unit, self._passage_unit[p]))),
                        sum(w for t, w in history_weights.items() if t in around_too),
                        float(p == follow_up.previous_passage),
                    )
                cross = (0.0, 0.0)
                if cross_similarities is not None:
                    cross = self._cross(cross_similarities, sentence, p)
                    if cross_as_asked is not None:
                        as_asked_rows.append(self._cross(cross_as_asked, sentence, p))
                # In SENTENCE_FEATURES order (a test checks the two agree).
                values = (max(own, in_context, passage_similarity), own, in_context, passage_similarity, coverage,
                          around, typed, quotation, relative_bm25, *history, *cross)
                rows.append((p, sentence.number, values))
                matched |= (sentence.own_stems | sentence.context_stems) & query_weights.keys()
        judged_words = _judged_words(terms.words, history_terms.words if follow_up else None,
                                     kept_words | self._unknown_focus(question, terms))
        known = sum(1 for w in judged_words if self.lexical.knows(w))
        names = _names(question)
        # "Near" for this question is measured on its reading as asked (a follow-up's too).
        as_asked = cross_similarities if cross_as_asked is None else cross_as_asked
        return Signals(
            terms=terms,
            passages=np.array([r[0] for r in rows], dtype=np.int64),
            sentences=np.array([r[1] for r in rows], dtype=np.int64),
            features=np.array([r[2] for r in rows], dtype=np.float64).reshape(len(rows), len(SENTENCE_FEATURES)),
            asks_type=question_type is not None,
            unknown_share=1.0 - known / len(judged_words) if judged_words else 1.0,
            unknown_names=(
                sum(1 for n in names if not self.lexical.knows(terms.repaired.get(n, n))) / len(names) if names else 0.0
            ),
            unmatched=sum(w for t, w in query_weights.items() if t not in matched) if query_weights else 1.0,
            follow_up=follow_up is not None,
            reading_vector=reading_vector,
            cross_lingual=cross_similarities is not None,
            cross_mean=float(as_asked.mean()) if as_asked is not None and len(as_asked) else 0.0,
            cross_as_asked=None if cross_as_asked is None else np.array(as_asked_rows, dtype=np.float64).reshape(-1, 2),
        )

    def _unknown_focus(self, question: str, terms: QueryTerms) -> frozenset[str]:
        """The focus word of a "which …?" question (answer_types.focus_word) when the corpus never
        uses it (nor was it repaired to a word it uses): left out of the unknown-word share,
        since a text names the kind of answer asked for by an instance of it ("Which
        comedian…?": "Kevin Hart"), not by that word. In the project's question sets such
        questions were mostly answerable (docs/quality.md, step 7)."""
        focus = focus_word(question)
        if focus is None or focus in terms.repaired or self.lexical.knows(focus):
            return frozenset()
        return frozenset({focus})

    def _cross(self, similarities: np.ndarray, sentence: _Sentence, passage: int) -> tuple[float, float]:
        """A sentence's cross_dense and cross_own_dense from one reading's cosines with every unit."""
        own = float(similarities[sentence.own_unit])
        return max(own, float(similarities[sentence.context_unit]), float(similarities[self._passage_unit[passage]])), own

    def _query_weights(self, terms: QueryTerms) -> dict[str, float]:
        """Each question word's share of the question's idf mass, computed once per question
        so that scoring a sentence is a few set lookups."""
        query_idf = {t: self._idf(t) for t in terms.terms}
        total = sum(query_idf.values())
        return {t: idf / total for t, idf in query_idf.items()} if total > 0 else {}

    def _idf(self, term: str) -> float:
        """BM25's idf over passages; a word the corpus never uses weighs most."""
        n, df = len(self.passages), self._document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _dense_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(units, cosines): the units the dense search reached, each with its best cosine
        against any form of the question. A unit not reached counts as _UNREACHED.

        Only the returned neighbours are touched, so the work per question does not grow
        with the corpus (a full-length score array would cost more than the search itself
        at a million units).
        """
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


def rank(signals: Signals, passages: list[Passage], scoring: Scoring, k: int) -> Retrieval:
    """Weigh the signals: passages best first (each as its best sentence), the answer
    sentence of each, and the features abstention judges the best one by."""
    score = signals.features @ scoring.weights("ranking")
    answer_score = signals.features @ scoring.weights("answer")
    dense, coverage = signals.column("dense"), signals.column("coverage")
    if not len(score):
        return Retrieval(signals.terms, [], {})
    # Rows come grouped by passage. Each passage's best row: sorted by passage, then by score
    # (stable, so among equals the earlier sentence), the first row of each passage.
    best_rows = _first_per_group(signals.passages, score)
    answer_rows = _first_per_group(signals.passages, answer_score)
    order = np.argsort(-score[best_rows], kind="stable")  # equal scores keep passage order
    hits = [
        Hit(passages[int(signals.passages[b])], float(score[b]), float(dense[b]), float(coverage[b]),
            int(signals.sentences[a]))
        for b, a in zip(best_rows[order].tolist(), answer_rows[order].tolist())
    ]
    top = order[0]
    return Retrieval(signals.terms, hits[:k], _features(signals, hits, int(best_rows[top]), int(answer_rows[top])))


def _features(signals: Signals, hits: list[Hit], best: int, answer: int) -> dict[str, float]:
    """What abstention judges the best passage by (scoring.ABSTENTION_FEATURES)."""
    row = dict(zip(SENTENCE_FEATURES, signals.features[best]))
    answer_row = dict(zip(SENTENCE_FEATURES, signals.features[answer]))
    if signals.cross_as_asked is not None:
        row["cross_dense"] = signals.cross_as_asked[best][0]
        answer_row["cross_own_dense"] = signals.cross_as_asked[answer][1]
    dense, passage_coverage = row["dense"], row["coverage"] + row["context_coverage"]
    if signals.follow_up:
        # "Who counted them?" meets its answer only as read with the question before it.
        dense, passage_coverage = max(dense, row["history_dense"]), max(passage_coverage, row["history_coverage"])
    return {
        "score": hits[0].score,
        "margin": hits[0].score - hits[1].score if len(hits) > 1 else 0.0,
        "dense": dense,
        "answer_dense": answer_row["own_dense"],
        "coverage": answer_row["coverage"],
        "passage_coverage": passage_coverage,
        "unknown_words": signals.unknown_share,
        "unknown_names": signals.unknown_names,
        "unmatched_words": signals.unmatched,
        "type_missing": float(signals.asks_type and answer_row["typed"] == 0),
        "cross_dense": row["cross_dense"],
        "cross_answer_dense": answer_row["cross_own_dense"],
        # How far the best sentence stands above the question's typical unit: an off-topic
        # question is near everything alike.
        "cross_lift": row["cross_dense"] - signals.cross_mean if signals.cross_lingual else 0.0,
    }


def _first_per_group(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For rows grouped by `groups` (ascending), each group's row of highest value; ties to
    the earlier row."""
    order = np.lexsort((-values, groups))
    first = np.ones(len(order), dtype=bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return order[first]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


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


def _judged_words(words: tuple[str, ...], conversation: tuple[str, ...] | None,
                  unjudged: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The words a question's unknown-word share is measured over: its content words less general
    English ones (general_words.py), which the article lacking says nothing about ("who else",
    "anything on vaccines"), and less `unjudged`, real words whose repair was undone
    (repair_check.py). A follow-up with none of its own ("and now?", "anything else?") asks
    in the conversation's words (`conversation`: those of its reading with the turn before; None
    for a question read alone): judged by none, it would count as all unknown."""
    words = tuple(w for w in words if w not in unjudged)
    specific = tuple(w for w in words if w not in GENERAL_WORDS)
    if specific:
        return specific
    if conversation is not None:
        conversation = tuple(w for w in conversation if w not in unjudged)
        return tuple(w for w in conversation if w not in GENERAL_WORDS) or conversation
    return words


def _names(question: str) -> list[str]:
    """Capitalised words after the first, lower-cased: the names a question asks about."""
    tokens = re.findall(r"\w+", question)
    return [t.lower() for t in tokens[1:] if t[:1].isupper() and t.lower() not in STOPWORDS]


def _english_reading(question: str, terms: QueryTerms, knows: Callable[[str], bool]) -> str:
    """What the English model is shown of a question in Russian: its words in Latin letters,
    its Russian words read as corpus words, and Russian words the corpus itself uses; the
    other Russian words are dropped. The English model reads Cyrillic it does not know as
    noise that draws every Russian question to the one sentence quoting Russian."""
    kept = []
    for token in re.findall(r"\w+|[^\w\s]", question):
        if not is_cyrillic(token):
            kept.append(token)
        elif token.lower() in terms.repaired:
            kept.append(terms.repaired[token.lower()])
        elif knows(token.lower()):
            kept.append(token)
    return " ".join(kept)


def _question_forms(question: str, terms: QueryTerms) -> list[str]:
    """The question, and if any word was repaired, the question with the repairs applied."""
    if not terms.repaired:
        return [question]
    repaired = question
    for wrong, right in terms.repaired.items():
        repaired = re.sub(rf"(?i)\b{re.escape(wrong)}\b", right, repaired)
    return [question, repaired]
