# Two commands set everything up on a machine that has only python3 (3.11):
#   make book   build the website into _build/html
#   make test   run every check (lint, rdlib tests, notebook outputs, warning-free build)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_HTML := _build/html/index.html

BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

.PHONY: book test lint unit nbval build-strict outputs bench clean help

help:
	@echo "make book   build the book into _build/html (creates .venv on first use)"
	@echo "make test   lint, rdlib tests, nbval over every chapter, warning-free build"
	@echo "make outputs  re-execute the chapters in place (after editing one)"
	@echo "make bench  benchmarks: Blahut-Arimoto against dit, pruning limits against HiGHS"
	@echo "make clean  remove _build (keeps .venv)"

# The environment is rebuilt from scratch whenever requirements.txt or
# pyproject.toml is newer than the last install, so stale packages never linger.
$(STAMP): requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (rdlib)" > /dev/null
	@# Build matplotlib's font cache now, so its one-time notice never lands in a chapter's output.
	$(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build .
	@echo
	@echo "Book built. Open file://$(CURDIR)/$(BOOK_HTML)"

test: lint unit nbval build-strict
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/pytest

nbval: $(STAMP)
	$(BIN)/pytest --nbval chapters

# A full rebuild (--all) so warnings from pages left over from an earlier build
# are reported again; notebook execution still comes from the cache.
build-strict: $(STAMP)
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# Re-run every chapter (or CHAPTERS="chapters/NN-x.ipynb ...") and store its outputs.
outputs: $(STAMP)
	$(BIN)/python scripts/execute_chapters.py $(CHAPTERS)

# The benchmark has its own environment: dit is a reference to measure against,
# not a dependency of the book.
$(BENCH_STAMP): benchmarks/requirements.txt pyproject.toml
	rm -rf $(BENCH_VENV)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/ba_vs_dit.py
	$(BENCH_VENV)/bin/python benchmarks/pruning_speed.py

clean:
	rm -rf _build
