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

.PHONY: help install run client test test-slow lint format system-deps bench clean

help:
	@echo "make run | client | test | test-slow | lint | format | bench | clean"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.synced

system-deps:
	bash scripts/system-deps.sh

run: install
	$(VENV)/bin/papo serve

client: install
	$(VENV)/bin/papo client

test: install system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -m "not slow"

test-slow: install system-deps
	$(VENV)/bin/pytest -m slow

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
