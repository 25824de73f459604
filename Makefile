# MesoGuide: `make run` serves the site, `make test` runs every test.
# Both set everything up on a fresh clone (Python >= 3.11 and make are enough).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-dev
# The Node tools the checks use (the Nu HTML Checker, Lighthouse), from package-lock.json.
# package.json pins two of lighthouse's "latest" sub-dependencies so `npm ci` stays reproducible.
NODE_STAMP := node_modules/.installed

.PHONY: run test lint format lock install serve bench lighthouse cluster-test clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "MesoGuide needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(NODE_STAMP)

run: $(STAMP)
	mkdir -p data
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py import_content
	$(BIN)/python manage.py create_first_admin
	@echo ""
	@echo "  MesoGuide is at  http://127.0.0.1:$(PORT)/"
	@echo "  The admin is at  http://127.0.0.1:$(PORT)/admin/"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode with gunicorn (gunicorn.conf.py) on PORT: the same set-up as
# `make run`, then DEBUG off and everything else from the environment. The
# site refuses to start, naming what is missing, without SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL, CACHE_URL, EMAIL_URL, SITE_URL, PUBLISHER_NAME,
# PUBLISHER_ADDRESS and PRIVACY_EMAIL.
serve: export DEBUG := off
serve: $(STAMP)
	mkdir -p data
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py shell -c 'from django.core.management import call_command; \
		from articles.models import Article; Article.objects.exists() or call_command("import_content")'
	$(BIN)/python manage.py collectstatic --no-input -v 0
	PORT=$(PORT) $(BIN)/gunicorn mesoguide.wsgi:application

# Requests/s, p50 and p99 of a static file, cached and uncached pages, and Wagtail 8 serving
# the same article (bench/run.py; needs wrk and Redis; installs .venv-wagtail/ the first time).
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Two gunicorn app servers behind Varnish (deploy/varnish.vcl) on the machine's
# PostgreSQL and Redis: publish/unpublish reach every server and the cache within
# 1 s, editors work on either, view counts add up, a rolling restart and a killed
# server lose no request; prints the figures (tests/cluster/run.py; needs varnish,
# and wrk for requests/s). CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL choose where.
cluster-test: $(STAMP)
	$(BIN)/python tests/cluster/run.py

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency after editing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

# Lighthouse 12 scores of the home page and an article, mobile and desktop,
# against a fresh copy of the site served as in production (see .ci/lighthouse.py).
lighthouse: $(STAMP) $(NODE_STAMP)
	$(BIN)/python .ci/lighthouse.py

clean:
	rm -rf $(VENV) .venv-wagtail node_modules staticfiles .pytest_cache .ruff_cache test-artifacts
