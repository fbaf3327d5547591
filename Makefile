# Rebond — the two commands: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

# The first interpreter of that version that actually runs (pyenv shims may not).
find_python = $(shell for c in $$(ls -d $(HOME)/.pyenv/versions/$(1).*/bin/python$(1) /root/.pyenv/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -rV) $$(command -v python$(1)); do "$$c" -c 'import sys' >/dev/null 2>&1 && { echo "$$c"; break; }; done)
PYTHON312 ?= $(call find_python,3.12)
PYTHON310 ?= $(call find_python,3.10)

VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
MODEL := models/rebond.tar.gz
# Rasa's own training data (data/feedback/ holds the feedback analyzer's labelled texts).
RASA_DIRS := data/nlu data/rules data/stories
RASA_DATA := config.yml domain.yml $(shell find $(RASA_DIRS) -name '*.yml' 2>/dev/null)
PIP_FLAGS := -q --disable-pip-version-check --progress-bar off
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup model migrate lint unit db e2e rasa-validate rasa-test nlu-eval eval eval-voice bench clean

## Environments ------------------------------------------------------------------------
$(VENV)/.installed: requirements/app.txt requirements/dev.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (set PYTHON312=...)"; exit 1; }
	@echo "→ creating $(VENV) (Python 3.12: coach, actions, bot)"
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	@$(PY) -m pip install $(PIP_FLAGS) -r requirements/dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import telegram, rasa_sdk, sqlalchemy, alembic, httpx"
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (set PYTHON310=...)"; exit 1; }
	@echo "→ creating $(RASA_VENV) (Python 3.10: rasa 3.6.21, about 2 minutes the first time)"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements/rasa.txt 2>&1 | grep -vE "^WARNING: Location|DEPRECATION" || true
	@test -x $(RASA)
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "→ installing the Telegram Bot API emulator (npm ci)"
	@npm ci --silent --no-audit --no-fund
	@touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed

## Model: retrained only when the assistant's data changed ------------------------------
$(MODEL): $(RASA_VENV)/.installed $(RASA_DATA)
	@echo "→ training the French model"
	@mkdir -p var/log
	@/usr/bin/time -f "training took %e s" $(RASA) train --data $(RASA_DIRS) --fixed-model-name rebond --out models --quiet 2>&1 | tail -n 3

model: $(MODEL)

migrate: $(VENV)/.installed
	@$(PY) -m coach migrate

## The two README commands -------------------------------------------------------------
run: setup model migrate
	@$(PY) -m devtools.stack

# Two jobs at a time where nothing is shared: the environments install side by side; then the
# model trains (Rasa's own process, about 5 minutes) while lint, scan, validation and the unit
# tests run one after the other beside it, and the evaluations, the database tests and the
# test stories take whichever of the two slots frees first (the stories wait for the model);
# the end-to-end suite runs last, alone. Each job's output is printed whole when it ends.
test:
	@$(MAKE) --no-print-directory -j2 --output-sync=target setup node_modules/.installed $(SCAN_VENV)/.installed
	@$(MAKE) --no-print-directory -j2 --output-sync=recurse model checks eval db rasa-test
	@$(MAKE) --no-print-directory e2e
	@echo "✔ all test suites passed"

# The checks that need neither the model nor a database, in order.
.PHONY: checks
checks: $(VENV)/.installed
	@$(MAKE) --no-print-directory -j1 lint scan rasa-validate unit

## Test suites ---------------------------------------------------------------------------
lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy

rasa-validate: $(RASA_VENV)/.installed
	@$(RASA) data validate --data $(RASA_DIRS) --fail-on-warnings --quiet

unit: $(VENV)/.installed
	@$(PY) -m pytest tests/unit -q

# The PostgreSQL pass is never replaced by SQLite: an empty POSTGRES_TEST_URL fails, an
# unreachable server fails (tests/db/conftest.py); SKIP_POSTGRES=1 skips it and says so.
db: $(VENV)/.installed
	@$(PY) -m pytest tests/db -q
	@if [ "$(SKIP_POSTGRES)" = 1 ]; then \
		echo "⚠ skipped PostgreSQL pass of tests/db (SKIP_POSTGRES=1): only SQLite was tested"; \
	elif [ -z "$(strip $(POSTGRES_TEST_URL))" ]; then \
		echo "✘ POSTGRES_TEST_URL is empty: give a PostgreSQL URL, or SKIP_POSTGRES=1 to skip that pass" >&2; \
		exit 1; \
	else \
		TEST_DATABASE_URL='$(POSTGRES_TEST_URL)' $(PY) -m pytest tests/db -q; \
	fi

rasa-test: $(MODEL)
	@# Through deploy/rasa_server.py: the test stories run with the production server's patches
	@# (TED skipped where a rule or a memorised story settled the prediction, among others).
	@$(RASA_VENV)/bin/python deploy/rasa_server.py test core --model $(MODEL) --stories tests/rasa --out var/results/core --fail-on-prediction-errors --quiet
	@$(RASA) test nlu --model $(MODEL) --nlu tests/rasa/nlu_holdout.yml --out var/results/nlu --quiet
	@# 0.80 is a regression bar under the clean held-out figure (0.8076 on 525 lines and 78 intents
	@# on 2026-12-06 afternoon, 0.8095 that morning after the six intents of the whole search; 0.832 on 495 lines and 72 intents
	@# on 2026-12-05 evening; 0.814 before the last training lines, 0.835 on 474 / 68), not the
	@# SPEC's 0.92, which the assistant does not meet yet (see README, Measured figures).
	@$(PY) -m devtools.check_nlu var/results/nlu --min-accuracy 0.80 --with-detector

# The end-to-end suite on the production configuration first: PostgreSQL for the app and for
# Rasa's tracker store (two fresh databases of the run on E2E_POSTGRES_URL's server, dropped at
# the end) and Rasa's Redis lock store (E2E_REDIS_URL, a key prefix of the run's own); then the
# tests marked sqlite_pass on SQLite without a lock store (the local chat's configuration).
# An empty or unreachable E2E_POSTGRES_URL / E2E_REDIS_URL fails (tests/e2e/backends.py);
# SKIP_POSTGRES=1 runs the whole suite on SQLite instead and says so.
E2E_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
E2E_REDIS_URL ?= redis://127.0.0.1:6379/0
e2e: $(MODEL) node_modules/.installed
	@if [ "$(SKIP_POSTGRES)" = 1 ]; then \
		echo "⚠ skipped the PostgreSQL + Redis pass of tests/e2e (SKIP_POSTGRES=1): only SQLite was tested"; \
		E2E_BACKEND=sqlite $(PY) -m pytest tests/e2e -q; \
	else \
		echo "→ tests/e2e on PostgreSQL + Redis (production configuration)"; \
		E2E_BACKEND=postgres E2E_POSTGRES_URL='$(E2E_POSTGRES_URL)' E2E_REDIS_URL='$(E2E_REDIS_URL)' \
			$(PY) -m pytest tests/e2e -q; \
		echo "→ tests/e2e marked sqlite_pass on SQLite (the local chat's configuration)"; \
		E2E_BACKEND=sqlite $(PY) -m pytest tests/e2e -q -m sqlite_pass; \
	fi

## Scanner: checkov over the Dockerfile and the Docker stack's files ---------------------
# checkov has a dockerfile framework but none for docker-compose: its secrets framework reads
# the compose and deploy files, and tests/unit/test_compose.py checks the compose rules.
# Findings are fixed or skipped inline with a reason (# checkov:skip=CKV_...: why).
.PHONY: scan
SCAN_VENV := .venv-scan
SCAN_LOCK := deploy/checkov-requirements.txt
PYTHON311 ?= $(call find_python,3.11)
SCAN_PYTHON ?= $(or $(PYTHON312),$(PYTHON311))
SCAN_FILES := Dockerfile docker-compose.yml .env.example endpoints.yml credentials.yml \
	deploy/endpoints.compose.yml deploy/credentials.yml $(wildcard deploy/postgres-init/*)

$(SCAN_VENV)/.installed: $(SCAN_LOCK)
	@test -n "$(SCAN_PYTHON)" || { echo "Python 3.12 or 3.11 not found (set SCAN_PYTHON=...)"; exit 1; }
	@echo "→ creating $(SCAN_VENV) (checkov, about a minute the first time)"
	@test -x $(SCAN_VENV)/bin/python || $(SCAN_PYTHON) -m venv $(SCAN_VENV)
	@echo '*' > $(SCAN_VENV)/.gitignore  # git, ruff and the Docker context skip it
	@$(SCAN_VENV)/bin/python -m pip install $(PIP_FLAGS) -r $(SCAN_LOCK) 2>&1 | grep -v "^WARNING: Location" || true
	@$(SCAN_VENV)/bin/checkov --version >/dev/null
	@touch $@

scan: $(SCAN_VENV)/.installed
	@$(SCAN_VENV)/bin/checkov --quiet --compact --skip-download --framework dockerfile secrets \
		$(addprefix -f ,$(SCAN_FILES))

## Extra ---------------------------------------------------------------------------------
nlu-eval: $(RASA_VENV)/.installed
	@$(RASA) test nlu --nlu data/nlu --cross-validation --folds 5 --config config.yml --out var/results/cv
	@$(PY) -m devtools.check_nlu var/results/cv

# Feedback analyzer (SPEC §9): the shipped weights must be what the training split gives,
# then the held-out scores against bars just under the figures measured on 2026-12-05 after
# the sixth training batch (theme 0.858, kind 0.922, signals 0.830: the SPEC's 0.85 / 0.90
# are met), then the split written in another voice.
eval: $(VENV)/.installed eval-voice
	@$(PY) -m coach.feedback_model --check
	@$(PY) -m devtools.eval_feedback data/feedback/heldout.yml --min-theme-f1 0.85 --min-kind-accuracy 0.91 --min-signal-f1 0.82
	@$(PY) -m devtools.eval_crisis --min-recall 0.65 --max-false-alarm-rate 0.07 --max-feedback-alarms 0
	@$(PY) -m devtools.eval_tiers --max-none-for-crisis 1 --max-ambiguous-missed 2 --max-negative-checks 0.07

# The split written in another voice (never tuned on). SPEC §9 asks theme micro-F1 >= 0.90,
# kind accuracy >= 0.93 and personal_attack precision >= 0.90 there; only the last is met
# (0.962), the others are regression bars under the 0.799 / 0.920 measured on 2026-12-06
# evening after the ninth training batch (0.797 / 0.910 before it).
eval-voice: $(VENV)/.installed
	@$(PY) -m devtools.eval_feedback data/feedback/test_voice.yml --min-theme-f1 0.795 --min-kind-accuracy 0.90 --min-personal-attack-precision 0.90

# Two Rasa servers, two action servers and two bots in webhook mode behind local balancers,
# against the emulator, on fresh PostgreSQL databases and Redis (devtools/cluster.py):
# conversations, 10 000 reminders by both bots, kill -9 of one of each; prints the figures.
.PHONY: cluster
cluster: $(MODEL) $(VENV)/.installed node_modules/.installed
	@$(PY) -m devtools.cluster

bench: $(MODEL) $(VENV)/.installed node_modules/.installed
	@$(PY) -m devtools.bench_chat
	@$(PY) -m devtools.bench_chat --fresh --users 20 --turns 15
	@$(PY) -m devtools.bench_chat --fresh --users 20 --turns 15 --tracker-url '$(E2E_POSTGRES_URL)'
	@$(PY) -m devtools.bench_chat --fresh --users 20 --turns 15 --tracker-url '$(E2E_POSTGRES_URL)' \
		--rasa-workers 2 --action-workers 2 --lock-store redis://127.0.0.1:6379/3
	@$(PY) -m devtools.bench_chat --fresh --users 100 --turns 15
	@$(PY) -m devtools.bench_turns
	@$(PY) -m devtools.bench_turns --tracker-url '$(E2E_POSTGRES_URL)'
	@$(PY) -m devtools.bench_reminders --count 10000 --rate 30
	@# Two of everything: 10 000 reminders dispatched by two bots under one rate, kill -9 of each kind.
	@$(PY) -m devtools.cluster
	@$(PY) -m devtools.bench_charts
	@$(PY) -m devtools.bench_safety --rounds 3
	@$(PY) -m devtools.render_report var/report --bench
	@$(PY) -m devtools.bench_weekly

clean:
	rm -rf var/results models/*.tar.gz
