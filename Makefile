# Two commands do everything: `make run` and `make test` (see README.md).
# Needs only Python 3.11+, Node 20+ and make; everything else is installed into the project.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.requirements-installed
NODE_STAMP := node_modules/.package-lock-installed
ASSETS_STAMP := build/static/.built

.PHONY: run test install assets lint check-tools clean

run: install
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	@echo "Database migrated."
	$(BIN)/python manage.py seed_demo --if-empty
	@$(BIN)/python manage.py demo_logins
	@echo "Starting the web server, a Celery worker and Celery beat (Ctrl+C stops all three)."
	@echo "Open http://127.0.0.1:8000/ in your browser."
	$(BIN)/honcho -f Procfile start

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

install: $(PY_STAMP) $(ASSETS_STAMP)

check-tools:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s). Set PYTHON=python3.11 or similar." % sys.version.split()[0])'
	@command -v node >/dev/null || { echo "Node.js 20 or newer is needed: https://nodejs.org/"; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : (console.error("Node.js 20 or newer is needed (found " + process.versions.node + ")"), 1))'

$(BIN)/python: | check-tools
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json | check-tools
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS_STAMP): $(NODE_STAMP) scripts/build_assets.py | $(BIN)/python
	$(BIN)/python scripts/build_assets.py
	@touch $@

assets: $(ASSETS_STAMP)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules build staticfiles .celery .cache db.sqlite3
