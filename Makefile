# The README's commands. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless an address is given.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Debian packages beyond Python (Chromium, fonts, HarfBuzz, gettext, pdftoppm): installed when
# missing and possible (root with apt-get), otherwise listed; see the script.
SYSTEM_DEPS := scripts/install-system-deps

.PHONY: run test lint format messages bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(SYSTEM_DEPS) run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	SITE_URL="$(SITE_URL)" $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(SYSTEM_DEPS) test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Vietnamese catalogue after changing source strings (needs GNU gettext),
# then translate the new entries and run `make messages` again to compile.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=var --ignore=test-artifacts
	$(PY) manage.py compilemessages -l vi --ignore=.venv

bench: $(VENV)/.dev
	$(SYSTEM_DEPS) bench
	$(PY) manage.py bench
	$(PY) manage.py bench_reports

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache
