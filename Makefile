# Legis — two commands: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run test setup lint check messages demo clean bench scaleout

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(VENV)/.installed
	$(PY) manage.py compile_catalogs

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Legis is starting on http://$(HOST):$(PORT)/  (Wagtail admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Demo logins (password: $${DEMO_PASSWORD:-legis-demo}):"
	@echo "  trainee1@example.org, trainee2@example.org  trainees, cohort A"
	@echo "  trainee3@example.org                        trainee, cohort B"
	@echo "  tutor1@example.org / tutor2@example.org     tutors of cohort A / B"
	@echo "  academy@example.org                         institution admin"
	@echo "  editor@example.org                          curriculum editor (Wagtail admin)"
	@echo "  admin@example.org                           superuser"
	@echo ""
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) --websocket_connect_timeout 30 lms.asgi:application

test: setup
	@bash .ci/ensure-chromium
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

messages: setup  ## re-extract interface strings into locale/*/LC_MESSAGES (needs GNU gettext)
	$(PY) manage.py makemessages -l ar -l zh_Hans -l fr -l ru -l es $(MSG_IGNORE)
	$(PY) manage.py makemessages -d djangojs -l ar -l zh_Hans -l fr -l ru -l es $(MSG_IGNORE) --ignore="*/node_modules/*"

MSG_IGNORE = --ignore=.venv --ignore=staticfiles --ignore=test-artifacts --ignore=tests --ignore=bench --ignore=deploy --ignore="interop/package_assets/*"

bench: setup
	$(PY) bench/run.py $(ARGS)

# N daphne processes on loopback over PostgreSQL and Redis (docs/deploy.md), e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1/legis_local make scaleout N=3 ARGS="--private-redis 6391 --nginx 8080"
scaleout: setup
	$(PY) deploy/scaleout.py -n $(or $(N),2) $(ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts db.sqlite3
