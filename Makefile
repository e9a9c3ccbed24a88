# Developer entry points: `make try` (install and run against a local moto server), `make test`.
PYTHON ?= python3
VENV ?= .venv

.PHONY: try test fast lint bench

# One venv, one stamp per set of extras: `make try` installs awsmfa with only what
# examples/try-it.sh runs (the `try` extra: moto's server and the aws CLI); `make test`
# installs the `test` extra (which holds `try`) whenever its own stamp is missing, so a
# .venv that `make try` made gets the test toolchain on the first `make test`.
$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	touch $@

$(VENV)/.installed: pyproject.toml | $(VENV)/.created
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-try: pyproject.toml | $(VENV)/.created
	$(VENV)/bin/pip install -q -e '.[try]'
	touch $@

try: $(VENV)/.installed-try
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash examples/try-it.sh

# The suite runs where only loopback is reachable (tests/loopback-only.sh); the tests in
# tests/e2e/test_loopback_only.py fail anywhere else.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check awsmfa_exec tests bench
	$(VENV)/bin/mypy
	tests/loopback-only.sh $(VENV)/bin/python -m pytest

# The quick loop while editing: everything but the tests marked e2e (tests/conftest.py).
fast: $(VENV)/.installed
	$(VENV)/bin/ruff check awsmfa_exec tests bench
	$(VENV)/bin/python -m pytest -m "not e2e" -q

bench: $(VENV)/.installed
	$(VENV)/bin/python bench/run.py
