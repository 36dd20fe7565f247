# The two commands: `make demo` and `make test`. Both set up the venv from the lock file first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)

.PHONY: setup demo test lint bench lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# Simulate three days of beacons for two partners, run the nightly Airflow DAG for each day,
# print the HIGHLIGHTS and TOP_CONTENT reports.
demo: setup
	$(BIN)/video-insights demo

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests dags
	$(BIN)/ruff format --check src tests dags

bench: setup
	$(BIN)/python -m bench

# Re-resolve the lock file after changing pyproject.toml's pins.
lock: setup
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf data target logs .pytest_cache
