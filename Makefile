# Every target installs what it needs first, idempotently. `make help` lists them.
ENV ?= dev
PYTHON ?= python3
UV_VERSION := 0.9.30
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
PIP_QUIET := --quiet --disable-pip-version-check
OUT := cdk.out/$(ENV)
# What each CDK CLI command gets: the environment to build, and its own cloud assembly folder.
CDK_ARGS := -c env=$(ENV) --output $(OUT)

# No telemetry, no notices, no Node end-of-life banner in any command run through make (Node 20
# still runs jsii and the CDK CLI; the README's commands all go through make).
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# CDK's built-in template validator costs ~4 s per synth and checks a subset of what cfn-lint
# checks with the full CloudFormation schemas; `make synth` and the tests run cfn-lint instead.
export CDK_VALIDATION := false
# Cache bytecode even where the machine says not to: recompiling aws_cdk's generated modules
# costs seconds on every synth and in every test worker (docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help prerequisites install synth test lint typecheck plan docs bench preflight bootstrap diff \
	deploy results pull destroy clean distclean

help: ## List the targets (this text)
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  Options: ENV=<config/ENV.toml> (default dev), JOB=<job>, WATCH=1 (results), FORCE=1 (destroy)"

prerequisites: ## Check python3 (3.11+), node (20+) and npm (run before any install)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Needs Python 3.11 or newer as '$(PYTHON)' (found: $$($(PYTHON) --version 2>/dev/null || echo none)); set PYTHON=..."; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' 2>/dev/null || { \
	  echo "Needs Node.js 20 or newer for the CDK CLI (found: $$(node --version 2>/dev/null || echo none))"; exit 1; }
	@npm --version >/dev/null 2>&1 || { echo "Needs npm (it comes with Node.js) to install the CDK CLI"; exit 1; }

install: $(VENV)/.installed node_modules/.installed ## Install the Python packages (.venv) and the pinned CDK CLI

# uv installs the pinned set in seconds where pip takes over a minute (docs/performance.md). uv
# itself goes into a venv made without pip, by the system's pip when it has `--python` (pip 22.3+),
# which skips ensurepip's seconds; otherwise by the venv's own pip. A failed install removes the
# half-made .venv, so the next run starts clean.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(MAKE) --no-print-directory prerequisites
	@{ test -x $(VENV)/bin/uv \
	   || { $(PYTHON) -m venv --without-pip $(VENV) \
	        && $(PYTHON) -m pip --python $(PY) install $(PIP_QUIET) uv==$(UV_VERSION); } >/dev/null 2>&1 \
	   || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && $(PY) -m pip install $(PIP_QUIET) uv==$(UV_VERSION); }; } \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt \
	  || { rm -rf $(VENV); echo "Installing the Python packages failed; .venv removed. Fix the cause and run again."; exit 1; }
	@touch $@

# The results tools' heavy libraries are installed on first use (tools/results/extras.py); the
# tests need them, and a browser driver for the report test, up front.
$(VENV)/.results-installed: requirements-results.txt requirements-results-test.txt $(VENV)/.installed
	@$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-results-test.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@$(MAKE) --no-print-directory prerequisites
	@npm ci --no-audit --no-fund --loglevel=error \
	  || { rm -rf node_modules; echo "Installing the CDK CLI failed; node_modules removed."; exit 1; }
	@touch $@

synth: install ## Synthesize every stack of ENV with cdk-nag and cfn-lint, and summarize
	@rm -rf $(OUT)
	$(CDK) synth --quiet $(CDK_ARGS)
	@$(PY) -m tools.lint_templates $(OUT)
	@$(PY) -m tools.summary $(OUT) --env $(ENV)

lint: $(VENV)/.installed ## ruff (lint and format) and the type checker
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy

typecheck: $(VENV)/.installed ## The type checker alone (mypy, settings in mypy.ini)
	$(PY) -m mypy

# While the type checker runs on one core, the other compiles the bytecode the tests need (the
# libraries' and the tests' own), once, instead of in each test worker: on a fresh clone that is
# most of the difference between a first and a second run (docs/performance.md). Done again only
# after the packages change.
test: install $(VENV)/.results-installed ## ruff, the type checker, then every test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@echo "$(PY) -m mypy  (and the tests' bytecode compiled alongside)"
	@$(PY) -m mypy & typed=$$!; \
	if [ ! $(VENV)/.compiled -nt $(VENV)/.results-installed ]; then \
	  $(PY) -c "import cfnlint.api" & linted=$$!; \
	  $(PY) -m pytest --collect-only -q -n 0 -p no:syrupy >/dev/null 2>&1; \
	  wait $$linted && touch $(VENV)/.compiled; \
	fi; wait $$typed
	$(PY) -m pytest

plan: $(VENV)/.installed ## What each job of ENV will send to CreateLabelingJob, and its cost
	$(PY) -m tools.plan --env $(ENV)

docs: $(VENV)/.installed ## Regenerate docs/configuration.md and config/schema.json
	$(PY) -m tools.config_reference

bench: install $(VENV)/.results-installed ## Speed and memory benchmarks (docs/performance.md)
	$(PY) bench/bench_synth.py
	$(PY) bench/bench_manifest.py
	$(PY) bench/bench_text_manifest.py
	$(PY) bench/bench_results.py
	$(PY) bench/bench_fresh_test.py  # last: it clones HEAD and runs make test twice

preflight: $(VENV)/.installed ## Check a real account before the first deploy (credentials needed)
	$(PY) -m tools.preflight --env $(ENV)

bootstrap: install ## Bootstrap CDK in ENV's account and Region (once per account and Region)
	$(CDK) bootstrap $(CDK_ARGS)

diff: install ## Show what a deploy of ENV would change
	$(CDK) diff $(CDK_ARGS)

deploy: install ## Deploy every stack of ENV (refuses placeholder addresses)
	$(PY) -m tools.deploy_check --env $(ENV)
	$(CDK) deploy --all $(CDK_ARGS)

results: $(VENV)/.installed ## Status of ENV's labeling jobs [JOB=name] [WATCH=1]
	$(PY) -m tools.results status --env $(ENV) $(if $(JOB),--job $(JOB)) $(if $(WATCH),--watch)

pull: $(VENV)/.installed ## Download ENV's labels into results/ENV/ [JOB=name]
	$(PY) -m tools.results pull --env $(ENV) $(if $(JOB),--job $(JOB))

destroy: install ## Pull every job's labels, then destroy ENV (asks first; FORCE=1 past a failed pull)
	$(PY) -m tools.destroy_guard --env $(ENV) $(if $(FORCE),--force)
	$(CDK) destroy --all $(CDK_ARGS)

clean: ## Remove build output (cdk.out, build, caches); keeps results/ and the installs
	rm -rf cdk.out build .pytest_cache .ruff_cache .mypy_cache

distclean: clean ## Also remove .venv and node_modules
	rm -rf $(VENV) node_modules
