#!/usr/bin/env python3
"""CDK entry point: `cdk synth -c env=NAME` (default dev) builds every stack of that environment.

`-c config_dir=PATH` reads `<PATH>/<NAME>.toml` instead of `config/` (the tests use it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import aws_cdk as cdk

from gt_config import DEFAULT_ENVIRONMENT, ConfigError, load_environment
from gt_config.loader import CONFIG_DIR
from gt_rules.errors import RuleViolation
from stacks.app_factory import build_app


def _stop(error: ConfigError) -> NoReturn:
    # A clear message and no stack at all: never a traceback from deep inside CDK.
    print(error, file=sys.stderr)
    raise SystemExit(1) from None


def main() -> None:
    probe = cdk.App()  # only to read the context; the real app is built for that environment
    name = probe.node.try_get_context("env") or DEFAULT_ENVIRONMENT
    config_dir = Path(probe.node.try_get_context("config_dir") or CONFIG_DIR)
    try:
        config = load_environment(name, config_dir=config_dir)
    except ConfigError as error:
        _stop(error)
    try:
        app, _ = build_app(config)
    except RuleViolation as error:
        # The loader checks every rule first; a rule that still fails while the stacks are built
        # is reported the same way.
        _stop(ConfigError(name, error.violations, file=config.source_file))
    app.synth()


if __name__ == "__main__":
    main()
