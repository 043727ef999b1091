# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs what the server needs; the test, lint and bench targets add the dev tools.
RUNTIME := $(VENV)/.runtime-stamp
DEV := $(VENV)/.dev-stamp

.PHONY: run test lint format bench soak clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $(RUNTIME)

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(RUNTIME) $(DEV)

run: $(RUNTIME)
	$(BIN)/brandkit migrate
	$(BIN)/brandkit demo --if-empty
	$(BIN)/brandkit serve

# One test process per core (CI has two): every fixture is per worker (its own databases,
# ports and data dirs); a file's tests stay on one worker so module fixtures are built once.
test: lint
	$(BIN)/pytest -n auto --dist loadfile

lint: $(DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(DEV)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(DEV)
	$(BIN)/python -m bench

soak: $(DEV)
	BRANDKIT_SOAK=1 $(BIN)/pytest tests -m soak
	BRANDKIT_SOAK=1 $(BIN)/pytest tests/fuzz

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
