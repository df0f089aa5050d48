# ThreatPress: `make run` serves the demo site, `make test` checks everything. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
UV := .uv/bin/uv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
VAR := var
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# `make run` is production-shaped: DEBUG off, gunicorn, hashed and compressed static files.
ALLOWED_HOSTS ?= $(HOST),127.0.0.1,localhost
PROD_ENV = DJANGO_SETTINGS_MODULE=threatpress.settings.production \
	DJANGO_SECRET_KEY="$$(cat $(VAR)/secret_key)" \
	DJANGO_ALLOWED_HOSTS="$(ALLOWED_HOSTS)" \
	DJANGO_CSRF_TRUSTED_ORIGINS="http://$(HOST):$(PORT)" \
	WAGTAILADMIN_BASE_URL="http://$(HOST):$(PORT)" \
	THREATPRESS_HTTPS=false

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(UV):
	@$(PYTHON) -m venv .uv && .uv/bin/pip install -q "uv==$(UV_VERSION)" \
	  || { echo "Could not install uv from PyPI; falling back to pip."; rm -rf .uv; }

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	@if [ -x $(UV) ]; then \
	  $(UV) sync --frozen --all-groups --quiet; \
	else \
	  $(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q --require-hashes -r requirements.lock; \
	fi
	@touch $@

# Translations (docs/i18n.md): the .po catalogues are source, the .mo files build output.
PO_FILES := $(shell find threatpress -path '*/locale/*/LC_MESSAGES/*.po' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)
I18N_IGNORE := --ignore=.venv --ignore=.uv --ignore=node_modules --ignore=static_collected \
	--ignore=var --ignore=artifacts
# What every target that runs the code needs: the dependencies and the compiled translations.
READY := $(VENV)/.synced $(MO_FILES)

$(MO_FILES) &: $(PO_FILES) $(VENV)/.synced
	@command -v msgfmt >/dev/null || scripts/ensure-system-packages gettext \
	  || { echo "ERROR: msgfmt (Debian's gettext) compiles the translations; without it the" >&2; \
	       echo "       site would show English everywhere. Install gettext, then run make again." >&2; \
	       exit 1; }
	@$(MANAGE) compilemessages $(I18N_IGNORE) -v0
	@touch $(MO_FILES)

.PHONY: install
install: $(READY) ## Create .venv with the locked dependencies and compile the translations

# The catalogues there are, or LANGS=xx to start a new one.
LANGS ?= $(notdir $(wildcard threatpress/locale/*))

.PHONY: messages
messages: $(READY) ## Update the catalogues from the code and templates (then translate them)
	$(MANAGE) makemessages $(addprefix -l ,$(LANGS)) $(I18N_IGNORE) --add-location=file \
	  --no-obsolete -v0
	@echo "Updated $(LANGS:%=threatpress/locale/%/LC_MESSAGES/django.po): translate new entries."

$(VAR)/secret_key:
	@mkdir -p $(VAR) && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

STATIC_SOURCES := $(shell find threatpress -path '*/static/*' -type f 2>/dev/null)
$(VAR)/.static: $(READY) $(STATIC_SOURCES) | $(VAR)/secret_key
	@echo "Collecting static files (hashed and compressed)..."
	@$(PROD_ENV) $(MANAGE) collectstatic --noinput --clear -v0
	@touch $@

.PHONY: run
run: audio-deps $(READY) $(VAR)/secret_key $(VAR)/.static ## Install, migrate, load the demo and serve at http://$(HOST):$(PORT)
	@$(PROD_ENV) $(MANAGE) setup_site
	@echo
	@echo "  Site:   http://$(HOST):$(PORT)/  (English: /en/, Lithuanian: /lt/)"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/"
	@echo
	@$(PROD_ENV) VENV=$(VENV) exec scripts/serve "$(HOST):$(PORT)"

.PHONY: dev
dev: $(READY) ## Django's development server with DEBUG on
	@$(MANAGE) setup_site
	@$(MANAGE) runserver "$(HOST):$(PORT)"

.PHONY: cluster
cluster: $(READY) $(VAR)/secret_key $(VAR)/.static ## Two app servers, scheduler, export worker, PostgreSQL and Varnish on one machine; CHECK=1 runs the release check and wrk through Varnish
	@scripts/ensure-system-packages varnish $(if $(CHECK),wrk)
	@$(PROD_ENV) VENV=$(VENV) exec scripts/cluster $(if $(CHECK),--check)

.PHONY: manage
manage: $(READY) ## Run a management command: make manage ARGS='...'
	@$(MANAGE) $(ARGS)

.PHONY: system-deps
system-deps: ## Install Debian's chromium (browser tests), espeak-ng and ffmpeg (audio), gettext, redis-server and varnish (cache tests; needs root or sudo)
	@scripts/ensure-system-packages chromium espeak-ng ffmpeg gettext redis-server varnish

.PHONY: audio-deps
audio-deps: ## Install espeak-ng and ffmpeg for the audio files if possible; without them audio is off
	@scripts/ensure-system-packages espeak-ng ffmpeg \
	  || echo "Continuing without audio: the admin says why (docs/audio.md)."

.PHONY: lint
lint: $(READY) ## ruff, Django's checks, migrations and lock file up to date
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=threatpress.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=threatpress.settings.test $(MANAGE) makemigrations --check --dry-run
	@if [ -x $(UV) ]; then $(UV) lock --check --quiet && \
	  $(UV) export --frozen --all-groups --quiet --no-header -o /dev/stdout | diff -q - requirements.lock >/dev/null \
	  || { echo "requirements.lock is out of date: run make lock"; exit 1; }; fi

.PHONY: lock
lock: | $(UV) ## Re-resolve uv.lock and export requirements.lock (the pip fallback)
	$(UV) lock
	$(UV) export --frozen --all-groups --quiet --no-header -o requirements.lock

.PHONY: test
test: lint system-deps ## Lint, then the whole test suite (unit, integration, browser)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: $(READY) ## The suite without the browser tests
	$(VENV)/bin/pytest -m "not e2e" $(PYTEST_ARGS)

.PHONY: test-postgres
# Only the tests that use the database (conftest.py): the others cannot behave differently on
# PostgreSQL, and `make test` runs them. Without the browser tests, and without the live-service
# tests: those start their own PostgreSQL and SQLite whatever DATABASE_URL says.
test-postgres: $(READY) ## The suite's database tests (no browser, no live services) on a temporary PostgreSQL 15
	THREATPRESS_TESTS_THAT_USE_THE_DATABASE=1 scripts/with-postgres $(VENV)/bin/pytest -m "not e2e and not live_services" $(PYTEST_ARGS)

.PHONY: bench
bench: $(READY) ## Render and audio benchmarks, written to docs/benchmarks.md
	$(PY) bench/render.py
	$(PY) bench/scheduler_delay.py
	$(PY) bench/release_delay.py
	$(PY) bench/readership.py
	$(PY) bench/regions_api.py
	$(PY) bench/discovery.py
	$(PY) bench/audio.py

.PHONY: bench-http
bench-http: $(READY) ## Release-day HTTP load: ThreatPress beside nginx and stock Wagtail (docs/benchmarks.md)
	@scripts/ensure-system-packages wrk nginx
	$(PY) bench/release_day.py

.PHONY: bench-render
bench-render: $(READY) ## Render cost without the page cache: remembered parts, after a purge, beside stock Wagtail (docs/benchmarks.md)
	$(PY) bench/render_cost.py

.PHONY: bench-load
bench-load: $(READY) $(VAR)/secret_key $(VAR)/.static ## 60 s at 80% of capacity through `make cluster`'s shape, a publish at second 30 (docs/benchmarks.md)
	@scripts/ensure-system-packages varnish wrk
	@$(PROD_ENV) VENV=$(VENV) $(PY) bench/release_load.py

.PHONY: bench-search
bench-search: $(READY) ## Search latency on the demo and a 20-edition archive, SQLite and PostgreSQL (docs/benchmarks.md)
	$(PY) bench/search.py

.PHONY: bench-import
bench-import: $(READY) ## Time importing (reading, saving) a 60-page .docx manuscript (docs/benchmarks.md)
	$(PY) bench/manuscript_import.py

.PHONY: clean
clean: ## Remove the virtualenv, database, media and collected static files
	rm -rf $(VENV) .uv $(VAR) static_collected .pytest_cache .ruff_cache artifacts $(MO_FILES)
