# Set-up is two commands on a fresh clone: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo doctor test test-without-harfbuzz-subset lint typecheck docx-templates packaging-check readme bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# doctor stops the demo with its advice when a library PDFs need is missing.
demo: $(STAMP)
	$(BIN)/unionkit doctor --quiet
	$(BIN)/unionkit build examples -o out

doctor: $(STAMP)
	$(BIN)/unionkit doctor

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests scripts
	$(BIN)/ruff format --check toolkit tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# mypy runs beside pytest rather than before it: it is one process, and the suite leaves a
# core free while its processes start and finish. Its report follows the suite's; either
# failing fails the target. Python keeps compiled modules (and pytest its rewritten tests)
# for the suite's many Python processes even where the environment turns that off.
test: lint
	@rm -f .mypy.log; ($(BIN)/mypy > .mypy.log 2>&1; echo $$? > .mypy.status) & \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest; tests=$$?; wait; \
	echo "$(BIN)/mypy"; cat .mypy.log; typed=$$(cat .mypy.status); rm -f .mypy.log .mypy.status; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

# The whole suite once more with libharfbuzz-subset hidden from the dynamic loader (an empty
# file of its name first on the search path), as on a machine without it (CI runs this).
HIDDEN_LIBS := $(CURDIR)/.hidden-libs
test-without-harfbuzz-subset: $(STAMP)
	mkdir -p $(HIDDEN_LIBS)
	for name in libharfbuzz-subset.so.0 libharfbuzz-subset.so; do : > $(HIDDEN_LIBS)/$$name; done
	LD_LIBRARY_PATH=$(HIDDEN_LIBS) $(BIN)/unionkit doctor | grep -q "HarfBuzz subsetter: missing"
	LD_LIBRARY_PATH=$(HIDDEN_LIBS) $(BIN)/python -m pytest -p no:cacheprovider

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
	rm -rf out .packaging-venv .packaging-out .hidden-libs dist build

# Rewrite the README's field reference from the models.
readme: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from toolkit.reference import update_readme; p = Path('README.md'); p.write_text(update_readme(p.read_text()))"

# Speed and memory as ratios measured in one run (not a test: targets, not assertions).
bench: $(STAMP)
	$(BIN)/python bench/run.py
