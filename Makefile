# The README's two commands are `make demo` and `make test`. Everything runs from .venv,
# created here from nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
# Links in the demo's emails point at the port the demo serves (SITE_URL in the environment wins).
SITE_URL ?= http://127.0.0.1:$(PORT)
DEMO_ENV := DEBUG=1 SITE_URL=$(SITE_URL)

.PHONY: demo test lint bench messages check-messages trust clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

demo: $(STAMP)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo --summit demo
	$(DEMO_ENV) $(PY) manage.py seed_demo_workshops --summit demo
	$(DEMO_ENV) $(PY) manage.py demo_logins --summit demo
	@echo "Summit demo: http://127.0.0.1:$(PORT)/summits/demo/  (API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages --locale es --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	DEBUG=1 $(PY) manage.py compilemessages --locale es --ignore '.venv/*'

check-messages: $(STAMP)
	DEBUG=1 $(PY) -m summit.i18n_check

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# Trust figures (issue 9): authorization matrix, fuzzing, hostile inputs, faults and load.
trust: $(STAMP)
	$(PY) bench/run.py trust

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache db.sqlite3* .test-db.sqlite3* media staticfiles
