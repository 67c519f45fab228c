# TechMatch — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help run test venv venv-dev messages compile-messages migrate demo services services-status services-down lint typecheck pytest bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# The venv is rebuilt only when a requirements file changes (stamp per file set).
$(VENV)/.runtime-installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "TechMatch needs Python 3.11, found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime-installed ## Create .venv with the runtime dependencies

venv-dev: $(VENV)/.dev-installed ## Create .venv with the test and lint dependencies

compile-messages: venv ## Compile locale/*.po into .mo (pure Python, no gettext needed)
	DJANGO_SETTINGS_MODULE=config.settings.build $(PY) manage.py compile_translations

messages: venv ## Re-extract translatable strings into locale/zh_Hans (needs GNU gettext)
	DJANGO_SETTINGS_MODULE=config.settings.build $(PY) manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'var/*'

run: venv compile-messages ## Embedded default: SQLite, Celery eager, embedded search, on http://127.0.0.1:8000
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py search_check --repair
	$(PY) manage.py match_all
	@echo ""
	@echo "  Portal:        http://$(HOST):$(PORT)/"
	@echo "  Wagtail admin: http://$(HOST):$(PORT)/admin/"
	@echo "  Health:        http://$(HOST):$(PORT)/healthz"
	@echo ""
	BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

services: ## Install (when missing) and start PostgreSQL, Redis and Elasticsearch
	bash scripts/services.sh up

services-status: ## Show whether the test services are healthy
	bash scripts/services.sh status

services-down: ## Stop the test services
	bash scripts/services.sh down

lint: venv-dev ## ruff (lint + format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv-dev ## mypy with django-stubs on services, selectors, search, matching, reports and the API
	$(VENV)/bin/mypy accounts/services market/services accounts/selectors.py market/selectors.py market/kinds.py market/filters.py market/regions.py market/membership.py market/scoring.py cms/panels.py search matching reports config/env.py config/throttle.py api

pytest: venv-dev compile-messages ## Run pytest only (services must be up)
	$(PY) -m pytest $(PYTEST_ARGS)

test: services venv-dev compile-messages lint typecheck ## Start the real services, then lint, type-check and run the whole suite
	$(PY) -m pytest --durations=15 $(PYTEST_ARGS)

bench: venv-dev ## Run the benchmarks in bench/ (prints JSON)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done
