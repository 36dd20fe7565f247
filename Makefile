# The two commands: `make demo` and `make test`. Both set up the venv from the lock file first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)

.PHONY: setup browser demo test lint bench lock clean

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

# Debian's Chromium (browser tests: dashboards, the real player) and ffmpeg (the player test's video).
# Where they cannot be installed, the tests that need them say so plainly (they report a skip).
browser:
	@command -v chromium >/dev/null && command -v ffmpeg >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver ffmpeg) || \
	  echo "warning: could not install chromium/ffmpeg: the browser tests will report why they skip" >&2

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests dags
	$(BIN)/ruff format --check src tests dags

bench: setup
	$(BIN)/python -m bench

# Re-resolve the lock file after changing pyproject.toml's pins.
lock: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	$(BIN)/python -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf data target logs .pytest_cache
