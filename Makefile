# Coverage Reader — developer commands. `make run` and `make test` set everything up.
PYTHON ?= python3
VENV   := .venv
RUN_ARGS ?=
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test dist bench clean system-deps lock

run: $(STAMP)
	$(BIN)/coverage-reader $(RUN_ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

# The benchmark (bench/): prints a table and writes bench/results/bench-<time>.json.
# BENCH_ARGS="--sizes 10000" for a shorter run.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The Linux bundle, .tar.gz and .deb in dist/ (smoke-tested; prints size and start time).
dist: $(STAMP)
	packaging/linux/build.sh $(DIST_ARGS)

system-deps:
	packaging/linux/system-deps.sh

# The environment: a venv installed from the hash-pinned lock file, then the project
# itself (editable, without touching the network again).
$(STAMP): requirements.lock packaging/pip.lock pyproject.toml
	@packaging/linux/system-deps.sh --check >/dev/null || packaging/linux/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r packaging/pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra dist --universal --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
