# VPM: `make run` and `make test` are the whole quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock | cksum | cut -d' ' -f1)

.PHONY: run test lint browser redis-server lock bench stop clean messages

# The triage model, trained from messaging/triage/data/ (retrained when the data changes).
TRIAGE_MODEL := var/triage/model.json

run: $(STAMP) messages $(TRIAGE_MODEL)  ## Set up, load demo data and run web + worker + beat (Ctrl-C stops all)
	$(PY) manage.py rundemo

test: $(STAMP) browser redis-server messages $(TRIAGE_MODEL)  ## Set up and run the whole suite: ruff, migrations check, pytest
	@eval "$$($(PY) -m vpm.devtools.local_services)"; \
	echo "database: $${DATABASE_URL:-embedded PostgreSQL under var/pg}; broker: $${REDIS_URL:-none (Redis tests skip)}"; \
	$(PY) -m ruff check . && \
	$(PY) manage.py makemigrations --check --dry-run && \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Translations: compile locale/ and <app>/locale/ catalogues in Python (no GNU gettext needed).
messages: $(STAMP)
	@$(PY) -m vpm.devtools.compile_messages

$(TRIAGE_MODEL): $(STAMP) $(wildcard messaging/triage/data/*.jsonl) messaging/triage/model.py
	$(PY) -m messaging.triage.train && touch $@

# The fault tests (tests/faults) start, hang and stop a redis-server of their own.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }

lock:  ## Re-pin dependencies after editing pyproject.toml
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock

bench: $(STAMP)  ## Seed data at scale in its own database and time the list pages
	VPM_DB_NAME=vpm_bench $(PY) manage.py migrate --verbosity 0
	VPM_DB_NAME=vpm_bench $(PY) manage.py benchmark $(BENCH_ARGS)
	VPM_DB_NAME=vpm_bench $(PY) manage.py bench_scheduling $(SCHEDULING_BENCH_ARGS)

stop:  ## Stop the embedded PostgreSQL if it is still running
	$(PY) -c "from vpm.embedded_db import stop; stop()"

clean: stop
	rm -rf var $(VENV)
