# The README's two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEV_ENV := DJANGO_DEBUG=1
# `make run`'s database and address (a test runs it on others: tests/site/test_make_run.py).
RUN_DB_URL ?= sqlite:///$(CURDIR)/var/db.sqlite3
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: run test venv venv-test messages lint audit browser-deps clean bench bench-deps \
	lighthouse

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

# Compile the message catalogues with Babel, so no GNU gettext is needed.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q compile --domain django --directory locale
	$(BIN)/pybabel -q compile --domain djangojs --directory locale

run: venv messages
	mkdir -p var
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py migrate --noinput
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py load_demo --demo-user
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py alerts_schedule
	mkdir -p var/mail
	@echo
	@echo "  The site:  http://$(RUN_ADDR)/  (Russian: /ru/, English: /en/)"
	@echo "  The admin: http://$(RUN_ADDR)/admin/ — sign in as shown above (demo account, this machine only)"
	@echo "  Email:     the worker beside the server writes every email to a file in var/mail/"
	@echo
# The email alerts' worker runs beside the server and stops with it.
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py db_worker --no-reload --interval 2 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py runserver $(RUN_ADDR)

# Chromium for the browser tests: installed with apt where we are root, otherwise the
# browser tests are skipped with a notice (and fail when CI is set).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "NOTICE: chromium is not installed and cannot be installed here; browser tests will be skipped."; \
		fi; \
	fi

lint: venv-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pip-audit over the installed packages; see .ci/audit_dependencies.py for what an
# unreachable vulnerability service does (FCS_REQUIRE_AUDIT=1 makes it fail).
audit: venv-test
	$(PY) .ci/audit_dependencies.py

test: venv-test messages browser-deps lint audit
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark (README, "Benchmark"): fill a PostgreSQL database, serve it with gunicorn as
# in production and measure it with wrk. `make bench BENCH_ARTICLES=100000` for the large run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fcs_bench
BENCH_ARTICLES ?= 10000
# A shared Redis cache when one answers on this machine, as in production; else local memory.
BENCH_CACHE_URL ?= $(shell redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && echo redis://127.0.0.1:6379/14)
BENCH_FILL_ARGS ?=
BENCH_RUN_ARGS ?=
BENCH_ENV = DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECRET_KEY=bench-only-$(shell $(PYTHON) -c 'import secrets; print(secrets.token_hex(24))') \
	DATABASE_URL=$(BENCH_DATABASE_URL)

# wrk drives the load: installed with apt where we are root, like the browser tests' chromium.
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's wrk for the benchmark..."; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "wrk is not installed (Debian: apt-get install wrk); the benchmark needs it." >&2; \
			exit 1; \
		fi; \
	fi

# Then the email alerts' figure (README, "Email alerts"): one article sent through a real
# worker process to N subscribers and a local SMTP sink (aiosmtpd, hence venv-test); emails/s
# and the worker's peak memory for each size. The large run:
# `make bench BENCH_ALERT_SIZES=10000,100000`.
BENCH_ALERT_SIZES ?= 1000,5000

bench: venv-test messages bench-deps
	$(BENCH_ENV) $(PY) manage.py bench_fill --articles $(BENCH_ARTICLES) $(BENCH_FILL_ARGS)
	$(BENCH_ENV) $(PY) manage.py bench_run --cache-url "$(BENCH_CACHE_URL)" $(BENCH_RUN_ARGS)
	$(BENCH_ENV) $(PY) manage.py alerts_bench --sizes $(BENCH_ALERT_SIZES)

# Lighthouse (README, "Lighthouse"): the demo site served as in production, audited with
# Lighthouse 12 from npm (tools/lighthouse/) and Debian's Chromium; prints the scores and
# fails when a target is missed. Reports go to test-artifacts/lighthouse/.
LIGHTHOUSE_DIR := tools/lighthouse
$(LIGHTHOUSE_DIR)/node_modules/.installed: $(LIGHTHOUSE_DIR)/package.json $(LIGHTHOUSE_DIR)/package-lock.json
	cd $(LIGHTHOUSE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

# LIGHTHOUSE_ARGS: options of run.mjs, e.g. "--page article --waive search:is-crawlable".
LIGHTHOUSE_ARGS ?=
lighthouse: venv messages browser-deps $(LIGHTHOUSE_DIR)/node_modules/.installed
	BIN=$(BIN) LIGHTHOUSE_ARGS="$(LIGHTHOUSE_ARGS)" CHROME_PATH=$${CHROME_PATH:-$$(command -v chromium)} \
		bash $(LIGHTHOUSE_DIR)/run.sh

clean:
	rm -rf $(VENV) var/static
