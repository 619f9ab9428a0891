# The two commands of the README:
#   make book   create .venv if needed, execute every chapter (full budget), build _build/html
#   make test   the whole test suite (quick budget): pytest, nbval on every chapter, site check
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

.PHONY: book test env clean check-book

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
	RNNBOOK_BUDGET=full $(BIN)/jupyter-book build . -n -W --keep-going
	@echo "Open _build/html/index.html"

test: $(STAMP)
	RNNBOOK_BUDGET=quick $(BIN)/python tools/book_check.py _build/check
	RNNBOOK_BUDGET=quick $(BIN)/python -m pytest tests book \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider

clean:
	rm -rf _build
