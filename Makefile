# Engagement Log. `make run` serves the demo on SQLite as production would; `make test`
# runs every test; `make dev` is Django's development server with DEBUG on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test venv venv-dev venv-bench migrate seed assets browser lint format check-deploy backup restore clean

# The virtual environment is rebuilt only when pyproject.toml changes; running the app
# needs the app's own dependencies, testing also needs the dev extras.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

venv-dev: $(BIN)/.installed-dev

# locust, for bench/load.py.
venv-bench: $(BIN)/.installed-dev
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'

migrate: venv
	DEBUG=true $(BIN)/python manage.py migrate --no-input

seed: migrate
	DEBUG=true $(BIN)/python manage.py seed_demo --if-empty

# gunicorn with DEBUG off, hashed static files and a secret made once into .local/
# (scripts/serve), the task worker that sends the email beside it: Ctrl-C stops both.
run: seed
	PYTHON_BIN=$(BIN)/python scripts/serve $(HOST):$(PORT)

# Django's development server with DEBUG on (reloads on change, static from the source).
dev: seed
	DEBUG=true PYTHON_BIN=$(BIN)/python scripts/with-worker $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests, from Debian's package (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium

test: venv-dev browser
	$(BIN)/pytest $(PYTEST_ARGS)

# Refresh the vendored GOV.UK Frontend, MoJ Frontend, Chart.js and axe-core (needs npm).
assets:
	scripts/build-assets

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy

format: venv-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole database to a new file, and back into a new, empty database:
#   make backup FILE=engagement-2026-11-29.backup     make restore FILE=...
backup: venv
	$(if $(FILE),,$(error Say where: make backup FILE=path/to/new.backup))
	$(BIN)/python manage.py backup_database "$(FILE)"

restore: venv
	$(if $(FILE),,$(error Say which: make restore FILE=path/to/file.backup))
	$(BIN)/python manage.py restore_database "$(FILE)"

check-deploy: venv
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdefghij \
	ALLOWED_HOSTS=example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles test-output
