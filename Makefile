# The two commands of the set-up contract: `make run` and `make test`.
# Django 6 needs Python >= 3.12: find one (PATH first, then pyenv's versions).
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python) python3 python
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $(p))))

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The address to open in a browser: a server listening on every interface is reached on localhost.
HOST_SHOWN = $(if $(filter 0.0.0.0 ::,$(HOST)),localhost,$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)))

.PHONY: run test venv lint format messages check clean

LOCK := requirements/lock.txt

.PHONY: lock

# Installs exactly what requirements/lock.txt pins, every file checked against its hash
# (runtime and dev tools, pip and setuptools too), then the project itself without resolving.
$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is required (Django 6): install it, e.g. 'pyenv install 3.13' or 'apt-get install python3.13', and run make again."; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)

# Regenerates requirements/lock.txt from pyproject.toml's ranges, keeping the current pins
# where they still fit. `make lock UPGRADE=1`: newest versions of everything;
# `make lock UPGRADE=django`: of one package. Run it with Python 3.12, the oldest supported,
# so the lock holds every backport a newer Python would not need (docs/decisions.md).
lock: $(STAMP)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' || { echo "make lock needs the oldest supported Python, 3.12: rm -r .venv; make venv PYTHON=python3.12; make lock"; exit 1; }
	$(BIN)/pip-compile --quiet --extra dev --all-build-deps --allow-unsafe --generate-hashes \
		--strip-extras --no-emit-index-url --no-emit-find-links \
		$(if $(filter 1,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE))) \
		--output-file $(LOCK) pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	@touch $(STAMP)

# Development server on SQLite with the demo data, and the background worker beside it
# (mail, reminders, the schedule; it restarts on code changes). Ctrl-C stops both.
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo --address http://$(HOST_SHOWN):$(PORT)/
	@echo "Starting the background worker (manage.py run_worker): mail is printed here by it."
	@DEBUG=1 $(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The OpenID Connect provider the sign-in tests run (Node's oidc-provider, tests/oidc/),
# installed exactly as package-lock.json pins it. Without npm the sign-in tests say so.
OIDC_NODE := tests/oidc/node_modules/.package-lock.json
$(OIDC_NODE): tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the sign-in tests need Node 20+ (apt-get install nodejs npm)"; fi

# Whole test suite; PostgreSQL when DATABASE_URL is set, SQLite otherwise.
# On every core (pytest-xdist; each worker has its own test database, demo snapshot, browser
# and OpenID Connect provider); `make test JOBS=0` runs in one process.
JOBS ?= auto
test: $(STAMP) $(OIDC_NODE)
	$(BIN)/python -m pytest $(if $(filter 0,$(JOBS)),,-n $(JOBS) --dist loadfile) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Needs GNU gettext; the compiled .mo files are committed so a fresh machine needs none.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
