# The two commands of the README:
#   make demo  — set up, build the graph from the notes (validated), answer a saved query,
#                write the browsable site (dist/site/index.html)
#   make test  — set up, then lint, type-check, format-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check servers setup install lint bench clean

# Two installs: the product alone (what `make demo` needs: the tradekg command and its
# libraries), and the test tools on top of it (pytest, hypothesis, ruff, mypy and the type
# stubs of the `test` extra) for `make test`, `make check` and developers (`make setup`).
# Each is redone only when pyproject.toml changes.
$(BIN)/tradekg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $(BIN)/tradekg

$(BIN)/pytest: pyproject.toml $(BIN)/tradekg
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(BIN)/pytest

install: $(BIN)/tradekg

setup: $(BIN)/tradekg $(BIN)/pytest

demo: install
	$(BIN)/tradekg build
	$(BIN)/tradekg query tariffs-at-or-above-rate --param imposer=USA --param rate=19
	$(BIN)/tradekg site
	@echo "The graph to browse: open dist/site/index.html in a browser (no network needed)."

lint: setup
	$(BIN)/ruff check loader tests bench conftest.py
	$(BIN)/ruff format --check loader tests bench conftest.py
	$(BIN)/mypy

# `make test` first installs (or checks) the real servers and browser the tests use:
# Virtuoso, Java + Jena, Chromium, Graphviz (apt, .ci/install.sh — the script CI runs too);
# it exits non-zero with the command to run when they are missing and cannot be installed,
# unless TRADEKG_SKIP_SERVERS=1. `make check` is the developers' fast loop: lint, types and
# the tests that need no server or browser.
servers: setup
	bash .ci/install.sh

test: servers lint
	$(BIN)/tradekg fmt --check
	$(BIN)/pytest -rs

# No servers, no browser: tests marked `requires` are left out (not skipped), the rest run.
check: lint
	$(BIN)/tradekg fmt --check
	TRADEKG_SKIP_SERVERS=1 $(BIN)/pytest -q -rs -m "not requires"

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf dist .tradekg-cache
