"""Scoring without the model: each retrieval signal, the Scoring object, and the fitting steps,
on a small corpus embedded by the hashing fake."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index import Engine, IndexSettings
from index.errors import EngineError
from index.evaluation import Question
from index.fitting import (
    collect,
    cross_validate,
    fit,
    logistic_regression,
    outcomes,
    plateau_threshold,
    stratified_folds,
)
from index.retrieval import rank
from index.scoring import ABSTENTION_FEATURES, SENTENCE_FEATURES, Abstention, Scoring, load_scoring, save_scoring
from tests.fakes import HARBOUR_ARTICLE, hashing_engine

ARTICLE = HARBOUR_ARTICLE


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return hashing_engine(tmp_path_factory.mktemp("scoring"), ARTICLE, _hand_scoring())


def _hand_scoring(**abstention) -> Scoring:
    return Scoring(
        ranking={"dense": 1.0, "coverage": 0.6, "context_coverage": 0.36, "typed": 0.15},
        answer={"own_dense": 1.0, "coverage": 1.0, "typed": 0.15},
        abstention=Abstention(abstention or {"dense": 10.0}, -3.0, 0.5),
    )


def _row(engine: Engine, question: str, needle: str) -> dict[str, float]:
    """The signals of the sentence holding `needle`."""
    signals = engine.retriever.signals(question)
    for row, (p, s) in enumerate(zip(signals.passages, signals.sentences)):
        if needle in engine.passages[p].sentences[s]:
            return dict(zip(SENTENCE_FEATURES, signals.features[row]))
    raise AssertionError(f"no candidate sentence holds {needle!r}")


# --- the signals -----------------------------------------------------------------------------

def test_coverage_is_the_idf_share_of_the_question_words_in_the_sentence(engine):
    holds_both = _row(engine, "ferry passengers", "ferry passengers")
    holds_none = _row(engine, "ferry passengers", "Fog closed")
    assert holds_both["coverage"] == pytest.approx(1.0)
    assert holds_none["coverage"] == 0.0


def test_context_coverage_counts_words_found_only_around_the_sentence(engine):
    # "lighthouse" is in the heading and the first sentence; the second sentence only has it around it.
    row = _row(engine, "lighthouse tower", "Visitors may climb")
    assert row["coverage"] > 0 and row["context_coverage"] > 0
    assert row["coverage"] + row["context_coverage"] == pytest.approx(1.0)


def test_typed_marks_sentences_holding_the_kind_of_answer_asked_for(engine):
    assert _row(engine, "How many ferry passengers were counted?", "4,000")["typed"] == 1.0
    assert _row(engine, "How many ferry passengers were counted?", "Mayor Alma Ruiz")["typed"] == 0.0
    assert _row(engine, "What did the keeper write in his log?", "the lamp burned")["typed"] == 1.0  # a quotation
    assert _row(engine, "Was there fog?", "Fog closed")["typed"] == 0.0  # asks for no kind of answer


def test_quotation_marks_a_quoting_sentence_for_a_quotation_question_only(engine):
    asked = "What did the keeper write in his log?"
    assert _row(engine, asked, "the lamp burned")["quotation"] == 1.0
    assert _row(engine, asked, "Visitors may climb")["quotation"] == 0.0  # no quotation in it
    # Another kind of answer asked for: `typed` marks it, `quotation` stays 0.
    number = _row(engine, "How many ferry passengers were counted?", "4,000")
    assert number["typed"] == 1.0 and number["quotation"] == 0.0


# The name asked about fills one paragraph; the words said are quoted in another.
FAIR_ARTICLE = """title: Fair news

The Cider Fair

Farmer Ines Vidal pressed cider for the fair. Ines Vidal sold her cider by the barrel.

The Prize

At the prize table she told reporters: “the apples were sweeter than ever this year”.
"""


@pytest.fixture(scope="module")
def fair(tmp_path_factory) -> Engine:
    return hashing_engine(tmp_path_factory.mktemp("fair"), FAIR_ARTICLE, _hand_scoring())


def test_a_quotation_questions_own_weight_ranks_the_quoting_passage_first(fair):
    signals = fair.retriever.signals("What did Ines Vidal say about her cider?")
    plain = _hand_scoring().replace(ranking={"dense": 1.0, "coverage": 0.6})
    quoting = plain.replace(ranking={**plain.ranking, "quotation": 5.0})
    assert "Farmer Ines Vidal" in rank(signals, fair.passages, plain, 1).hits[0].passage.text  # the name pulls
    assert "At the prize table" in rank(signals, fair.passages, quoting, 1).hits[0].passage.text
    # The weight moves nothing for a question that asks for no quotation.
    other = fair.retriever.signals("Who sold cider by the barrel?")
    assert ([h.passage.text for h in rank(other, fair.passages, quoting, 3).hits]
            == [h.passage.text for h in rank(other, fair.passages, plain, 3).hits])


def test_dense_is_the_best_of_the_sentence_alone_in_context_and_its_passage(engine):
    row = _row(engine, "mended nets", "mended nets")
    assert row["dense"] == pytest.approx(max(row["own_dense"], row["context_dense"], row["passage_dense"]))
    assert row["own_dense"] > _row(engine, "mended nets", "Fog closed")["own_dense"]


def test_bm25_is_relative_to_the_best_passage(engine):
    assert _row(engine, "fog bay", "Fog closed")["bm25"] == pytest.approx(1.0)
    assert _row(engine, "fog bay", "ferry passengers")["bm25"] == 0.0


def test_words_and_names_the_corpus_never_uses_are_measured(engine):
    known = engine.retriever.signals("Who opened the pier?")
    unknown = engine.retriever.signals("Who founded Zorblax Industries?")
    assert known.unknown_share == 0.0 and known.unknown_names == 0.0
    assert unknown.unknown_share > 0.5 and unknown.unknown_names == 1.0


def test_general_english_words_the_corpus_never_uses_are_not_counted_unknown(engine):
    # "else", "anyway", "anything": the article lacking them says nothing about the question.
    assert engine.retriever.signals("Who else opened the pier anyway?").unknown_share == 0.0
    assert engine.retriever.signals("Who zorbled the pier?").unknown_share == pytest.approx(0.5)
    # A question of general words only is judged by them: nothing in it is the article's.
    assert engine.retriever.signals("Anything else?").unknown_share == 1.0


def test_an_unknown_focus_word_is_not_counted_unknown(engine):
    # "Which zorbler…?" asks for a kind of thing that a text names by an instance of it; a
    # focus word the corpus uses still counts as known, and any other unknown word as unknown.
    assert engine.retriever.signals("Which zorbler opened the pier?").unknown_share == 0.0
    assert engine.retriever.signals("Who zorbled the pier?").unknown_share == pytest.approx(0.5)
    assert engine.retriever.signals("Which pier did the zorbler open?").unknown_share == pytest.approx(1 / 3)


def test_a_contraction_without_its_apostrophe_is_no_unknown_word(engine):
    # "whats", "didnt": typed so, words the corpus never uses; with the apostrophe, stopwords.
    typed = engine.retriever.signals("whats the ferry passengers count, didnt the trust open the pier")
    meant = engine.retriever.signals("what's the ferry passengers count, didn't the trust open the pier")
    assert typed.unknown_share == meant.unknown_share == 0.0
    assert typed.features.tolist() == meant.features.tolist()


# --- ranking and the answer sentence -----------------------------------------------------------

def test_a_passage_scores_as_its_best_sentence_and_the_ranking_weights_decide(engine):
    signals = engine.retriever.signals("How many ferry passengers came to the pier?")
    scoring = _hand_scoring()
    hits = rank(signals, engine.passages, scoring, 3).hits
    assert "ferry passengers" in hits[0].passage.text
    weights = scoring.weights("ranking")
    assert hits[0].score == pytest.approx(max(signals.features[signals.passages == signals.passages[0]] @ weights))
    # Weighing the answer type alone ranks by it: the lighthouse passage holds no number.
    only_type = scoring.replace(ranking={"typed": 1.0})
    assert "lighthouse" not in rank(signals, engine.passages, only_type, 3).hits[0].passage.text.lower()


def test_the_answer_sentence_is_chosen_by_its_own_weights(engine):
    signals = engine.retriever.signals("Who opened the new pier?")
    scoring = _hand_scoring()
    best = rank(signals, engine.passages, scoring, 1).hits[0]
    assert best.answer.startswith("Mayor Alma Ruiz")
    # Weights preferring the sentence least like the question pick the other one of the passage.
    contrary = scoring.replace(answer={"own_dense": -1.0})
    assert rank(signals, engine.passages, contrary, 1).hits[0].answer.startswith("The harbour trust")


def test_abstention_features_are_all_there_and_confidence_follows_them(engine):
    retrieval = rank(engine.retriever.signals("ferry passengers"), engine.passages, _hand_scoring(), 3)
    assert set(retrieval.features) == set(ABSTENTION_FEATURES)
    abstention = Abstention({"dense": 10.0}, -5.0, 0.5)
    low, high = abstention.confidence({"dense": 0.3}), abstention.confidence({"dense": 0.7})
    assert 0 < low < 0.5 < high < 1


def test_the_engine_answers_when_confidence_reaches_the_threshold(engine):
    sure = Engine(engine.manifest, engine.retriever, _hand_scoring(), top_k=3, threshold=0.0)
    never = Engine(engine.manifest, engine.retriever, _hand_scoring(), top_k=3, threshold=1.0)
    assert sure.ask("ferry passengers").answered
    assert not never.ask("ferry passengers").answered
    assert sure.ask("ferry passengers").confidence == never.ask("ferry passengers").confidence


# --- the Scoring object ------------------------------------------------------------------------

def test_scoring_round_trips_through_its_file(tmp_path):
    scoring = _hand_scoring(dense=4.0, unknown_words=-2.0)
    save_scoring(scoring, tmp_path / "scoring.json")
    loaded = load_scoring(tmp_path / "scoring.json")
    assert loaded == scoring
    assert list(loaded.weights("ranking")) == [scoring.ranking.get(n, 0.0) for n in SENTENCE_FEATURES]
    with_cut = scoring.replace(far_repair=0.4)  # the typo repair check's cut (repair_check.py)
    save_scoring(with_cut, tmp_path / "cut.json")
    assert load_scoring(tmp_path / "cut.json") == with_cut and loaded.far_repair is None


def test_the_packaged_scoring_loads_and_names_its_fit():
    scoring = load_scoring()
    assert scoring.fitted_on["question_sets"]
    assert 0 < scoring.abstention.threshold < 1


def test_the_packaged_scoring_was_fit_with_the_default_model_and_backend():
    """A fit belongs to the embeddings it was made with: changing the default backend or model
    without `make calibrate` ships weights fit on other embeddings."""
    default = IndexSettings(_env_file=None)
    scoring = load_scoring()
    for part in (scoring, scoring.cross_lingual.scoring):
        assert part.fitted_on["embedding_backend"] == default.embedding_backend
        assert part.fitted_on["model"].split(" + ")[0] == default.embedding_model


def test_unknown_features_and_broken_files_are_one_line_errors(tmp_path):
    with pytest.raises(EngineError, match="unknown ranking features: loudness"):
        Scoring(ranking={"loudness": 1.0}, answer={}, abstention=Abstention({}, 0.0, 0.5))
    (tmp_path / "bad.json").write_text(json.dumps({"ranking": {}}), encoding="utf-8")
    with pytest.raises(EngineError, match="not a scoring fit"):
        load_scoring(tmp_path / "bad.json")
    with pytest.raises(EngineError, match="cannot read scoring file"):
        load_scoring(tmp_path / "missing.json")


def test_settings_point_the_engine_at_another_fit(engine, tmp_path):
    save_scoring(_hand_scoring(), tmp_path / "fit.json")
    settings = IndexSettings(_env_file=None, scoring_file=tmp_path / "fit.json", answer_threshold=0.9)
    assert load_scoring(settings.scoring_file) == _hand_scoring()
    overridden = Engine(engine.manifest, engine.retriever, _hand_scoring(), top_k=3, threshold=settings.answer_threshold)
    assert overridden.threshold == 0.9
    blank = IndexSettings(_env_file=None, scoring_file="", answer_threshold="")
    assert blank.scoring_file is None and blank.answer_threshold is None


# --- fitting ------------------------------------------------------------------------------------

def test_logistic_regression_finds_the_separating_direction():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (2 * x[:, 0] - x[:, 1] + 0.5 > 0).astype(float)
    weights, bias = logistic_regression(x, y, l2=0.1)
    assert weights[0] > 0 > weights[1]
    assert np.mean(((x @ weights + bias) > 0) == (y == 1)) > 0.95


def test_the_threshold_sits_in_the_middle_of_the_gap():
    assert plateau_threshold(np.array([0.8, 0.9]), np.array([0.1, 0.2])) == pytest.approx(0.5)


def test_folds_keep_answerable_and_unanswerable_in_proportion(engine):
    examples = collect(engine, [Question(f"ferry {i}", ("ferry",) if i % 3 else ()) for i in range(30)])
    folds = stratified_folds(examples, 5, seed=1)
    for fold in range(5):
        members = [e for e, f in zip(examples, folds) if f == fold]
        assert len(members) == 6
        assert sum(1 for e in members if not e.question.answers) == 2


QUESTIONS = [
    ("How many ferry passengers were counted?", ("4,000 ferry passengers",)),
    ("ferry passenger numbers", ("4,000 ferry passengers",)),
    ("Who opened the pier?", ("mayor alma ruiz",)),
    ("Why did fishermen stay ashore?", ("fog closed the northern bay",)),
    ("What did the keeper write?", ("the lamp burned all night",)),
    ("Can visitors climb the lighthouse?", ("climb the tower",)),
    ("What closed the bay?", ("fog closed",)),
    ("What did fishermen mend?", ("mended nets",)),
    ("When can people climb the tower?", ("in summer",)),
    ("Who keeps the lighthouse?", ("tomas berg",)),
    ("What is the capital of Peru?", ()),
    ("Who won the football cup?", ()),
    ("How tall is Mount Zorblax?", ()),
    ("What does a quantum processor cost?", ()),
    ("Which band played the jazz festival?", ()),
]


def test_cross_validation_scores_each_question_with_a_fit_that_did_not_see_it(engine, monkeypatch):
    import index.fitting as fitting

    examples = collect(engine, [Question(q, a) for q, a in QUESTIONS])
    seen: list[set[str]] = []
    real_fit = fitting.fit

    def recording_fit(train, start):
        seen.append({e.question.question for e in train})
        return real_fit(train, start)

    monkeypatch.setattr(fitting, "fit", recording_fit)
    report = cross_validate(examples, _hand_scoring(), folds=3, seed=0)
    folds = stratified_folds(examples, 3, seed=0)
    for fold, train in enumerate(seen[:3]):
        held_out = {e.question.question for e, f in zip(examples, folds) if f == fold}
        assert not held_out & train and len(held_out | train) == len(examples)
    assert report["held_out"]["questions"] == len(QUESTIONS)
    assert sum(row["questions"] for row in report["per_fold"]) == len(QUESTIONS)
    assert isinstance(report["scoring"], Scoring)


def test_a_remembered_reciprocal_rank_is_the_one_a_fresh_ranking_gives(fair):
    # The grid search remembers each question's rank per weights of the features it has, so
    # weights of features it lacks must not change its rank; weights of those it has must.
    questions = [Question("What did Ines Vidal say about her cider?", ("sweeter than ever",)),
                 Question("Who sold cider by the barrel?", ("sold her cider",)),
                 Question("apples prize", ("sweeter than ever",))]
    examples = collect(fair, questions)
    grid = [_hand_scoring().replace(ranking={"dense": 1.0, "coverage": c, "quotation": q})
            for c in (0.0, 0.6, 3.0) for q in (0.0, 5.0)]
    seen = set()
    for scoring in grid:
        for e in examples:
            fresh = collect(fair, [e.question])[0]
            assert e.reciprocal_rank(scoring) == fresh.reciprocal_rank(scoring)
            seen.add(e.reciprocal_rank(scoring))
    assert seen == {0.5, 1.0}  # the grid does move ranks


def test_a_fit_learns_to_refuse_what_the_corpus_does_not_hold(engine):
    examples = collect(engine, [Question(q, a) for q, a in QUESTIONS])
    fitted = fit(examples, _hand_scoring())
    judged = [engine.judge(e.signals, e.question.question, 3, fitted) for e in examples]
    answerable = [j.answered for j, (_, a) in zip(judged, QUESTIONS) if a]
    unanswerable = [j.answered for j, (_, a) in zip(judged, QUESTIONS) if not a]
    assert sum(answerable) / len(answerable) > sum(unanswerable) / len(unanswerable)
    assert fitted.abstention.weights["unknown_words"] < 0


ORCHARD_ARTICLE = """title: Orchard news

The Cider Fair

The orchard cooperative pressed 900 barrels of cider this autumn. Farmer Ines Vidal won the prize for the sweetest apples.
"""


def test_one_fit_pools_questions_about_several_corpora_each_judged_on_its_own(engine, tmp_path):
    # How SQuAD's articles are asked (benchmarks/other_articles.py): every example carries the
    # passages its signals point into, so a fit and its outcomes need no single engine.
    orchard = hashing_engine(tmp_path / "orchard", ORCHARD_ARTICLE, _hand_scoring())
    harbour_questions = [Question(q, a) for q, a in QUESTIONS]
    orchard_questions = [Question("How many barrels of cider were pressed?", ("900 barrels",)),
                         Question("Who won the apple prize?", ("ines vidal",))]
    examples = collect(engine, harbour_questions) + collect(orchard, orchard_questions)
    fitted = fit(examples, _hand_scoring())
    judged = outcomes(examples, fitted)
    for outcome in judged[-2:]:
        assert outcome.passages and all("cider" in p or "Orchard" in p or "apples" in p for p in outcome.passages)
    assert all("cider" not in p for outcome in judged[:-2] for p in outcome.passages)
    # The engine's own judge is the same function over its passages.
    harbour = examples[0]
    assert engine.judge(harbour.signals, harbour.question.question, 3, fitted).confidence == pytest.approx(judged[0].confidence)
