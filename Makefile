# Corridor: `make demo` and `make test` work on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Screening's inner loops, compiled to C by mypyc: a screening takes half the time. The
# sources stay the reference (and what runs wherever a compiled module is absent); the
# stamp rebuilds them whenever a source changes.
NATIVE := corridor/screening/names.py corridor/screening/engine.py \
	corridor/screening/ranking.py
# What the compiled modules take types and constants from: a change there rebuilds them.
NATIVE_READS := corridor/names/analysis.py corridor/names/identifiers.py \
	corridor/screening/index.py corridor/errors.py
NATIVE_STAMP := $(VENV)/.native-stamp
DEMO_HOME := $(CURDIR)/out/demo-home

.PHONY: install demo test test-fast lint bench lock clean trade-report

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt pip setuptools wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

$(NATIVE_STAMP): $(STAMP) $(addprefix src/,$(NATIVE) $(NATIVE_READS)) pyproject.toml
	cd src && ../$(BIN)/python ../scripts/build-native $(NATIVE) > build-native.log 2>&1 \
		|| { cat build-native.log; exit 1; }
	@# An unchanged C file is not copied again: date the modules from this build.
	cd src && touch $(addsuffix *.so,$(NATIVE:.py=))
	@touch $(NATIVE_STAMP)

install: $(STAMP) $(NATIVE_STAMP)

## demo: load the example lists (fresh demo database each run) and print the summary
demo: install
	rm -rf $(DEMO_HOME)
	CORRIDOR_HOME=$(DEMO_HOME) $(BIN)/corridor demo

## test: lint, then every test, with a throw-away PostgreSQL server for the store tests
test: install lint
	@url=$$(scripts/pg-test-server start) && \
	trap 'scripts/pg-test-server stop' EXIT && \
	CORRIDOR_TEST_POSTGRES_URL=$$url $(BIN)/pytest -q $(PYTEST_ARGS)

## test-fast: tests without starting PostgreSQL (its tests skip)
test-fast: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/lists.py
	$(BIN)/python bench/screening.py --speed
	$(BIN)/python bench/ownership.py
	$(BIN)/python bench/fleet.py
	$(BIN)/python bench/trade.py
	$(BIN)/python bench/shipments.py
	$(BIN)/python bench/api.py

## trade-report: load ../shared/data/trade into out/trade-home and write out/report.html
trade-report: install
	CORRIDOR_HOME=$(CURDIR)/out/trade-home $(BIN)/corridor trade load ../shared/data/trade
	CORRIDOR_HOME=$(CURDIR)/out/trade-home $(BIN)/corridor trade report -o out/report.html

## lock: re-pin every dependency to what is installed now
lock:
	$(BIN)/pip freeze --all --exclude-editable | grep -v -e "^-e" -e "^corridor" > constraints.txt

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		src/build src/build-native.log src/.mypy_cache
	find src -name '*.so' -delete
