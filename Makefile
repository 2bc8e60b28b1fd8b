# Enlace: `make run` starts the whole stack here, `make test` runs the whole suite.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON := /usr/bin/python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Parallel test runs on one machine use different Redis databases and TEST_DATABASE_NAME values.
TEST_REDIS_DB ?= 1

SERVICE_ENV := $(shell scripts/services.sh env)
# Two roles: the application's (DATABASE_URL) and the owner's, for migrate alone (docs/security.md).
export DATABASE_URL ?= $(word 1,$(subst DATABASE_URL=,,$(filter DATABASE_URL=%,$(SERVICE_ENV))))
export DATABASE_OWNER_URL ?= $(word 1,$(subst DATABASE_OWNER_URL=,,$(filter DATABASE_OWNER_URL=%,$(SERVICE_ENV))))
LOCAL_REDIS := $(subst REDIS_URL=,,$(filter REDIS_URL=%,$(SERVICE_ENV)))

.PHONY: run test stop clean lint backup restore bench system system-test venv services env messages messages-update migrate

system:
	@scripts/system-deps.sh run

system-test:
	@scripts/system-deps.sh test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

venv: $(VENV)/.installed

env:
	@scripts/write-env.sh

services: system
	@scripts/services.sh start
	@mkdir -p .local/static

messages: venv
	@$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore '.local' -v 0

migrate: venv services env
	$(BIN)/python manage.py migrate --noinput -v 0

run: system venv env services messages migrate
	@if $(BIN)/python manage.py help load_demo >/dev/null 2>&1; then $(BIN)/python manage.py load_demo; fi
	@echo "Enlace is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it; make stop from another shell)"
	@echo $$$$ > .local/run.pid; export REDIS_URL=$(LOCAL_REDIS) WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH"; exec env -u DATABASE_OWNER_URL $(BIN)/honcho -f Procfile.dev start

# Tests use their own database (test_enlace, made and dropped by pytest-django) and Redis
# database 1, so they never touch the data `make run` shows.
test: system-test venv env services messages
	REDIS_URL=$(patsubst %/0,%/$(TEST_REDIS_DB),$(LOCAL_REDIS)) $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Encrypted dump of the database (without the handoff data keys) into backups/ (BACKUP_DIR);
# BACKUP_KEY (32 bytes, base64) comes from the environment. See README, "Backups".
backup: venv
	$(BIN)/python scripts/backup.py backup

# make restore FILE=backups/enlace-….dump.enc TARGET=postgis://…/empty_db [KEYS_FROM=postgis://…/live_db]
restore: venv
	@test -n "$(FILE)" -a -n "$(TARGET)" || { echo "usage: make restore FILE=… TARGET=postgis://…/empty_db [KEYS_FROM=…]"; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(FILE)" --target "$(TARGET)" $(if $(KEYS_FROM),--keys-from "$(KEYS_FROM)")

stop:
	@if [ -f .local/run.pid ] && kill -0 "$$(cat .local/run.pid)" 2>/dev/null; then \
	  kill -TERM "$$(cat .local/run.pid)"; \
	  for i in $$(seq 50); do kill -0 "$$(cat .local/run.pid)" 2>/dev/null || break; sleep 0.2; done; \
	  echo "web, worker and beat stopped"; fi
	@rm -f .local/run.pid
	@scripts/services.sh stop

clean:
ifeq ($(FORCE),1)
	-@$(MAKE) --no-print-directory stop
	@if [ -L .local/pg ]; then rm -rf "$$(readlink -f .local/pg)"; fi
	rm -rf .local $(VENV)
else
	@echo "This deletes the local database, Redis data and .venv. Run: make clean FORCE=1"; exit 1
endif

# The benchmark (bench/README.md): a synthetic directory of BENCH_SERVICES (100000) services in its
# own database, gunicorn as in production, wrk at concurrency 1, 8 and 32; writes bench/results/.
bench: venv env services messages
	@scripts/system-deps.sh bench
	REDIS_URL=$(LOCAL_REDIS) $(BIN)/python bench/run.py

# Adds new messages to every interface language's catalogue (English is the source and needs
# none); translate them, then `make messages` compiles.
CATALOGUE_LANGUAGES := es pt fr ht
messages-update: venv
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(CATALOGUE_LANGUAGES)) -d django -e html,txt,py --no-obsolete -i .venv -i .local -i tests -i bench
	@if ls static/js/*.js >/dev/null 2>&1; then $(BIN)/python manage.py makemessages $(addprefix -l ,$(CATALOGUE_LANGUAGES)) -d djangojs --no-obsolete -i .venv -i .local -i tests -i bench -i '.local/*'; fi
