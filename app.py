#!/usr/bin/env python3
"""CDK entry point: `cdk synth -c env=NAME` (default dev) builds every stack of that environment."""

from __future__ import annotations

import sys

import aws_cdk as cdk

from gt_config import ConfigError, load_environment
from stacks.app_factory import build_app


def main() -> None:
    probe = cdk.App()  # only to read `-c env=NAME`; the real app is built for that environment
    name = probe.node.try_get_context("env")
    try:
        config = load_environment(name)
    except ConfigError as error:
        # A clear message and no stack at all: never a traceback from deep inside CDK.
        print(error, file=sys.stderr)
        raise SystemExit(1) from None
    app, _ = build_app(config)
    app.synth()


if __name__ == "__main__":
    main()
