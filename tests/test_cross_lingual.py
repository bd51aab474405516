"""Questions in Russian, without the model: the route they take, the multilingual signals,
words read across languages, lazy loading, the vectors kept by the build, and the fit of
their own scoring. The multilingual model is the glossary fake (tests/fake_embedder.py)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.cross_lingual import reads_across, translation_targets
from index.evaluation import Question
from index.fitting import CROSS_STARTING_POINT, collect, cross_validate, fit_cross_lingual
from index.multilingual import LazyModel
from index.retrieval import Across
from index.scoring import SENTENCE_FEATURES, Abstention, CrossLingual, Scoring, load_scoring, save_scoring
from tests.fake_embedder import HashingMultilingual
from tests.fakes import HARBOUR_ARTICLE, hashing_engine

ARTICLE = HARBOUR_ARTICLE
# What the fake model "knows" of Russian. Words outside it land anywhere, as a real model's
# cosines for an off-topic question do.
GLOSSARY = {
    "паром": "ferry", "парома": "ferry", "пассажиров": "passengers", "туман": "fog", "закрыл": "closed",
    "залив": "bay", "маяк": "lighthouse", "смотритель": "keeper", "маяка": "lighthouse", "лампа": "lamp",
    "горела": "burned", "рыбаки": "fishermen", "мэр": "mayor", "открыл": "opened", "пирс": "pier",
    "берг": "berg",
}
CROSS_SCORING = CrossLingual(
    Scoring(ranking={"cross_dense": 4.0, "coverage": 0.6, "context_coverage": 0.2},
            answer={"own_dense": 1.0, "cross_own_dense": 3.0, "coverage": 1.0},
            abstention=Abstention({"cross_dense": 10.0}, -4.0, 0.5)),
    0.9,
)


def _scoring(cross: CrossLingual | None = CROSS_SCORING) -> Scoring:
    return Scoring(
        ranking={"dense": 1.0, "coverage": 0.6, "context_coverage": 0.36, "typed": 0.15},
        answer={"own_dense": 1.0, "coverage": 1.0, "typed": 0.15},
        abstention=Abstention({"dense": 10.0}, -3.0, 0.5),
        cross_lingual=cross,
    )


@pytest.fixture
def model() -> HashingMultilingual:
    return HashingMultilingual(GLOSSARY)


@pytest.fixture
def engine(tmp_path, model):
    return hashing_engine(tmp_path, ARTICLE, _scoring(), model)


def test_a_question_in_russian_is_one_with_a_cyrillic_word():
    assert reads_across("Сколько пассажиров перевёз паром?")
    assert reads_across("App Annie клабхаус")
    assert not reads_across("How many passengers did the ferry carry?")
    assert not reads_across("4000?")


def test_translation_targets_are_the_corpus_words_of_latin_letters():
    assert translation_targets(["4,000", "ferry", "a", "вами", "invite-only"]) == ["ferry", "invite-only"]


def test_a_russian_question_finds_its_passage_through_the_multilingual_cosines(engine):
    answer = engine.ask("Сколько пассажиров перевёз паром в воскресенье?")
    assert answer.cross_lingual
    assert "ferry passengers" in answer.hits[0].passage.text
    assert "ferry passengers" in answer.hits[0].answer


def test_the_cross_features_are_the_multilingual_cosines_and_zero_for_english_questions(engine):
    russian = engine.retriever.signals("Туман закрыл залив?", None, Across(0.9))
    english = engine.retriever.signals("Did fog close the bay?")
    assert russian.cross_lingual and not english.cross_lingual
    assert russian.column("cross_dense").max() > 0.5
    assert (russian.column("cross_dense") >= russian.column("cross_own_dense")).all()
    assert not english.column("cross_dense").any() and not english.column("cross_own_dense").any()


def test_russian_words_are_read_as_the_corpus_words_nearest_in_the_model(engine):
    read = engine.retriever.signals("Туман закрыл залив?", None, Across(0.9)).terms
    assert {"fog", "closed", "bay"} <= set(read.words)
    assert read.repaired["туман"] == "fog"
    # None: no word is read through the model, and "туман" stays a word the corpus never uses.
    unread = engine.retriever.signals("Туман закрыл залив?", None, Across(None)).terms
    assert "fog" not in unread.words


def test_the_english_model_is_shown_the_english_reading_of_a_russian_question(tmp_path, model):
    # The English model reads Cyrillic it does not know as noise, which drew every Russian
    # question to the one sentence quoting Russian. It sees the question's Latin words, its
    # Russian words as read ("туман" -> fog) and the Russian the corpus itself quotes; no other.
    article = ARTICLE.replace("“the lamp burned all night”", "“лампа горела всю ночь”")
    engine = hashing_engine(tmp_path, article, _scoring(), model)
    english = engine.embedder
    english.texts.clear()
    engine.retriever.signals("Туман закрыл залив в пятницу?", None, Across(0.9))
    assert english.texts == ["fog closed bay ?"]
    english.texts.clear()
    engine.retriever.signals("Что значит «лампа горела» у Tomas Berg?", None, Across(0.9))
    assert english.texts == ["« лампа горела » Tomas Berg ?"]
    english.texts.clear()
    engine.retriever.signals("Did fog close the bay?")  # an English question is shown as asked
    assert english.texts == ["Did fog close the bay?"]


def test_a_name_asked_in_russian_is_the_name_it_sounds_like(tmp_path):
    # "Маск" transliterates to "mask", one edit from both "mark" and "musk": by its letters it
    # could be either, by its sounds (m-s-k) only Musk; an ending ("Маском") changes nothing.
    article = ARTICLE.replace("Mayor Alma Ruiz opened", "Mayor Mark Musk opened")
    engine = hashing_engine(tmp_path, article, _scoring(), HashingMultilingual({**GLOSSARY, "маск": "musk"}))
    lexical = engine.retriever.lexical
    assert lexical.spellings("маска") == ["musk"]
    assert lexical.repair("Маск открыл пирс?").repaired["маск"] == "musk"
    assert lexical.repair("С Маском говорил Томас?").repaired == {"маском": "musk", "томас": "tomas"}
    read = engine.retriever.signals("Маск открыл пирс?", None, Across(0.9)).terms
    assert read.repaired["маск"] == "musk"


def test_a_name_asked_in_russian_is_also_shown_to_the_model_as_the_article_spells_it(tmp_path):
    # The fake model knows no "берга": only the question with "Berg" in Latin letters meets the
    # sentence naming him. The cosines are the mean of the two readings, embedded in one call.
    model = HashingMultilingual(GLOSSARY)
    engine = hashing_engine(tmp_path, ARTICLE, _scoring(), model)
    question, latin = "Что писал Томас Берга?", "Что писал Tomas Berg?"
    engine.retriever.signals(question, None, Across(0.9))  # loads the units' vectors
    model.texts.clear()
    engine.retriever.signals(question, None, Across(0.9))
    assert model.texts[:2] == [question, latin]
    cross = engine.retriever.cross_lingual
    alone, spelled = cross.read(question, {}, None).similarities, cross.read(latin, {}, None).similarities
    both = cross.read(question, {}, None, {"томас": "tomas", "берга": "berg"}).similarities
    assert np.allclose(both, (alone + spelled) / 2, atol=1e-6)
    assert (both[alone == 0] > 0).any()  # the units about Berg, out of the question's reach as asked
    model.texts.clear()
    engine.retriever.signals("Что писал смотритель маяка?", None, Across(0.9))  # no name: the question alone
    assert model.texts[0] == "Что писал смотритель маяка?" and not any("Tomas" in t or "Berg" in t for t in model.texts)


def test_an_english_question_never_loads_the_multilingual_model(engine, model):
    for question in ("How many ferry passengers were counted?", "Who opened the pier?", "Who wrote Hamlet?"):
        answer = engine.ask(question)
        assert not answer.cross_lingual
    assert not engine.multilingual_loaded and model.texts == []
    engine.ask("Кто открыл пирс?")
    assert engine.multilingual_loaded


def test_english_answers_are_the_same_with_and_without_the_multilingual_model(tmp_path, model):
    with_model = hashing_engine(tmp_path / "a", ARTICLE, _scoring(), model)
    without = hashing_engine(tmp_path / "b", ARTICLE, _scoring(cross=None))
    for question in ("How many ferry passengers were counted?", "Who kept the lighthouse?", "Who wrote Hamlet?"):
        a, b = with_model.ask(question), without.ask(question)
        assert (a.answered, a.confidence, [h.score for h in a.hits]) == (b.answered, b.confidence, [h.score for h in b.hits])


def test_without_a_fit_for_them_russian_questions_take_the_english_route(tmp_path, model):
    engine = hashing_engine(tmp_path, ARTICLE, _scoring(cross=None), model)
    assert not engine.ask("Кто открыл пирс?").cross_lingual
    assert not engine.multilingual_loaded


def test_the_model_loads_once_whichever_threads_ask_first():
    loads = []

    def load():
        loads.append(1)
        time.sleep(0.05)
        return object()

    lazy = LazyModel(load)
    got = []
    threads = [threading.Thread(target=lambda: got.append(lazy.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1 and len({id(g) for g in got}) == 1 and lazy.loaded


def test_the_build_keeps_the_multilingual_vectors_so_a_question_embeds_only_itself(tmp_path, model):
    engine = hashing_engine(tmp_path, ARTICLE, _scoring(), model, build_multilingual=True)
    built = list(model.texts)
    assert any("lighthouse" in t for t in built) and "ferry" in built  # the units, and the vocabulary
    assert (tmp_path / "index" / "multilingual" / "embeddings.npy").exists()
    model.texts.clear()
    engine.ask("Кто открыл пирс?")
    assert model.texts[0] == "Кто открыл пирс?"
    assert not any("lighthouse" in t for t in model.texts)  # no unit embedded again


def test_an_index_built_without_them_embeds_the_units_at_the_first_russian_question(engine, model):
    engine.ask("Кто открыл пирс?")
    assert any("lighthouse" in t for t in model.texts)
    model.texts.clear()
    engine.ask("Туман закрыл залив?")
    assert not any("lighthouse" in t for t in model.texts)  # once


def test_the_cross_lingual_part_round_trips_and_scores_only_russian_questions(tmp_path):
    scoring = _scoring()
    save_scoring(scoring, tmp_path / "fit.json")
    loaded = load_scoring(tmp_path / "fit.json")
    assert loaded.cross_lingual == scoring.cross_lingual
    assert loaded.for_question(True) == CROSS_SCORING.scoring and loaded.for_question(False) is loaded
    assert _scoring(cross=None).for_question(True).cross_lingual is None


RUSSIAN = [
    ("Сколько пассажиров перевёз паром?", ("4,000 ferry passengers",)),
    ("Кто открыл пирс?", ("opened the new pier",)),
    ("Туман закрыл залив?", ("fog closed the northern bay",)),
    ("Что делали рыбаки?", ("fishermen stayed ashore",)),
    ("Горела ли лампа маяка?", ("the lamp burned all night",)),
    ("смотритель маяка", ("lighthouse keeper",)),
    ("паром пассажиров", ("4,000 ferry passengers",)),
    ("мэр пирс", ("opened the new pier",)),
    ("Кто выиграл чемпионат мира?", ()),
    ("Какая погода в Москве?", ()),
    ("Сколько стоит биткоин?", ()),
    ("Как приготовить борщ?", ()),
]


def test_russian_questions_are_fit_apart_with_their_own_weights_and_word_match(engine):
    examples = collect(engine, [Question(q, a) for q, a in RUSSIAN] + [Question("Who opened the pier?", ("new pier",))])
    russian = [e for e in examples if e.readings]
    assert len(russian) == len(RUSSIAN) and not examples[-1].readings
    fitted = fit_cross_lingual(russian, _scoring(cross=None))
    part = fitted.cross_lingual
    assert part is not None and part.scoring.ranking.get("cross_dense", 0) > 0
    assert set(part.scoring.abstention.weights) == set(fitting_inputs())
    assert fitted.ranking == _scoring().ranking  # the English weights untouched
    report = cross_validate(russian, _scoring(cross=None), folds=3, seed=0, fitter=fit_cross_lingual)
    assert report["cross_lingual_fit"] and report["held_out"]["questions"] == len(RUSSIAN)
    assert report["held_out"]["hit_at_3"] >= 0.75  # the glossary reaches every answerable question


def fitting_inputs():
    from index.fitting import CROSS_ABSTENTION_INPUTS

    return CROSS_ABSTENTION_INPUTS


def test_the_starting_point_scores_russian_questions_with_the_multilingual_cosine():
    assert CROSS_STARTING_POINT.scoring.ranking["cross_dense"] > 0
    assert CROSS_STARTING_POINT.word_match is not None


def test_a_multilingual_model_setting_naming_nothing_fails_when_the_engine_loads(tmp_path, model):
    from index import Engine, IndexSettings
    from index.errors import ModelError
    from tests.fake_embedder import HashingEmbedder

    engine = hashing_engine(tmp_path, ARTICLE, _scoring(), model)  # builds the index
    settings = IndexSettings(_env_file=None, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index",
                             embedding_model=engine.manifest.model, embedding_backend="torch",
                             multilingual_model=str(tmp_path / "no-such-model.bin"))
    with pytest.raises(ModelError, match="no-such-model.bin"):
        Engine.load(settings, HashingEmbedder(), scoring=_scoring())


def test_a_russian_follow_up_is_ranked_as_read_after_the_turn_before_and_judged_as_asked(engine, model):
    # "а что ещё он делал?" alone names nothing of the article; after the question about the
    # lighthouse keeper it is about him. Its confidence is judged on the question as asked, so
    # a follow-up of an answered question does not look answerable by that alone.
    history = ("Что писал смотритель маяка?",)
    question = "а что ещё он делал?"
    follow_up = engine.reading(question, history)
    assert follow_up is not None
    engine.ask(history[0])  # the model and the units' vectors loaded
    model.texts.clear()
    signals = engine.retriever.signals(question, follow_up, Across(0.9))
    assert model.texts[:2] == [question, f"{history[0]} {question}"]  # one run of the model reads both
    assert engine.ask(question, history=history).hits[0].passage.text.startswith("The old lighthouse keeper")

    alone = engine.retriever.signals(question, None, Across(0.9))
    as_asked = {(p, s): row for p, s, row in zip(alone.passages, alone.sentences, alone.features)}
    judged = signals.cross_as_asked
    assert judged is not None and judged.shape == (len(signals.features), 2)
    shared = [i for i, key in enumerate(zip(signals.passages, signals.sentences)) if key in as_asked]
    assert shared
    for i in shared:
        row = as_asked[(signals.passages[i], signals.sentences[i])]
        assert judged[i].tolist() == [row[SENTENCE_FEATURES.index("cross_dense")],
                                      row[SENTENCE_FEATURES.index("cross_own_dense")]]
    assert not np.allclose(signals.column("cross_own_dense")[shared], judged[shared, 1])  # ranked as read in the chat
    assert alone.cross_as_asked is None
    assert engine.retriever.signals("And what else did he do?", engine.reading("And what else did he do?",
                                                                           ("Who kept the lighthouse?",))).cross_as_asked is None
