# Papo: `make run` serves on http://127.0.0.1:5000 (SQLite); `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: help install run client test test-slow lint format system-deps bench clean i18n

LOCALES := src/papo/locale
PO_FILES := $(wildcard $(LOCALES)/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
EXTRACT_KEYWORDS := -k N_ -k ApiError:3 -k invalid:2 -k _invalid:2 -k ValidationError:1

help:
	@echo "make run | client | test | test-slow | lint | format | bench | i18n | clean"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.synced $(MO_FILES)

%.mo: %.po $(VENV)/.synced
	$(VENV)/bin/pybabel -q compile -i $< -o $@

# Extract the messages from the code and merge them into every catalog (then translate).
# Two domains: `papo` for the server (src/papo/server), `papo_client` for the desktop client
# (src/papo/client, Babel's default keywords: _, gettext, ngettext, N_ …). The table of error
# codes (src/papo/error_codes.py) is read by both, so its sentences go into both.
SHARED_MESSAGES := src/papo/error_codes.py
i18n: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg $(EXTRACT_KEYWORDS) --no-location \
		--omit-header --sort-output -o $(LOCALES)/papo.pot src/papo/server $(SHARED_MESSAGES)
	$(VENV)/bin/pybabel -q update -i $(LOCALES)/papo.pot -d $(LOCALES) -D papo \
		--no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel -q extract -F babel.cfg --add-comments=Translators: --no-location \
		--omit-header --sort-output -o $(LOCALES)/papo_client.pot src/papo/client \
		$(SHARED_MESSAGES)
	$(VENV)/bin/pybabel -q update -i $(LOCALES)/papo_client.pot -d $(LOCALES) -D papo_client \
		--no-fuzzy-matching --ignore-obsolete

system-deps:
	bash scripts/system-deps.sh

run: install
	$(VENV)/bin/papo serve

client: install
	$(VENV)/bin/papo client

test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -m "not slow"

test-slow: install system-deps
	$(VENV)/bin/pytest -m slow

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks: Papo against Node socket.io and raw ws, in one run (docs/benchmarks.md).
# BENCH_ARGS: --quick, --conns 1000,5000,10000, --no-pg, --no-profile, --no-docs,
#             --wait-quiet SECONDS, --only fanout,capacity,storm,rest,profile,diagnostics
BENCH_ARGS ?=

bench: install system-deps bench/node_modules/.installed
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
