# The README's two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEV_ENV := DJANGO_DEBUG=1
RUN_DB_URL := sqlite:///$(CURDIR)/var/db.sqlite3

.PHONY: run test venv venv-test messages lint audit browser-deps clean

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
	@echo
	@echo "  The site:  http://127.0.0.1:8000/  (Russian: /ru/, English: /en/)"
	@echo "  The admin: http://127.0.0.1:8000/admin/ — sign in as shown above (demo account, this machine only)"
	@echo
	$(DEV_ENV) DATABASE_URL=$(RUN_DB_URL) $(PY) manage.py runserver 127.0.0.1:8000

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

clean:
	rm -rf $(VENV) var/static
