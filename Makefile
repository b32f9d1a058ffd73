# Every target installs what it needs (idempotently) and then does its job.
#   make synth [ENV=dev]   every stack of one environment, with cdk-nag and cfn-lint, and a summary
#   make test              ruff, then every test
#   make plan [ENV=dev]    what each labeling job will send to CreateLabelingJob, and its cost
#   make bench             synth ratio and manifest throughput (numbers in docs/performance.md)
ENV ?= dev
PYTHON ?= python3
UV_VERSION := 0.9.30
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
OUT := cdk.out/$(ENV)

# No telemetry, no notices, no Node end-of-life banner (Node 20 still works for jsii today).
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# CDK's built-in template validator costs ~4 s per synth and checks a subset of what cfn-lint
# checks with the full CloudFormation schemas; `make synth` and the tests run cfn-lint instead.
export CDK_VALIDATION := false
# Cache bytecode even where the machine says not to: recompiling aws_cdk's generated modules
# costs seconds on every synth and in every test worker (docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install synth test lint plan bench clean

install: $(VENV)/.installed node_modules/.installed

# uv installs the pinned set in seconds where pip takes over a minute (docs/performance.md).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: install
	rm -rf $(OUT)
	$(CDK) synth --all --quiet -c env=$(ENV) --output $(OUT)
	$(VENV)/bin/cfn-lint --ignore-checks W3005 -- $(OUT)/*.template.json
	@echo "cfn-lint: no errors in $(OUT)/*.template.json"
	$(PY) -m tools.summary $(OUT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	$(PY) -c "import stacks.app_factory"  # compile aws_cdk's bytecode once, not in each worker
	$(PY) -m pytest

plan: $(VENV)/.installed
	$(PY) -m tools.plan --env $(ENV)

bench: install
	$(PY) bench/bench_synth.py
	$(PY) bench/bench_manifest.py

clean:
	rm -rf cdk.out build .pytest_cache .ruff_cache
