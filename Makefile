# backstretch-kit: two commands for a fresh clone with Python 3.11 and make.
#   make lab   - set up .venv and open the workbook in JupyterLab
#   make test  - set up .venv with the test tools and run every check
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
START := notebooks/00-Start-Here.ipynb

# Open a browser only where there is a screen to show it on.
ifeq ($(DISPLAY)$(WAYLAND_DISPLAY),)
LAB_FLAGS += --no-browser
endif
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ifeq ($(shell id -u),0)
LAB_FLAGS += --allow-root
endif

.PHONY: lab test lint format workshop benchmarks clean

# The stamps re-run pip whenever pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.workbook-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[workbook]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[workbook,test]"
	touch $@ $(VENV)/.workbook-installed

lab: $(VENV)/.workbook-installed
	$(BIN)/jupyter lab $(LAB_FLAGS) $(START)

test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# pytest exits 5 when it collects no test; make treats that as the failure it is.
	$(BIN)/python -m pytest tests notebooks backstretch_kit --ignore=tests/browser \
		--doctest-modules --nbval-lax --nbval-current-env -p no:cacheprovider
	# the real-browser tests last, in a process of their own
	$(BIN)/python -m pytest tests/browser -p no:cacheprovider

lint: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

workshop: $(VENV)/.workbook-installed
	$(BIN)/backstretch workshop --port $(PORT)

benchmarks: $(VENV)/.test-installed
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache
