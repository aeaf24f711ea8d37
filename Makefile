# Two entry points: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_TODAY ?= 2026-11-23

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@scratch=$$(mktemp -d); \
	cp -R sample_vault "$$scratch/vault"; \
	echo "vaultlink sync on a scratch copy: $$scratch/vault (today = $(DEMO_TODAY))"; \
	$(BIN)/vaultlink sync --vault "$$scratch/vault" --today $(DEMO_TODAY) --no-cache && \
	$(BIN)/vaultlink due --vault "$$scratch/vault" --today $(DEMO_TODAY) --no-cache

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
