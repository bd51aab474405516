"""`python -m index` in-process (and once as a real process), with the real packaged model."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.cli import main

pytestmark = pytest.mark.model
REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"
TWEET = "would you like to join me for a conversation on Clubhouse"


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.getbasetemp())
        mp.setenv("CORPUS_DIR", str(REPO / "corpus"))
        mp.setenv("INDEX_DIR", str(index_dir))
        assert main(["build"]) == 0
    return index_dir


@pytest.fixture
def env(monkeypatch, tmp_path, built_index):
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("CORPUS_DIR", str(REPO / "corpus"))
    monkeypatch.setenv("INDEX_DIR", str(built_index))
    return monkeypatch


def test_build_prints_a_summary(env, tmp_path, capsys):
    env.setenv("INDEX_DIR", str(tmp_path / "fresh"))
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert "1 article(s), 6 passages" in out and "all-MiniLM-L6-v2" in out


def test_build_if_missing_skips_a_usable_index(env, capsys):
    assert main(["build", "--if-missing"]) == 0
    assert "not rebuilt" in capsys.readouterr().out


def test_build_if_missing_rebuilds_after_the_corpus_changed(env, tmp_path, capsys):
    """`make run` runs `build --if-missing`: an edited article (here its example questions) is
    in the index the bot then serves, and only the changed units are embedded again."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(REPO / "corpus", corpus)
    env.setenv("CORPUS_DIR", str(corpus))
    env.setenv("INDEX_DIR", str(index))
    assert main(["build"]) == 0
    assert main(["build", "--if-missing"]) == 0
    assert "not rebuilt" in capsys.readouterr().out
    article = next(corpus.glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8").replace("examples:\n", "examples:\n  - Who is Vlad Tenev?\n", 1),
                       encoding="utf-8")
    assert main(["build", "--if-missing"]) == 0
    captured = capsys.readouterr()
    assert "changed since the index was built" in captured.err and "0 embedded" in captured.out
    assert json.loads((index / "manifest.json").read_text())["articles"][0]["examples"][0] == "Who is Vlad Tenev?"
    assert main(["build", "--if-missing"]) == 0
    assert "not rebuilt" in capsys.readouterr().out


def test_ask_json_from_stdin_prints_one_object_per_question(env, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("What did Musk tweet to Putin?\n\nWho wrote Hamlet?\n"))
    assert main(["ask", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"question", "answered", "confidence", "threshold", "follow_up_of", "refers_back",
                          "cross_lingual", "read_as", "passages"}
    assert first["read_as"] == {}  # every word is the article's own
    assert first["answered"] is True and TWEET in first["passages"][0]["text"] and first["cross_lingual"] is False
    assert first["confidence"] >= first["threshold"] > second["confidence"]  # what decides, as the bot decides
    assert set(first["passages"][0]) == {"text", "answer", "score", "article", "position"}
    assert first["passages"][0]["answer"].startswith("His tweet read")
    assert second["answered"] is False and len(second["passages"]) == 3


def test_a_question_in_russian_is_read_through_the_multilingual_model(env, capsys):
    assert main(["ask", "--json", "Сколько раз скачали Clubhouse?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["cross_lingual"] is True and "5 million downloads" in answer["passages"][0]["text"]
    assert answer["read_as"] == {"скачали": "downloads"}  # the word read across languages, shown
    assert main(["ask", "Сколько раз скачали Clubhouse?"]) == 0
    out = capsys.readouterr().out
    assert "read in Russian through the multilingual model" in out and "read as: скачали -> downloads" in out


def test_ask_shows_a_repaired_typo(env, capsys):
    assert main(["ask", "--json", "What did Musk tweeet to Putin?"]) == 0
    assert json.loads(capsys.readouterr().out)["read_as"] == {"tweeet": "tweet"}


def test_build_keeps_the_multilingual_vectors_beside_the_index(built_index):
    assert (built_index / "multilingual" / "embeddings.npy").exists()
    assert (built_index / "multilingual" / "words" / "embeddings.npy").exists()


def test_ask_top_k_and_plain_output(env, capsys):
    assert main(["ask", "--top", "1", "Who", "is", "the", "CEO", "of", "Robinhood?"]) == 0
    out = capsys.readouterr().out
    assert "Vlad Tenev" in out and " 2. " not in out


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared eval set not beside the repo")
def test_eval_reports_engine_and_baseline(env, capsys):
    assert main(["eval", str(DEV_SET), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["engine"]) >= {"hit_at_1", "hit_at_3", "mrr", "false_abstain", "unanswerable_refused", "separation"}
    assert report["engine"]["hit_at_1"] > report["baseline"]["hit_at_1"]
    assert 0.5 < report["engine"]["separation"] <= 1.0  # the dev set holds both kinds; confidence tells them apart
    assert main(["eval", str(DEV_SET)]) == 0
    assert "confidence ROC AUC" in capsys.readouterr().out


def test_eval_floor_fails_the_run(env, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "Who wrote Hamlet?", "answers": ["shakespeare"]}) + "\n")
    assert main(["eval", str(questions), "--floor", "hit_at_1=0.5"]) == 1
    assert "hit_at_1 0.000 < floor 0.5" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("INDEX_DIR", "does-not-exist", "no index in does-not-exist; run: python -m index build"),
        ("EMBEDDING_MODEL", "another/model", "built with model"),
    ],
)
def test_unusable_index_is_one_line_and_exit_1(env, capsys, setting, value, message):
    env.setenv(setting, value)
    assert main(["ask", "anything"]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_invalid_setting_is_named(env, capsys):
    env.setenv("TOP_K", "-3")
    assert main(["ask", "anything"]) == 2
    assert "TOP_K" in capsys.readouterr().err


def test_corrupted_index_as_a_real_process_has_no_traceback(built_index, tmp_path):
    damaged = tmp_path / "index"
    shutil.copytree(built_index, damaged)
    (damaged / "vectors.faiss").write_bytes(b"not a faiss index")
    result = subprocess.run(
        [sys.executable, "-m", "index", "ask", "--json"],
        input="What did Musk tweet to Putin?\n", capture_output=True, text=True, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "INDEX_DIR": str(damaged), "CORPUS_DIR": str(REPO / "corpus"), "HOME": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: index in") and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_eval_rejects_an_unknown_metric_before_evaluating(env, capsys):
    assert main(["eval", "does-not-matter.jsonl", "--floor", "hit_at_7=0.5"]) == 1
    assert "unknown metric 'hit_at_7'" in capsys.readouterr().err


def test_ask_shows_the_confidence_and_the_threshold_it_is_compared_with(env, capsys):
    assert main(["ask", "Who wrote Hamlet?"]) == 0
    out = capsys.readouterr().out
    assert "not answered: confidence 0." in out and "the bot answers at" in out


def test_calibrate_prints_held_out_figures_and_writes_a_loadable_fit(env, tmp_path, capsys):
    from index.scoring import load_scoring

    questions = REPO / "tests" / "data" / "extra.jsonl"
    fit_file = tmp_path / "scoring.json"
    assert main(["calibrate", str(questions), "--folds", "3", "--write", str(fit_file)]) == 0
    out = capsys.readouterr().out
    assert "3-fold cross-validation" in out and "held-out folds" in out and "answered, right first" in out
    fitted = load_scoring(fit_file)
    assert fitted.fitted_on["question_sets"] == ["extra.jsonl"] and 0 < fitted.abstention.threshold < 1
    env.setenv("SCORING_FILE", str(fit_file))
    assert main(["ask", "What did Musk tweet to Putin?"]) == 0


def test_calibrate_lists_the_held_out_misses_its_figures_count(env, capsys):
    questions = REPO / "tests" / "data" / "extra.jsonl"
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = sum(1 for r in rows if r["answers"])
    assert main(["calibrate", str(questions), "--folds", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    held, misses = report["held_out"], report["held_out_misses"]
    kinds = [m["kind"] for m in misses]
    refused = sum(1 for k in kinds if k.startswith("refused"))
    assert refused == round(held["false_abstain"] * answerable)
    assert kinds.count("refused, right passage first") + round(held["answered_right_first"] * answerable) == round(
        held["hit_at_1"] * answerable)
    assert kinds.count("answered, the article does not say") == round(
        (1 - held["unanswerable_refused"]) * (len(rows) - answerable))
    asked = {r["question"] for r in rows}
    assert all(m["question"] in asked and 0 <= m["confidence"] <= 1 and 0 < m["threshold"] < 1 for m in misses)

    assert main(["calibrate", str(questions), "--folds", "3", "--misses"]) == 0
    out = capsys.readouterr().out
    assert f"held-out misses ({len(misses)} of {len(rows)} questions):" in out
    assert all(m["question"] in out for m in misses)


def test_calibrate_fails_when_a_held_out_figure_is_under_its_floor(env, capsys):
    questions = str(REPO / "tests" / "data" / "extra.jsonl")
    assert main(["calibrate", questions, "--folds", "3", "--floor", "hit_at_1=1.01"]) == 1
    assert "held-out hit_at_1" in capsys.readouterr().err


def test_ask_json_reads_a_follow_up_with_its_history(env, capsys, monkeypatch):
    lines = [json.dumps({"question": "Who translated it?", "history": ["What did Musk write in Russian?"]}),
             "Who translated it?"]
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--json"]) == 0
    with_history, alone = (json.loads(line) for line in capsys.readouterr().out.strip().splitlines())
    assert with_history["follow_up_of"] == "What did Musk write in Russian?" and alone["follow_up_of"] is None
    assert "Google Translate" in with_history["passages"][0]["text"]
    assert alone["refers_back"] and not with_history["refers_back"]
    # The plain output says how each was read.
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("\n".join(lines) + "\n"))
    assert main(["ask"]) == 0
    out = capsys.readouterr().out
    assert "a follow-up, read with: What did Musk write in Russian?" in out
    assert "refers back to an earlier question, but none was given" in out


def test_ask_refuses_a_malformed_json_line(env, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO('{"history": "not a list"}\n'))
    assert main(["ask", "--json"]) == 1
    assert "must be" in capsys.readouterr().err
