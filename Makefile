# Helpdesk: `make run` and `make test` do all their own set-up on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEVPORT ?= 8000
# The ticketapi suite runs here too when it answers (trust auth, an expendable database).
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
# The PostgreSQL run, beside the SQLite one, keeps its queue in a Redis database of its own.
REDIS_TEST_URL_PG ?= redis://127.0.0.1:6379/14
CONTENT ?= content
OUTPUT ?= output
SETTINGS ?= pelicanconf.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the test suite needs: Chromium for the browser tests, without the desktop
# packages it recommends (udev, avahi, printer tools) but with the fonts it recommends; npm
# for axe-core; redis-server for the job tests that stop and start a Redis of their own;
# nginx for the scale-out test, which runs docs/deployment.md's configuration; dovecot-imapd
# for the IMAP fetcher's tests, which start a throwaway IMAP server of their own.
DEBIAN_PACKAGES := chromium npm redis-server nginx dovecot-imapd
DEBIAN_EXTRAS := fonts-liberation

.PHONY: install system-deps node-deps run html devserver check lint format test bench screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: install it, or run make PYTHON=python3.12"; exit 1; }
	@[ -x $(BIN)/python ] || { echo "Creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# axe-core (package.json, pinned in package-lock.json) for the accessibility tests.
node-deps: system-deps node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do command -v $$p >/dev/null 2>&1 || [ -x /usr/sbin/$$p ] || \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing $(DEBIAN_EXTRAS); \
	fi

run: install
	$(BIN)/helpdesk build --content $(CONTENT) --output $(OUTPUT) --settings $(SETTINGS)
	$(BIN)/helpdesk db upgrade
	$(BIN)/helpdesk demo
	HELPDESK_PORTAL_DIR=$(OUTPUT) $(BIN)/helpdesk serve --host $(HOST) --port $(PORT)

html: install
	$(BIN)/pelican $(CONTENT) --output $(OUTPUT) --settings $(SETTINGS)

devserver: install
	$(BIN)/pelican --autoreload --listen --bind $(HOST) --port $(DEVPORT) $(CONTENT) --output $(OUTPUT) --settings $(SETTINGS)

check: install
	$(BIN)/helpdesk check --content $(CONTENT) --settings $(SETTINGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install system-deps node-deps lint
	BIN=$(BIN) PG_TEST_URL="$(PG_TEST_URL)" REDIS_TEST_URL="$(REDIS_TEST_URL)" \
		REDIS_TEST_URL_PG="$(REDIS_TEST_URL_PG)" scripts/run-tests

bench: install
	$(BIN)/python bench/build.py
	$(BIN)/python bench/glossary.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/sla.py

screenshots: install system-deps
	$(BIN)/helpdesk build --content $(CONTENT) --output $(OUTPUT) --settings $(SETTINGS)
	$(BIN)/python scripts/screenshots.py $(OUTPUT) docs/screenshots
	$(BIN)/python scripts/agent_screenshots.py docs/screenshots $(OUTPUT)

clean:
	rm -rf $(OUTPUT) .pytest_cache .ruff_cache .pytest-postgresql.log
