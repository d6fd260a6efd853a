# make demo  -- run the main job on the bundled example department
# make test  -- lint, full test suite, kernel tests without JIT, benchmark smoke run
# Both create .venv and install the project into it when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint unit bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/rota demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/pytest

test: lint unit
	NUMBA_DISABLE_JIT=1 $(BIN)/pytest -m kernel -q -p no:cacheprovider
	ROTA_BENCH_SMOKE=1 $(BIN)/pytest benchmarks -q --benchmark-columns=mean,ops

bench: $(STAMP)
	$(BIN)/pytest benchmarks --benchmark-columns=min,mean,ops

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks
