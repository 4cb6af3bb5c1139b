# The commands a newcomer needs: `make demo`, `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## demo: install if needed, then talk to the real bot in this terminal (fake Telegram and
## Metrica on 127.0.0.1, no accounts, nothing leaves the machine; Ctrl-C stops it)
demo: $(STAMP)
	$(BIN)/python -m demo

## run: install if needed, apply migrations and start the bot (SQLite by default)
run: $(STAMP)
	$(BIN)/python -m bot

## test: lint, type check and the whole test suite
LINTED := bot tests fakes demo migrations $(wildcard bench)

test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy bot demo
	$(BIN)/python -m pytest -q

## bench: every benchmark at its quick size (full runs and results: BENCHMARKS.md)
bench: $(STAMP)
	for name in poll_pass fanout commands quota_day scale_out gate_cost junk_tokens; do \
		$(BIN)/python -m bench.$$name --quick || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
