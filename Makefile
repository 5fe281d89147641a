# The two commands of the README, and a few helpers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test quick setup lint bench clean-db

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/activate

setup: $(BIN)/activate

ARGS ?=
run: setup   # make run ARGS="--server.port 8600": any of streamlit's options
	$(BIN)/python app.py $(ARGS)   # the first page worked out, then served (ui/launch.py)

test: setup   # two workers, one per core, each test file whole on one (its app server once)
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n 2 --dist loadfile

quick: setup   # the daily tier: everything but the real-browser and durability tests
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n 2 --dist loadfile -m "not browser and not slow"

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/run.py

clean-db:  # removes the desk's own store deliberately (its marker too) and the demo's
	rm -f data/orderdesk.duckdb data/orderdesk.duckdb.wal data/orderdesk.duckdb.id \
		data/demo.duckdb data/demo.duckdb.wal data/demo.duckdb.id
