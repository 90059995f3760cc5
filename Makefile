# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch first, CPU build, so pip does not pull a multi-GB CUDA build for sentence-transformers.
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench venv clean constraints

venv: $(STAMP)

# constraints.txt pins every package to the releases the tests last passed with: a fresh machine gets the
# same set as CI and the image.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

# Re-resolve every dependency to the newest releases pyproject.toml allows and pin them (run the tests after).
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet "$(TORCH)"
	.venv-constraints/bin/pip install --quiet -e ".[test]"
	{ sed -n '1,2p' constraints.txt; .venv-constraints/bin/pip freeze --exclude-editable | sed 's/+cpu$$//'; } \
		> constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf .venv-constraints

demo: $(STAMP)
	$(BIN)/upskill demo

test: $(STAMP)
	$(BIN)/python -m tests.prerequisites
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .upskill
