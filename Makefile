# One command to run the bot, one to run every test; each makes its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/partnerdesk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/partnerdesk
	$(BIN)/partnerdesk run $(ARGS)

lint: $(BIN)/partnerdesk
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(BIN)/partnerdesk
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_imap.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
