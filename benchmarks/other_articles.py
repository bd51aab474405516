"""How the method does on articles it was never fit on: SQuAD's eight, each a corpus of its own.

    python benchmarks/other_articles.py [--squad ../shared/eval/squad-fit.json] [--fit]

Each article of `squad-fit.json` (../shared/eval/README.md) becomes a corpus of its own, built
and served as an operator's article would be (`build_index`, `Engine.load`, the shipped
index/scoring.json). Asked of it: its crowd-written answerable questions; as off-topic
questions, `--off-topic` answerable questions of the other articles; and SQuAD's own
unanswerable questions, near misses written against one of its paragraphs (refusing those
needs a reader of the sentence, not retrieval: shown apart, never pooled with the others).
Prints a row per article and the pooled figures, with the ROC AUC of confidence between
answerable and off-topic questions and between answerable and near-miss ones.

With --fit, also whether these questions make a better fit for the project's own article:
the abstention model fit on the training folds of its own single questions
(tests/data/reader-questions.jsonl, extra.jsonl), then on those plus the SQuAD articles'
answerable and off-topic questions, then with their near misses too, each scored on the
held-out fold (5-fold, seed 0; the ranking weights are fit on the own folds in all three).
Needs the project's index (`python -m index build`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index import Engine, IndexSettings, build_index, fitting, load_embedder  # noqa: E402
from index.evaluation import Question, load_questions, score  # noqa: E402
from index.scoring import load_scoring  # noqa: E402

SQUAD = REPO.parent / "shared" / "eval" / "squad-fit.json"
OWN_SETS = (REPO / "tests" / "data" / "reader-questions.jsonl", REPO / "tests" / "data" / "extra.jsonl")
SHOWN = ("hit_at_1", "hit_at_3", "answered_right_first", "false_abstain", "unanswerable_refused", "sentence_hit")
LABELS = ("hit@1", "hit@3", "ans+right", "false abst", "off refused", "sentence")


def squad_articles(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def article_text(article: dict) -> str:
    """The article as an operator would add it to corpus/: front matter, then its paragraphs."""
    title = article["title"].replace("_", " ")
    return f"---\ntitle: {title}\n---\n\n" + "\n\n".join(p["context"].strip() for p in article["paragraphs"]) + "\n"


def questions_of(article: dict, others: list[dict], off_topic: int, rng: random.Random) -> dict[str, list[Question]]:
    """The article's answerable questions (every distinct answer span), its near misses, and
    `off_topic` answerable questions drawn from the other articles."""
    qas = [qa for p in article["paragraphs"] for qa in p["qas"]]
    foreign = [qa for other in others for p in other["paragraphs"] for qa in p["qas"] if not qa["is_impossible"]]
    return {
        "answerable": [Question(qa["question"], tuple(dict.fromkeys(a["text"] for a in qa["answers"])))
                       for qa in qas if not qa["is_impossible"]],
        "near miss": [Question(qa["question"], ()) for qa in qas if qa["is_impossible"]],
        "off-topic": [Question(qa["question"], ()) for qa in rng.sample(foreign, min(off_topic, len(foreign)))],
    }


def collect_article(article: dict, questions: dict[str, list[Question]], embedder, scratch: Path, *,
                    serve_with_builder: bool = False) -> dict:
    """Build the article's index in `scratch` and search each question once (fitting.collect).
    Questions are embedded as `python -m bot` would (EMBEDDING_BACKEND), or with `serve_with_builder`
    by the embedder that built the index (a test's fake model)."""
    corpus = scratch / "corpus"
    corpus.mkdir(parents=True)
    (corpus / f"{article['title']}.txt").write_text(article_text(article), encoding="utf-8")
    build_index(corpus, scratch / "index", embedder)
    settings = IndexSettings(_env_file=None, index_dir=scratch / "index", corpus_dir=corpus, embedding_model=embedder.name)
    engine = Engine.load(settings, embedder if serve_with_builder else None, scoring=fitting.STARTING_POINT)
    return {kind: fitting.collect(engine, qs) for kind, qs in questions.items()}


def figures(answerable: list, unanswerable: list, scoring) -> dict:
    """Metrics of answerable and unanswerable questions together, the ROC AUC of confidence
    between the two among them ("separation")."""
    examples = answerable + unanswerable
    return score([e.question for e in examples], fitting.outcomes(examples, scoring)).as_dict()


def _row(name: str, metrics: dict, near: dict | None = None) -> str:
    cells = "".join(f"{metrics[k]:>12.3f}" for k in SHOWN)
    near_cells = f"{near['unanswerable_refused']:>12.3f}{near['separation']:>10.3f}" if near else ""
    return f"{name:<34}{metrics['answerable']:>6}{cells}{metrics['separation']:>10.3f}{near_cells}"


def compare_fits(extras: dict[str, list], folds: int = 5, seed: int = 0) -> None:
    """The abstention model fit on the own article's training folds, then with each of `extras` too."""
    engine = Engine.load(IndexSettings(), scoring=fitting.STARTING_POINT)
    own = fitting.collect(engine, [q for path in OWN_SETS for q in load_questions(path)])
    print(f"\nthe project's own {len(own)} single questions, {folds}-fold held-out: abstention fit on")
    print(f"{'':<34}{'AUC':>8}" + "".join(f"{label:>12}" for label in ("ans+right", "false abst", "refused")))
    for name, added in {"its own training folds": [], **extras}.items():

        def fitter(train: list, start, added=added):  # ranking on the own folds, abstention with `added`
            return fitting.fit_abstention(train + added, fitting.fit(train, start))

        report = fitting.cross_validate(own, fitting.STARTING_POINT, folds=folds, seed=seed, fitter=fitter)
        held = report["held_out"]
        print(f"{name:<34}{report['held_out']['separation']:>8.3f}" + "".join(f"{held[k]:>12.3f}" for k in SHOWN[2:5]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--off-topic", type=int, default=60, help="other articles' questions asked of each (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fit", action="store_true", help="also: does fitting with these questions help the own article?")
    args = parser.parse_args()

    articles = squad_articles(args.squad)
    embedder = load_embedder(IndexSettings(_env_file=None).embedding_model)
    scoring = load_scoring()
    rng = random.Random(args.seed)
    pooled: dict[str, list] = {"answerable": [], "near miss": [], "off-topic": []}
    print(f"{'article (shipped scoring)':<34}{'answ.':>6}" + "".join(f"{label:>12}" for label in LABELS)
          + f"{'AUC off':>10}{'near ref.':>12}{'AUC near':>10}")
    for article in articles:
        others = [a for a in articles if a is not article]
        with tempfile.TemporaryDirectory() as scratch:
            examples = collect_article(article, questions_of(article, others, args.off_topic, rng), embedder, Path(scratch))
        for kind, found in examples.items():
            pooled[kind] += found
        metrics = figures(examples["answerable"], examples["off-topic"], scoring)
        near = figures(examples["answerable"], examples["near miss"], scoring)
        print(_row(article["title"][:34], metrics, near), flush=True)
    metrics = figures(pooled["answerable"], pooled["off-topic"], scoring)
    near = figures(pooled["answerable"], pooled["near miss"], scoring)
    print(_row("all eight", metrics, near))
    if args.fit:
        compare_fits({"those + SQuAD's, off-topic ones": pooled["answerable"] + pooled["off-topic"],
                      "those + SQuAD's, near misses too": pooled["answerable"] + pooled["off-topic"] + pooled["near miss"]})


if __name__ == "__main__":
    main()
