# The two commands: `make run` serves the site, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test install install-dev lint format migrate seeds serve clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A secret key made once per checkout, so `make run` needs no configuration.
var/secret-key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Everything a newcomer needs: the demo data and accounts, served as in production.
run: install var/secret-key
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret-key)} $(MAKE) --no-print-directory seeds serve

# The same data, served by Django's autoreloading development server with DEBUG on.
dev: install var/secret-key
	$(MAKE) --no-print-directory seeds
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

migrate:
	$(BIN)/python manage.py migrate --noinput

seeds: migrate
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py ensure_demo_accounts

# Production-style: DEBUG off, hashed and compressed static files served by
# WhiteNoise from var/static, gunicorn as configured in briefings/gunicorn.py.
serve: export DEBUG := false
serve: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn -c python:briefings.gunicorn briefings.wsgi

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djhtml --check templates
	git ls-files -z --cached --others --exclude-standard -- '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 5.2 --check

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates
	git ls-files -z --cached --others --exclude-standard -- '*.py' | xargs -0 $(BIN)/django-upgrade --target-version 5.2

# The browser tests drive Debian's Chromium. Install it where we can (root with
# apt-get); otherwise stop before anything else runs, naming the one command.
CHROMIUM ?= /usr/bin/chromium
APT_GET ?= apt-get
chromium:
	@[ -x "$(CHROMIUM)" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v "$(APT_GET)" >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests ($(APT_GET) install -y chromium)"; \
	    $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM). Install it with:" >&2; \
	    echo "    sudo apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; }

test: chromium lint
	SECRET_KEY=$${SECRET_KEY:-insecure-key-for-checks} $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
