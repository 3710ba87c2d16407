# The two Quick start commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test checks pytest pytest-fast pytest-fast-coverage pytest-slow pytest-slow-coverage pytest-browser pytest-server pytest-backup lint format messages makemessages install install-dev bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages

# Compiled catalogues are build output (.mo files are not committed); Babel needs no system gettext.
# Every catalogue is compiled and its statistics printed; the target then fails if pybabel reported
# an error or skipped a catalogue (a fuzzy header leaves no .mo, so the pages would fall back to English).
messages:
	@status=0; \
	for dir in $$(find giamngheo -type d -name LC_MESSAGES); do \
	  for po in $$dir/*.po; do \
	    [ -f "$$po" ] || continue; \
	    out=$$($(BIN)/pybabel compile --statistics -i "$$po" -o "$${po%.po}.mo" 2>&1) || status=1; \
	    printf '%s\n' "$$out" | grep -v '^$$'; \
	    case "$$out" in *skipping*) status=1;; esac; \
	  done; \
	done; \
	[ $$status -eq 0 ] || echo "make messages: a catalogue has errors (see above)" >&2; \
	exit $$status

makemessages:
	cd giamngheo && ../$(BIN)/giamngheo makemessages -l vi --no-location --ignore 'standards/*'
	$(MAKE) messages

# The demo runs as production does (DEBUG off, so no debug pages and no URL list on a 404), over
# plain http on loopback; its secret key is generated once and kept in $(VAR)/secret_key.
VAR ?= $(or $(GIAMNGHEO_VAR_DIR),var)
DEMO_ENV := DEBUG=0 SECRET_KEY_FILE=$(VAR)/secret_key ALLOWED_HOSTS=127.0.0.1,localhost SECURE_COOKIES=0

$(VAR)/secret_key:
	mkdir -p $(VAR)
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

demo: install $(VAR)/secret_key
	$(DEMO_ENV) $(BIN)/giamngheo migrate --noinput
	$(DEMO_ENV) $(BIN)/giamngheo demo
	$(DEMO_ENV) $(BIN)/giamngheo collectstatic --noinput
	$(DEMO_ENV) $(BIN)/giamngheo serve

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

checks: install-dev
	$(BIN)/giamngheo makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=deploy-check-$$(date +%s)-not-a-real-secret-but-long-enough-for-django ALLOWED_HOSTS=example.org \
	  $(BIN)/giamngheo check --deploy --fail-level ERROR

# The whole suite in one run (plain `pytest` does the same).
pytest: checks
	$(BIN)/pytest $(PYTEST_ARGS)

# Tiers: every test is in exactly one, taken in the order backup, server, browser, slow, fast.
# The fast and slow tiers run on XDIST workers (one SQLite file or PostgreSQL database each); the others
# start servers, browsers or databases of their own and run one test at a time. In the fast tier
# loadfile keeps a module on one worker, so the view matrix's world is built once; the slow tier
# cannot use it: schemathesis gives all its operations one test id, and loadfile runs only one.
XDIST ?= -n 2
TIER_FAST := not browser and not server and not backup and not slow
TIER_SLOW := slow and not browser and not server and not backup
TIER_BROWSER := browser and not server and not backup
TIER_SERVER := server and not backup
TIER_BACKUP := backup
# Line coverage (migrations and tests left out) as measured, rounded down: of the fast tier alone,
# and of the fast and slow tiers together (the slow run appends to the fast run's data).
COVERAGE_FLOOR_FAST ?= 90
COVERAGE_FLOOR ?= 93
COVERAGE := --cov=giamngheo --cov-report=term:skip-covered
# Each tier prints its wall time; under CI=true it also has a budget in seconds (.ci/tier). The fast
# tier's budget is about four times its quickest time (266 s with coverage on a quiet machine): on a
# slower 2-core machine the same run took 845 s. All budgets together stay under 70 minutes, inside
# CI's 90-minute limit with the installs.
TIER := .ci/tier
DB_NAME := $(if $(DATABASE_URL), (PostgreSQL), (SQLite))

pytest-fast: install-dev
	$(TIER) "fast$(DB_NAME)" 1200 $(BIN)/pytest $(XDIST) --dist loadfile -m "$(TIER_FAST)" $(PYTEST_ARGS)
pytest-fast-coverage: install-dev
	$(TIER) "fast$(DB_NAME), coverage" 1200 $(BIN)/pytest $(XDIST) --dist loadfile -m "$(TIER_FAST)" $(COVERAGE) --cov-fail-under=$(COVERAGE_FLOOR_FAST) $(PYTEST_ARGS)
pytest-slow: install-dev
	$(TIER) "slow$(DB_NAME)" 540 $(BIN)/pytest $(XDIST) -m "$(TIER_SLOW)" $(PYTEST_ARGS)
pytest-slow-coverage: install-dev  # after pytest-fast-coverage
	$(TIER) "slow$(DB_NAME), coverage" 540 $(BIN)/pytest $(XDIST) -m "$(TIER_SLOW)" $(COVERAGE) --cov-append --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)
pytest-browser: install-dev
	$(TIER) "browser" 240 $(BIN)/pytest -m "$(TIER_BROWSER)" $(PYTEST_ARGS)
pytest-server: install-dev
	$(TIER) "server" 420 $(BIN)/pytest -m "$(TIER_SERVER)" $(PYTEST_ARGS)
pytest-backup: install-dev
	$(TIER) "backup" 360 $(BIN)/pytest -m "$(TIER_BACKUP)" $(PYTEST_ARGS)

# Lint, Django's checks, then every tier (so the whole suite), the fast tier first and measured.
test: lint checks pytest-fast-coverage pytest-slow-coverage pytest-browser pytest-server pytest-backup

bench: install-dev
	$(BIN)/python benchmarks/classify.py
