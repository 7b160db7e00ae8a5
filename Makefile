# OpenSpine: two commands. `make demo` runs the app with synthetic data; `make test` runs everything.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
SEED_ARGS ?=
# e.g. make bench BENCH_ARGS='--scale-only --operations 30000 --label After' (bench/run.py --help)
BENCH_ARGS ?=

.PHONY: demo test lint install bench serve clean messages

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Questionnaire links (printed by seed_demo, sent by the running demo) must open on the port served.
demo: export OPENSPINE_SITE_URL ?= http://127.0.0.1:$(PORT)
demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --base-url $(OPENSPINE_SITE_URL) $(SEED_ARGS)
	@# Issue 14: the project's own loopback Orthanc (DICOMweb) with the synthetic demo films, if installed;
	@# it prints "PACS: Orthanc on 127.0.0.1:NNNN" or "no Orthanc installed: uploads only".
	@$(BIN)/python manage.py orthanc start --load-demo || true
	@echo "Serving OpenSpine on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	@mkdir -p var
	@# One background worker (exports, imports) and the HL7 MLLP listener live as long as the server does.
	pacs=$$($(BIN)/python manage.py orthanc url); \
	  export OPENSPINE_DICOMWEB_URL=$${OPENSPINE_DICOMWEB_URL:-$$pacs}; \
	  $(BIN)/python manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & worker=$$!; \
	  $(BIN)/python manage.py hl7_listen --port 2575 >var/hl7.log 2>&1 & hl7=$$!; \
	  trap 'kill $$worker $$hl7 2>/dev/null; $(BIN)/python manage.py orthanc stop' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=openspine.settings_test $(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/bandit -q -r openspine spinescores -lll -x '*/migrations/*'
	$(BIN)/python scripts/audit_dependencies.py

COVERAGE_FLOORS := spinescores=99 openspine=94

test: lint
	$(BIN)/pytest -p no:randomly --cov --cov-branch --cov-report=term:skip-covered tests
	@for floor in $(COVERAGE_FLOORS); do \
	  pkg=$${floor%%=*}; min=$${floor#*=}; \
	  $(BIN)/coverage report --include="$$pkg/*" --fail-under=$$min --format=total >/dev/null \
	    || { echo "coverage of $$pkg below its floor of $$min %"; exit 1; }; \
	  echo "coverage $$pkg: $$($(BIN)/coverage report --include="$$pkg/*" --fail-under=0 --precision=2 --format=total) % (floor $$min %)"; \
	done

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
