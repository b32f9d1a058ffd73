"""Run before `cdk deploy`: refuse a configuration that synthesizes but must not be deployed.

    python -m tools.deploy_check --env dev

Today one check, offline and without credentials: no placeholder email addresses (example.com
and the other names RFC 2606 reserves, https://www.rfc-editor.org/rfc/rfc2606) are left in the
config. Mail to them never arrives: a worker listed that way never gets the invitation, a budget
alert goes nowhere. Synth and `make plan` still accept them, so the sample config works offline.

Exit 0: deployable; 1: placeholder addresses (one line each, with the line of the file and what
to put there) or an invalid configuration (the same message as synth).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from gt_config import ConfigError, EnvironmentConfig, load_environment
from gt_config.addresses import placeholder_addresses
from gt_config.loader import CONFIG_DIR

_TEAM_WORKER = re.compile(r"teams\[(\d+)\]\.workers\[\d+\]")


def replacement(config: EnvironmentConfig, field: str) -> str:
    """What belongs at `field` instead of a placeholder address."""
    if match := _TEAM_WORKER.fullmatch(field):
        team = config.teams[int(match.group(1))].name
        return f"a worker of team {team} (the invitation and the portal link go there)"
    if field.startswith("notifications.job_owner_emails"):
        return "a job owner (job completed, failed or stopped emails go there)"
    if field.startswith("budget.emails"):
        return "whoever must hear the budget's alerts"
    return "a real address"


def placeholder_lines(config: EnvironmentConfig) -> list[str]:
    """One line per placeholder address: where it is written and what to put there."""
    lines = []
    for field, address in placeholder_addresses(config):
        line = config.source_line(field)
        where = f"{config.source_file}:{line.number}" if line else config.source_file
        lines.append(
            f"{where}: {field} = {address}: replace it with the address of {replacement(config, field)}"
        )
    return lines


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m tools.deploy_check", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--env", default=None, help="environment name (default: dev)")
    parser.add_argument("--config-dir", type=Path, default=CONFIG_DIR, help="folder of <env>.toml")
    args = parser.parse_args(argv)
    try:
        config = load_environment(args.env, config_dir=args.config_dir)
    except ConfigError as error:
        print(error, file=err)
        return 1
    lines = placeholder_lines(config)
    if lines:
        print(
            f"Not deploying environment {config.name}: {len(lines)} placeholder email address(es) in "
            f"{config.source_file} (RFC 2606 names: mail to them never arrives):",
            file=err,
        )
        for line in lines:
            print(f"  {line}", file=err)
        return 1
    print(
        f"Environment {config.name}: no placeholder addresses in {config.source_file}; deployable.", file=out
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
