# Two entry points for a fresh clone (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo serve test lint bench mutants samples templates format-docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Run the whole pipeline (check, then build) on the sample files in inputs/ (2020), then the second year:
## the small 2021 campaign in samples/2021/ (a re-proposal flagged, a replicated model), and the years.
demo: $(STAMP)
	$(BIN)/dvk run --as-proposed
	$(BIN)/dvk run --as-proposed -w samples/2021
	$(BIN)/dvk stats --years -w samples/2021

## Open the secretariat's page (dvk serve) on the sample files, in the browser.
serve: $(STAMP)
	$(BIN)/dvk serve

## Lint, format check and type check (mypy on pipeline/), then the default test suite twice: as it is, and
## under the simulated Windows constraints (LibreOffice tests skip when soffice is missing).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --windows-constraints

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## The speed benchmark (issue 6): N synthetic proposals, every stage timed.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench --files 2000

## Mutation testing of the modules that decide results, one module at a time (slow: about an hour on
## 2 cores; not part of `make test`). MODULES="validate cache" runs some of them. Scores: README.
mutants: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,mutants]'
	$(BIN)/python -m tools.mutants $(MODULES)

## Regenerate the committed forms, templates and sample inputs (needs LibreOffice for two samples).
samples: $(STAMP)
	$(BIN)/python -m tools.make_forms
	$(BIN)/python -m tools.make_templates
	$(BIN)/python -m tools.make_samples

## Render docs/*.png: the sample decision and list in both profiles (LibreOffice, pdftoppm), checked first.
format-docs: $(STAMP)
	$(BIN)/python -m tools.make_format_docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .dvk-cache .hypothesis build/mutants
