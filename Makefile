# The two commands of the README:
#   make book   create .venv if needed, execute every chapter (full budget), build _build/html
#   make test   the whole test suite (quick budget): pytest, nbval on every chapter, site check
#   make robust every chapter again (quick budget, nbval only) under other seeds and CPU kernels
#
# Python 3.11 is expected; override with `make PYTHON=python3.12 ...`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Offline copies of the data sets sit in ../shared/data in CI and on the
# authors' machines; readers download the official files (rnnbook.data).
SHARED_DATA := $(abspath $(wildcard ../shared/data))
ifneq ($(SHARED_DATA),)
export RNNBOOK_DATA ?= $(SHARED_DATA)
endif

export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test robust env clean check-book check-site

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

# Execution results are cached by jupyter-cache, which only sees the notebooks'
# code. The cache is cleared when the package, the pins or the budget change.
book: $(STAMP)
	@mkdir -p _build
	@key=$$( (echo full; cat requirements.txt; find src -name '*.py' | LC_ALL=C sort | xargs cat) | sha256sum | cut -c1-16); \
	if [ "$$(cat _build/.exec-key 2>/dev/null)" != "$$key" ]; then \
	  echo "src/, requirements.txt or budget changed: clearing the execution cache"; \
	  rm -rf _build/.jupyter_cache; fi; \
	echo $$key > _build/.exec-key
	@mkdir -p $(CLAIMS)
	$(BIN)/python tools/vendor_static.py
	# TQDM_DISABLE: no progress bars in the pages (a tqdm widget is an empty box on a
	# static site and needs scripts from a CDN); readers running a chapter see them.
	TQDM_DISABLE=1 RNNBOOK_BUDGET=full RNNBOOK_CLAIMS=$(CLAIMS)/book.jsonl $(BIN)/jupyter-book build . -n -W --keep-going
	@echo "Open _build/html/index.html"

NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider
CLAIMS := $(CURDIR)/_build/claims

test: $(STAMP)
	RNNBOOK_BUDGET=quick $(BIN)/python tools/book_check.py _build/check
	@mkdir -p $(CLAIMS); rm -f $(CLAIMS)/test.jsonl
	RNNBOOK_BUDGET=quick RNNBOOK_CLAIMS=$(CLAIMS)/test.jsonl $(BIN)/python -m pytest tests book $(NBVAL)

# The seed sweep: every chapter in the quick budget, once per run in
# ROBUST_RUNS (SEED:ONEDNN, ONEDNN 1 = PyTorch's oneDNN CPU kernels on, 0 = off).
# Every claim must hold in every run. Each training outcome a chapter asserts
# with rnnbook.runtime.claim is recorded, and the ranges are printed at the end.
# One chapter, one more seed, its own claims file:
#   make robust CHAPTERS=book/lstm.ipynb ROBUST_RUNS=3:1 ROBUST_CLAIMS=/tmp/lstm.jsonl
ROBUST_RUNS ?= 1:1 2:0
CHAPTERS ?= book
ROBUST_CLAIMS ?= $(CLAIMS)/robust.jsonl

robust: $(STAMP)
	@mkdir -p $(CLAIMS); rm -f $(ROBUST_CLAIMS); fail=0; \
	for run in $(ROBUST_RUNS); do \
	  seed=$${run%%:*}; onednn=$${run##*:}; \
	  echo "== make robust: RNNBOOK_SEED=$$seed RNNBOOK_ONEDNN=$$onednn"; \
	  RNNBOOK_BUDGET=quick RNNBOOK_SEED=$$seed RNNBOOK_ONEDNN=$$onednn \
	  RNNBOOK_CLAIMS=$(ROBUST_CLAIMS) \
	    $(BIN)/python -m pytest $(CHAPTERS) $(NBVAL) -q || fail=1; \
	done; \
	$(BIN)/python tools/robust_report.py $(ROBUST_CLAIMS); \
	if [ $$fail != 0 ]; then echo "make robust: a chapter failed (see above)"; fi; exit $$fail

# The site in a real browser (headless Chromium, offline): console errors, requests
# outside the site, broken links and anchors, images, unrendered mathematics.
# Checks _build/html (make book) if it exists, else the unexecuted site that
# make test builds (building it first if needed).
check-site: $(STAMP)
	@if [ -f _build/html/index.html ]; then site=_build/html; \
	else site=_build/check/_build/html; \
	  [ -f $$site/index.html ] || RNNBOOK_BUDGET=quick $(BIN)/python tools/book_check.py _build/check >/dev/null; \
	fi; \
	$(BIN)/python tools/check_site.py $$site _build/site-check

clean:
	rm -rf _build _vendor
