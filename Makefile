# Two commands for a newcomer: `make run` and `make test`. Both create the virtual
# environment on first use (torch first, pinned to its CPU wheel) and build what is missing.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The project's own question sets fit the scoring; CI fails if their held-out-fold figures
# (5-fold cross-validation, docs/quality.md) drop below these floors, a little under the measured ones.
# Questions in Russian (russian-questions.jsonl) are fit apart, with floors of their own (cross_lingual.*).
# Their figures differ between machines of this workplace by a few questions (docs/quality.md,
# "The same commands on two machines"), so their floors sit a few questions under the figures measured.
FIT_SETS ?= tests/data/reader-questions.jsonl tests/data/extra.jsonl tests/data/dialogues.jsonl tests/data/russian-questions.jsonl
FIT_FLOORS ?= --floor hit_at_1=0.84 --floor hit_at_3=0.96 --floor mrr=0.89 --floor answered_right_first=0.71 \
	--floor unanswerable_refused=0.75 --ceiling false_abstain=0.20 --floor sentence_hit=0.77 \
	--floor cross_lingual.hit_at_1=0.74 --floor cross_lingual.hit_at_3=0.94 --floor cross_lingual.mrr=0.83 \
	--floor cross_lingual.answered_right_first=0.71 --floor cross_lingual.unanswerable_refused=0.62 \
	--ceiling cross_lingual.false_abstain=0.09
# The shared dev sets sit beside the repository and are never fit on: checks of the shipped fit.
EVAL_SET ?= ../shared/eval/dev.jsonl
EVAL_FLOORS ?= --floor hit_at_1=0.94 --floor hit_at_3=0.99 --floor mrr=0.95 --floor answered_right_first=0.89 \
	--floor unanswerable_refused=0.99 --ceiling false_abstain=0.06 --floor sentence_hit=0.89
DIALOGUE_SET ?= ../shared/eval/dev-dialogues.jsonl
DIALOGUE_FLOORS ?= --floor hit_at_1=0.79 --floor hit_at_3=0.99 --floor answered_right_first=0.79 \
	--floor unanswerable_refused=0.99
# Questions in Russian about the English article (never fit on either).
RUSSIAN_SET ?= ../shared/eval/dev-ru.jsonl
RUSSIAN_FLOORS ?= --floor hit_at_1=0.86 --floor hit_at_3=0.99 --floor answered_right_first=0.62 \
	--floor unanswerable_refused=0.74
# Follow-ups asked in Russian (tests/data/README.md), never fit on: a check like the shared sets.
RUSSIAN_DIALOGUE_SET ?= tests/data/russian-dialogues.jsonl
RUSSIAN_DIALOGUE_FLOORS ?= --floor hit_at_1=0.69 --floor hit_at_3=0.93 --floor answered_right_first=0.49 \
	--floor unanswerable_refused=0.53
# Questions written after the fit, never fit on (tests/data/README.md): fresh tests of the shipped
# method, with floors two questions under the figures measured.
FRESH_SET ?= tests/data/fresh-questions.jsonl
FRESH_FLOORS ?= --floor hit_at_1=0.77 --floor hit_at_3=0.97 --floor answered_right_first=0.58 \
	--floor unanswerable_refused=0.61
FRESH_2_SET ?= tests/data/fresh-questions-2.jsonl
FRESH_2_FLOORS ?= --floor hit_at_1=0.80 --floor hit_at_3=0.94 --floor answered_right_first=0.63 \
	--floor unanswerable_refused=0.57
FRESH_3_SET ?= tests/data/fresh-questions-3.jsonl
FRESH_3_FLOORS ?= --floor hit_at_1=0.74 --floor hit_at_3=0.93 --floor answered_right_first=0.49 \
	--floor unanswerable_refused=0.64
CI_INDEX_DIR ?= var/ci-index

.PHONY: run test install index eval calibrate translations clean

run: install index
	$(PY) -m bot

test: install
	$(PY) -m pytest
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index build
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index calibrate $(FIT_SETS) $(FIT_FLOORS)
	@if [ -f "$(EVAL_SET)" ]; then \
		INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(EVAL_SET)" $(EVAL_FLOORS); \
	else echo "eval skipped: $(EVAL_SET) not found"; fi
	@if [ -f "$(DIALOGUE_SET)" ]; then \
		INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(DIALOGUE_SET)" $(DIALOGUE_FLOORS); \
	else echo "eval skipped: $(DIALOGUE_SET) not found"; fi
	@if [ -f "$(RUSSIAN_SET)" ]; then \
		INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(RUSSIAN_SET)" $(RUSSIAN_FLOORS); \
	else echo "eval skipped: $(RUSSIAN_SET) not found"; fi
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(RUSSIAN_DIALOGUE_SET)" $(RUSSIAN_DIALOGUE_FLOORS)
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(FRESH_SET)" $(FRESH_FLOORS)
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(FRESH_2_SET)" $(FRESH_2_FLOORS)
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(FRESH_3_SET)" $(FRESH_3_FLOORS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Builds the index only when there is no usable one for the current settings.
index: install
	$(PY) -m index build --if-missing

eval: install index
	$(PY) -m index eval "$(EVAL_SET)"

# Refit the scoring on the project's question sets and ship it (docs/quality.md).
calibrate: install index
	$(PY) -m index calibrate $(FIT_SETS) --write index/scoring.json

# The interface's gettext catalogs (bot/i18n.py), with the options in pyproject.toml's [tool.babel.*]:
# extract the marked strings of bot/ into a template (var/i18n/bot.pot), merge it into each language's
# bot/locales/<language>/LC_MESSAGES/bot.po (new strings arrive untranslated, changed ones fuzzy),
# compile the .mo files the bot reads. Commit the .po and .mo; tests/test_translations.py checks both.
translations: install
	mkdir -p var/i18n
	$(VENV)/bin/pybabel extract
	$(VENV)/bin/pybabel update
	$(VENV)/bin/pybabel compile

clean:
	rm -rf $(VENV) var .pytest_cache
