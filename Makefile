# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
PYTHON ?= python3

.PHONY: install run run-prod test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed  ## create .venv and install PulseGuard

run: install  ## migrate, then serve everything on 127.0.0.1:$(PORT) (SQLite, no Redis needed)
	$(BIN)/flask db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=127.0.0.1 PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

run-prod: install  ## release, then web + $(WORKERS) workers + 1 scheduler under honcho (PostgreSQL, Redis)
	PATH="$(CURDIR)/$(BIN):$$PATH" WORKERS=$(WORKERS) PORT=$(PORT) scripts/run-prod.sh

test: $(VENV)/.dev-installed  ## lint and type-check, then every test on SQLite and on PostgreSQL
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance logs .pytest_cache
