# The README's commands. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

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
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
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
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l vi --ignore=.venv

bench: $(VENV)/.dev
	$(PY) manage.py bench
	$(PY) manage.py bench_reports

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache
