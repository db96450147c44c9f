# Set-up is two commands on a fresh clone: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck docx-templates packaging-check readme bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/unionkit build examples -o out

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests scripts
	$(BIN)/ruff format --check toolkit tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

# Rebuild the committed DOCX templates from scripts/make_docx_templates.py.
docx-templates: $(STAMP)
	$(BIN)/python scripts/make_docx_templates.py

# A non-editable install into a fresh venv must build every example (CI runs this).
packaging-check: $(STAMP)
	rm -rf .packaging-venv .packaging-out
	$(PYTHON) -m venv .packaging-venv
	.packaging-venv/bin/python -m pip install --quiet .
	cd / && $(CURDIR)/.packaging-venv/bin/unionkit build $(CURDIR)/examples -o $(CURDIR)/.packaging-out
	$(BIN)/python scripts/check_example_outputs.py .packaging-out
	rm -rf .packaging-venv .packaging-out

clean:
	rm -rf out .packaging-venv .packaging-out dist build

# Rewrite the README's field reference from the models.
readme: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from toolkit.reference import update_readme; p = Path('README.md'); p.write_text(update_readme(p.read_text()))"

# Speed and memory as ratios measured in one run (not a test: targets, not assertions).
bench: $(STAMP)
	$(BIN)/python bench/run.py
