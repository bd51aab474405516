# Two commands for a newcomer: `make run` and `make test`. Both create the virtual
# environment on first use (torch first, pinned to its CPU wheel) and build what is missing.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The shared dev question set sits beside the repository; CI fails if quality drops below the floors.
EVAL_SET ?= ../shared/eval/dev.jsonl
EVAL_FLOORS ?= --floor hit_at_1=0.94 --floor hit_at_3=0.99 --floor mrr=0.95 --floor unanswerable_refused=0.99 --ceiling false_abstain=0.06
CI_INDEX_DIR ?= var/ci-index

.PHONY: run test install index eval clean

run: install index
	$(PY) -m bot

test: install
	$(PY) -m pytest
	INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index build
	@if [ -f "$(EVAL_SET)" ]; then \
		INDEX_DIR=$(CI_INDEX_DIR) $(PY) -m index eval "$(EVAL_SET)" $(EVAL_FLOORS); \
	else echo "eval skipped: $(EVAL_SET) not found"; fi

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

clean:
	rm -rf $(VENV) var .pytest_cache
