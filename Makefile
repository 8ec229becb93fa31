# Set-up and everyday targets. Nothing but Python >= 3.11 and the package registries is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: run test lint check bench bench-quick serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: install, build the site from the shipped content, say where it is
run: $(STAMP)
	$(BIN)/l10n build
	@echo "Open $(CURDIR)/output/index.html"

## make test: install, then lint, type-check and run the whole test suite
test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/deptry .

## make check: the publication gate CI runs on the shipped project
check: $(STAMP)
	$(BIN)/l10n check

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench.run --quick

serve: $(STAMP)
	$(BIN)/l10n serve

clean:
	rm -rf $(VENV) output .l10n
