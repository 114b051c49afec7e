# Two commands do all set-up:  `make run` (flagship scenario -> out/mongolia_icc_2024/)
# and `make test` (the test suite). Both create .venv with Python 3.12+ first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# A Python 3.12 or newer: from PYTHON=..., the PATH, or pyenv's installed versions.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done; \
	for p in $$(pyenv root 2>/dev/null)/versions/3.1[3-9]*/bin/python3 $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3 \
	         $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	  [ -x $$p ] && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit; }; \
	done)

.PHONY: run test check venv clean

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "simsim needs Python 3.12 or newer: install it or pass PYTHON=/path/to/python3.12" >&2; exit 2; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,explore]'
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/simsim run scenarios/mongolia_icc_2024.yaml -n 2000 --seed 7 --out out/mongolia_icc_2024

test: venv
	$(VENV)/bin/ruff check simsim tests benchmarks examples
	$(VENV)/bin/mypy simsim
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) out .pytest_cache

# Static checks beyond the test suite: lint and types.
check: venv
	$(VENV)/bin/ruff check simsim tests benchmarks examples
	$(VENV)/bin/mypy simsim
