# The project's commands. `make run` runs the product, `make test` runs every test.
# Both create what is missing first: .venv (helpdesk, Python 3.11+), .venv-bot (Rasa, Python 3.10),
# and a trained bot model under var/models when bot/ changed.

PYTHON := .venv/bin/python

.PHONY: help setup browser run test test-fast lint train eval clean

help:
	@echo "make run        start the bot and the helpdesk on http://127.0.0.1:$${HELPDESK_PORT:-8080}"
	@echo "make test       run the whole test suite (trains the bot if bot/ changed)"
	@echo "make test-fast  lint, types, and every test that needs no Rasa server (a few minutes)"
	@echo "make lint       ruff (lint and format) and mypy on helpdesk/ and bot/"
	@echo "make train      train the bot if bot/ changed"
	@echo "make setup      create .venv and .venv-bot"
	@echo "make clean      remove environments, models and local data"

setup: .venv/.installed .venv-bot/.installed

# A stamp per environment: set-up re-runs only when its requirements changed.
.venv/.installed: pyproject.toml scripts/setup-project-env.sh
	scripts/setup-project-env.sh
	@touch $@

.venv-bot/.installed: bot/requirements.txt bot/constraints.txt scripts/setup-bot-env.sh \
		bot/patches/on_import.py
	scripts/setup-bot-env.sh
	@touch $@

train: setup
	$(PYTHON) -m helpdesk train

run: setup
	$(PYTHON) -m helpdesk run

# The browser tests use Debian's chromium; installed here when missing (as root), else explained.
browser:
	@scripts/setup-browser.sh

# Lint, format and types first: they take seconds, and a red one need not wait for the suite.
lint: .venv/.installed
	$(PYTHON) -m ruff check helpdesk bot tests benchmarks scripts
	$(PYTHON) -m ruff format --check helpdesk bot tests benchmarks scripts
	$(PYTHON) -m mypy

test: setup train browser lint
	$(PYTHON) -m pytest

test-fast: lint
	$(PYTHON) -m pytest -m "not rasa"

clean:
	rm -rf .venv .venv-bot var
