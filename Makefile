# luoshi — the two front-door commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= luoshi.duckdb
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the versions the suite passed with: every install below is held to them (README.md, "Dependencies")
CONSTRAINTS = constraints.txt

.PHONY: demo test install install-test browser axe postgres bench docs lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test,bench]'

# Debian's chromium drives the browser tests (Playwright cannot download browsers here); it needs
# fonts-noto-cjk to draw Chinese.  The tests also put axe-core into every page (below).
browser: axe
	@{ command -v chromium && dpkg -s fonts-noto-cjk; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; fi; }

# axe-core, the accessibility checker the browser tests put into every page (WCAG 2.1 A and AA), from the
# npm registry at a pinned version, its tarball checked against the registry's integrity hash; build/ is
# not committed.  Debian's npm is installed when npm is missing.
AXE_VERSION   = 4.14.1
AXE_INTEGRITY = sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR       = build/axe-core-$(AXE_VERSION)

axe: $(AXE_DIR)/axe.min.js

$(AXE_DIR)/axe.min.js:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; fi; }
	mkdir -p $(AXE_DIR)
	cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	@test "sha512-$$(openssl dgst -sha512 -binary $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz | base64 -w0)" = "$(AXE_INTEGRITY)" \
	  || { echo "axe-core-$(AXE_VERSION).tgz does not match its integrity hash" >&2; rm -rf $(AXE_DIR); exit 1; }
	tar -xzf $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR) --strip-components=1 package/axe.min.js package/LICENSE

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
