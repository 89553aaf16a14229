# luoshi — the two front-door commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= luoshi.duckdb
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the versions the suite passed with: every install below is held to them (README.md, "Dependencies")
CONSTRAINTS = constraints.txt

.PHONY: demo test install install-test browser postgres bench docs lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test,bench]'

# Debian's chromium drives the browser tests (Playwright cannot download browsers here); it needs
# fonts-noto-cjk to draw Chinese.
browser:
	@{ command -v chromium && dpkg -s fonts-noto-cjk; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; fi; }

demo: install
	$(BIN)/luoshi --db $(DB) demo
	@if $(BIN)/luoshi serve --help >/dev/null 2>&1; then \
	  echo "serving the demo workspace at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"; \
	  $(BIN)/luoshi --db $(DB) serve --host $(HOST) --port $(PORT); fi

test: install-test browser
	$(BIN)/python -m pytest -q

# The scale benchmark runs PostgreSQL (Debian's package) as a baseline, started by the script itself.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; fi; }

bench: install-test postgres
	$(BIN)/python bench/scale.py --size M

# The generated reference docs (tests/test_docs.py fails when they are out of date).
docs: install
	$(BIN)/python -m luoshi.domain.errors_doc docs/errors.md
	$(BIN)/python -m luoshi.cli.reference docs

# Move to the newest versions within pyproject.toml's ranges, run the suite with them, and pin them.
lock: $(BIN)/python browser
	$(BIN)/pip install --quiet --upgrade -e '.[test,bench]'
	$(BIN)/python -m pytest -q
	{ echo "# The versions the test suite passed with: every install target of the Makefile installs these (pip -c)."; \
	  echo "# Written by \`make lock\` (see README.md, \"Dependencies\"); do not edit by hand."; \
	  $(BIN)/pip freeze --exclude-editable; } > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) $(DB) $(DB).wal .pytest_cache
