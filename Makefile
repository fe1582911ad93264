# Every target creates .venv on first use, so a fresh clone needs only Python 3.11+, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck check-self unit integration performance bench memory dist fuzz clean
.PHONY: fleet redis-server mutation mutation-report

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q txo  # bytecode even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

# The main job: scorecard of txo/ beside migration/legacy/, verify (and --after-fix) over the
# legacy corpus, record -> verify (the stand-in project, and the corpus recorded on txo.compat),
# then the two v3 examples (process_customers.py, run_sync_demo.py), one verdict.
demo: $(STAMP)
	@$(BIN)/python -m tools.demo

lint: $(STAMP)
	$(BIN)/ruff format --check txo tests tools examples migration
	$(BIN)/ruff check txo tests tools examples migration

typecheck: $(STAMP)
	$(BIN)/mypy --strict txo tests tools

check-self: $(STAMP)
	$(BIN)/txo-migrate check txo

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

integration: $(STAMP)
	$(BIN)/pytest tests/integration -q

performance: $(STAMP)
	$(BIN)/pytest tests/performance -q --benchmark-disable

# The README's test command: every suite, lint, strict typing and the self-check.
test: $(STAMP) redis-server lint typecheck check-self
	$(BIN)/pytest tests -q --benchmark-disable --cov=txo --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python -m tools.bench

memory: $(STAMP)
	$(BIN)/python -m tools.memory

# sdist and wheel into dist/, built offline with the venv's setuptools (no isolated download).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --sdist --wheel --outdir dist .

# Fleet benchmark: 8 processes against a throttled fake BC, no coordination vs SQLite vs Redis.
fleet: $(STAMP) redis-server
	$(BIN)/python tools/fleet.py

# The Redis tests and the fleet benchmark start a private redis-server; install it once
# (Debian's package; where that is impossible the Redis tests skip, except under
# TXO_REQUIRE_REDIS=1, which .ci/run sets).
redis-server:
	@command -v redis-server >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; } || \
		echo "redis-server could not be installed: the Redis tests will skip"

# The security fuzz suite's full profile (10,000 cases; `make test` runs 2,000): prints its counts.
fuzz: $(STAMP)
	TXO_FUZZ=full $(BIN)/pytest tests/unit/log/test_log_fuzz.py -q -p no:randomly

# Mutation testing of the core (pyproject.toml [tool.mutmut]), 2 workers, bounded to an hour;
# writes reports/mutation/SUMMARY.md. Too slow for `make test`. Narrow it with e.g.
# `make mutation MUTATION_ARGS="--scope 'txo.http.retry.*'"`.
MUTATION_ARGS ?=
mutation: $(STAMP)
	$(BIN)/python -m tools.mutation --max-children 2 --timeout 3600 $(MUTATION_ARGS)

# Rewrite SUMMARY.md from the last run's results in mutants/ without running anything.
mutation-report: $(STAMP)
	$(BIN)/python -m tools.mutation --report-only $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) reports dist build mutants .pytest_cache .mypy_cache .ruff_cache
