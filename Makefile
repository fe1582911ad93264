# Every target creates .venv on first use, so a fresh clone needs only Python 3.11+, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck check-self unit integration performance bench memory clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO_PROJECT := examples/demo-project

demo: $(STAMP)
	cd $(DEMO_PROJECT) && ../../$(BIN)/python scripts/process_customers.py demo local
	$(BIN)/python examples/run_sync_demo.py
	@echo "Output files:" && ls -l $(DEMO_PROJECT)/output

lint: $(STAMP)
	$(BIN)/ruff format --check txo tests examples migration
	$(BIN)/ruff check txo tests examples migration

typecheck: $(STAMP)
	$(BIN)/mypy --strict txo

check-self: $(STAMP)
	$(BIN)/txo-migrate check txo

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

integration: $(STAMP)
	$(BIN)/pytest tests/integration -q

performance: $(STAMP)
	$(BIN)/pytest tests/performance -q --benchmark-disable

# The README's test command: every suite, lint, strict typing and the self-check.
test: $(STAMP) lint typecheck check-self
	$(BIN)/pytest tests -q --benchmark-disable --cov=txo --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python -m txo.testing.bench

memory: $(STAMP)
	$(BIN)/python -m txo.testing.memory

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
