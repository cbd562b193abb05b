# Waymark. `make run` and `make test` are the quick start; `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
APP_STAMP := $(VENV)/.app-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements-dev.lock pyproject.toml | sha256sum | cut -c1-12)
DEMO := WAYMARK_DEMO_MODE=true

.PHONY: help run test test-fast e2e install install-dev browser lint i18n bench clean accessibility-results

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"

$(APP_STAMP): requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

$(DEV_STAMP): requirements-dev.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements-dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@ $(APP_STAMP)

install: $(APP_STAMP) ## Install the app's Python packages into .venv

install-dev: $(DEV_STAMP) ## Install the app and test packages into .venv

browser: ## Install Debian's Chromium and fonts for the browser tests (needs root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-core; \
	  else echo "Install Chromium first: sudo apt-get install chromium fonts-noto-core"; exit 1; fi; }

run: install ## Run the app with demo data on http://127.0.0.1:8000 (SQLite, local OIDC provider)
	mkdir -p var
	$(DEMO) $(BIN)/waymark migrate
	$(DEMO) $(BIN)/waymark seed-demo --if-empty
	trap 'kill 0' INT TERM EXIT; \
	$(DEMO) $(BIN)/waymark dev-idp & \
	$(DEMO) $(BIN)/waymark serve

test: install-dev browser ## Run every test: unit, HTTP, database (SQLite, and PostgreSQL if WAYMARK_TEST_POSTGRES_URL is set) and browser
	$(BIN)/python -m pytest

test-fast: install-dev ## Everything but the browser tests
	$(BIN)/python -m pytest tests

e2e: install-dev browser ## Only the browser tests
	$(BIN)/python -m pytest e2e

accessibility-results: install-dev browser ## Crawl every page with axe and write content/accessibility/axe-results.json (read by /accessibility)
	WAYMARK_AXE_RESULTS=content/accessibility/axe-results.json $(BIN)/python -m pytest e2e/test_accessibility.py -k browses

lint: install-dev ## ruff
	$(BIN)/ruff check backend tests e2e
	$(BIN)/ruff format --check backend tests e2e

i18n: install-dev ## Extract messages to locales/messages.pot and update the Welsh catalogue
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 --no-location --sort-output --omit-header -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -l cy --no-fuzzy-matching --ignore-pot-creation-date

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var test-results

bench: install-dev ## Throughput of key pages, the contact dashboard at 10,000 young people, a 10,000-row caseload import (ratios to a baseline in the same run)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/contacts_dashboard.py
	$(BIN)/python bench/caseload_import.py
	$(BIN)/python bench/insights.py
