# The two Quick start commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test pytest lint format messages makemessages install install-dev bench

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
messages:
	@for dir in $$(find giamngheo -type d -name LC_MESSAGES); do \
	  for po in $$dir/*.po; do \
	    [ -f "$$po" ] && $(BIN)/pybabel compile --statistics -i "$$po" -o "$${po%.po}.mo" 2>&1 | grep -v '^$$' || true; \
	  done; \
	done

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

pytest: install-dev
	$(BIN)/giamngheo makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=deploy-check-$$(date +%s)-not-a-real-secret-but-long-enough-for-django ALLOWED_HOSTS=example.org \
	  $(BIN)/giamngheo check --deploy --fail-level ERROR
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest

bench: install-dev
	$(BIN)/python benchmarks/classify.py
