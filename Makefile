# Developer entry points: `make try` (install and run against a local moto server), `make test`.
PYTHON ?= python3
VENV ?= .venv

.PHONY: try test lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

try: $(VENV)/.installed
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash examples/try-it.sh

test: $(VENV)/.installed
	$(VENV)/bin/ruff check awsmfa_exec tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest

bench: $(VENV)/.installed
	$(VENV)/bin/python bench/run.py
