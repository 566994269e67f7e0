# The two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
INDEX ?= $(or $(SEARCH_SERVICE_INDEX),index)

.PHONY: run test install index chromium peers lint bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Builds the index from the bundled reports unless a readable one exists (an
# index of an older format, which the service refuses, is rebuilt). Exit 75
# means a cron rebuild holds the lock: its index will appear, so do not fight it.
index: $(STAMP)
	@if [ ! -f "$(INDEX)/CURRENT" ] || ! $(BIN)/search-service index stats --index "$(INDEX)" >/dev/null 2>&1; then \
	  $(BIN)/search-service index build -v --index "$(INDEX)" || [ $$? -eq 75 ]; \
	fi

run: index
	SEARCH_SERVICE_INDEX="$(INDEX)" $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - wsgi:app

# Debian's chromium for the browser tests, and a CJK font so that the
# screenshots show Chinese rather than empty boxes.
chromium:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'wqy' || { \
	  echo "installing Debian's chromium and fonts-wqy-microhei for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# The benchmark's peers: Tantivy (the `bench` extra, into the venv) and
# Debian's groonga-bin. About 5 s when missing (5 MB wheel, 2 MB of debs), so
# `make test` installs them too and tests/test_bench_smoke.py runs both.
peers: $(STAMP)
	@$(BIN)/python -c 'import tantivy' 2>/dev/null || { \
	  echo "installing the bench extra (tantivy)"; \
	  $(BIN)/python -m pip install --quiet -e '.[bench]'; }
	@command -v groonga >/dev/null 2>&1 || { \
	  echo "installing Debian's groonga-bin for the benchmark's Groonga peer"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq groonga-bin >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) chromium peers lint
	BENCH_PEERS_REQUIRED=1 $(BIN)/python -m pytest

bench: peers
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) build *.egg-info
