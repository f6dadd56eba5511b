# Everything a fresh machine with python3 (3.11+) and make needs: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
PORT ?= 8000
# One task worker runs one task at a time; spam checks wait on Akismet, so run a few.
# `run_worker --processes N` starts another whenever one exits (core/workers.py).
TASK_WORKERS ?= 2

# Start the embedded PostgreSQL unless DATABASE_URL points elsewhere; stop it on exit only if
# this command started it.
define with_database
	pg_state=$$($(BIN)/python -m config.embedded_postgres start); \
	stop_db() { if [ "$$pg_state" = started ]; then $(BIN)/python -m config.embedded_postgres stop; fi; }
endef

.PHONY: install run test lint format check-deploy db-stop browser nginx redis auditors clean soak

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

.env:
	@$(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "Wrote a new SECRET_KEY to .env (git-ignored)."

run: install .env
	@set -euo pipefail; export PORT=$(PORT); $(with_database); \
	workers=(); cleanup() { for pid in "$${workers[@]}"; do kill "$$pid" 2>/dev/null || true; done; wait "$${workers[@]}" 2>/dev/null || true; stop_db; }; \
	trap cleanup EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) migrate --noinput -v0; \
	$(MANAGE) load_seed; \
	$(MANAGE) ensure_editor; \
	$(MANAGE) ensure_owner; \
	$(MANAGE) schedule_maintenance; \
	$(MANAGE) check --deploy --tag akismet --fail-level CRITICAL; \
	$(MANAGE) collectstatic --noinput -v0; \
	$(MANAGE) run_worker --processes $(TASK_WORKERS) & workers+=($$!); \
	echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the site, the $(TASK_WORKERS) task workers and the database)"; \
	$(BIN)/gunicorn -c config/gunicorn.py --log-level warning config.wsgi

# Browser tests need Debian's chromium; install it when we may (CI runs as root).
browser:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: browser tests will be skipped (apt-get install chromium)."; fi; \
	fi

# The proxy tests (tests/proxy/) and `make bench` run the repository's nginx config with
# Debian's nginx; install it when we may (CI runs as root).
nginx:
	@if ! command -v nginx >/dev/null && ! test -x /usr/sbin/nginx; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nginx for the proxy tests and the benchmark..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "nginx is missing: proxy tests will be skipped (apt-get install nginx)."; fi; \
	fi

# The two-server and proxy tests share a real Redis cache, as production's processes do;
# install Debian's redis-server when we may (CI runs as root).
redis:
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's redis-server for the two-server and proxy tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "redis-server is missing: the two-server and proxy tests will be skipped (apt-get install redis-server)."; fi; \
	fi

# The auditors the web uses, run by tests/auditors/: the W3C Nu HTML checker (npm vnu-jar, on
# Debian's Java) and axe-core, pinned in tests/auditors/package-lock.json.
AUDITORS := tests/auditors
auditors:
	@if ! command -v java >/dev/null || ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Java and npm for the HTML and accessibility auditors..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm >/dev/null; \
	  else echo "java or npm is missing: the auditor tests will be skipped (apt-get install default-jre-headless npm)."; fi; \
	fi
	@if command -v npm >/dev/null && [ ! $(AUDITORS)/node_modules/.package-lock.json -nt $(AUDITORS)/package-lock.json ]; then \
	  npm ci --prefix $(AUDITORS) --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

# Two test processes (pytest-xdist), each on its own test database, a file's tests kept
# together so its module-wide servers start once: most tests wait on servers, browsers and I/O,
# so two win even on two cores. `make test TEST_PROCESSES=0` runs them all in one process.
TEST_PROCESSES ?= 2
test: install browser nginx redis auditors
	@set -euo pipefail; $(with_database); trap stop_db EXIT; \
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

# The benchmark (docs/performance.md): a throwaway `bench` database, the real stack
# under wrk, a table of figures with their ratios to the trivial view, and bench/results.json.
.PHONY: bench wrk
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's wrk for the benchmark..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: install it with 'sudo apt-get install wrk' and run make bench again."; exit 1; fi; \
	fi

bench: install wrk nginx
	@set -euo pipefail; $(with_database); trap stop_db EXIT; \
	$(BIN)/python -m bench $(BENCH_ARGS)

# Lighthouse (the npm package, pinned: 13 wants Node 22) into the git-ignored .audit/, run
# with Debian's chromium on the article and an imported gallery post (bench/lighthouse.py).
LIGHTHOUSE_VERSION := 12.2.3
.PHONY: audit
.audit/node_modules/.bin/lighthouse:
	@mkdir -p .audit && cd .audit && { test -f package.json || echo '{"private": true}' > package.json; } && \
	npm install --silent --save-exact --no-audit --no-fund lighthouse@$(LIGHTHOUSE_VERSION)

audit: install browser nginx .audit/node_modules/.bin/lighthouse
	@set -euo pipefail; $(with_database); trap stop_db EXIT; \
	$(BIN)/python -m bench.lighthouse

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Minutes of load on a real gunicorn server and task workers, on a throwaway PostgreSQL:
# 50 clients, 2,000 comments plus duplicates. Prints requests, accepted, refused, errors,
# p99 and drain time, and fails if a comment was lost, doubled or left unchecked.
# SOAK_ARGS="--hostile" adds hostile neighbours: a tenth of the clients send oversized,
# malformed, cross-site and duplicate-flood posts beside the honest readers.
soak: install
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$($(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=example.com $(MANAGE) check --deploy --fail-level WARNING

db-stop: install
	$(BIN)/python -m config.embedded_postgres stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
