# backstretch-kit: two commands for a fresh clone with Python 3.11 and make.
#   make lab   - set up .venv and open the workbook in JupyterLab
#   make test  - set up .venv with the test tools and run every check
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
START := notebooks/00-Start-Here.ipynb
# Test processes for `make test`: one more than the cores, since the browser tests spend
# part of their time waiting (on timers, kernels, servers); more only adds contention for
# the timing tests. JOBS=1 runs everything in one process.
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

# Open a browser only where there is a screen to show it on.
ifeq ($(DISPLAY)$(WAYLAND_DISPLAY),)
LAB_FLAGS += --no-browser
endif
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ifeq ($(shell id -u),0)
LAB_FLAGS += --allow-root
endif

.PHONY: lab test test-env lint format workshop benchmarks clean

# uv installs the stack in a fraction of pip's time (parallel downloads and installs,
# bytecode compiled on every core); it comes from PyPI and lives in the venv only. Bytecode
# is compiled at install time, as pip does, because with PYTHONDONTWRITEBYTECODE=1 (set on
# these machines) nothing writes it later and every kernel would compile its imports anew.
INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.5"

# The stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.workbook-installed: pyproject.toml | $(BIN)/uv
	$(INSTALL) -e ".[workbook]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/uv
	$(INSTALL) -e ".[workbook,test]"
	touch $@ $(VENV)/.workbook-installed

# the set-up of `make test` alone (.ci/run installs chromium meanwhile)
test-env: $(VENV)/.test-installed

lab: $(VENV)/.workbook-installed
	$(BIN)/jupyter lab $(LAB_FLAGS) $(START)

test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# Every check in one run: unit tests, doctests, the notebooks (nbval) and the real-browser
	# tests, spread over $(JOBS) processes so that the browser tests' waiting overlaps the
	# rest. Each file stays in one process, in order (a notebook's cells share a kernel, a
	# browser module its servers); files go out in collection order, so the long browser
	# modules (tests/browser sorts first) start first. pytest exits 5 when it collects no
	# test; make treats that as the failure it is.
	$(BIN)/python -m pytest tests notebooks backstretch_kit --doctest-modules --nbval-lax \
		--nbval-current-env -p no:cacheprovider --durations=10 \
		-n $(JOBS) --dist loadfile --no-loadscope-reorder

lint: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

workshop: $(VENV)/.workbook-installed
	$(BIN)/backstretch workshop --port $(PORT)

benchmarks: $(VENV)/.test-installed
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache
