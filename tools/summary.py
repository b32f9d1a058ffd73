"""What `make synth` made, in the words a user needs next: the stacks in deploy order with their
resource counts, where they go, the teams and jobs, and the outputs to look for after deploying.

Usage: python -m tools.summary cdk.out/dev [--env dev]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STACK_ARTIFACT = "aws:cloudformation:stack"
# Outputs worth pointing at after a deploy, by the start of their name, with what they are.
NEXT_STEP_OUTPUTS = (
    ("WorkerPortalUrl", "where workers sign in"),
    ("InputBucketName", "put your data here"),
    ("OutputBucketName", "labels land here"),
    ("JobOwnerTopicArn", "job-state emails"),
)


@dataclass(frozen=True)
class StackSummary:
    name: str
    environment: str  # aws://<account>/<region>
    depends_on: tuple[str, ...]
    resources: Mapping[str, int]  # type -> count
    outputs: tuple[str, ...]

    @property
    def resource_count(self) -> int:
        return sum(self.resources.values())


def read_assembly(assembly: Path) -> list[StackSummary]:
    """Every stack of the cloud assembly, in deploy order (each after the stacks it depends on)."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    stacks: dict[str, StackSummary] = {}
    for name, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != STACK_ARTIFACT:
            continue
        template = json.loads((assembly / artifact["properties"]["templateFile"]).read_text(encoding="utf-8"))
        counts: dict[str, int] = {}
        for resource in template.get("Resources", {}).values():
            counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
        stacks[name] = StackSummary(
            name=name,
            environment=str(artifact.get("environment", "")),
            depends_on=tuple(d for d in artifact.get("dependencies", []) if d in manifest["artifacts"]),
            resources=dict(sorted(counts.items())),
            outputs=tuple(
                sorted(o for o in template.get("Outputs", {}) if not o.startswith("ExportsOutput"))
            ),
        )
    return _deploy_order(stacks)


def _deploy_order(stacks: Mapping[str, StackSummary]) -> list[StackSummary]:
    ordered: list[StackSummary] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name not in stacks:
            return
        placed.add(name)
        for dependency in stacks[name].depends_on:
            place(dependency)
        ordered.append(stacks[name])

    for name in sorted(stacks):
        place(name)
    return ordered


def _where(environment: str) -> str:
    account, _, region = environment.removeprefix("aws://").partition("/")
    account = "the account of your AWS credentials" if account == "unknown-account" else f"account {account}"
    return f"{account}, Region {region or 'unknown'}"


def summarize(assembly: Path, config: Any = None) -> str:
    """The summary text; `config` (an EnvironmentConfig) adds the teams, jobs and addresses."""
    stacks = read_assembly(assembly)
    lines: list[str] = []
    if stacks:
        lines.append(f"Deploys to {_where(stacks[0].environment)}, in this order:")
    total = 0
    for position, stack in enumerate(stacks, start=1):
        total += stack.resource_count
        kinds = ", ".join(f"{count} {kind.split('::', 1)[1]}" for kind, count in stack.resources.items())
        lines.append(f"  {position}. {stack.name}: {stack.resource_count} resources ({kinds})")
    lines.append(f"{len(stacks)} stacks, {total} resources; {validation_summary(assembly)}")
    if config is not None:
        lines += _config_lines(config)
    next_steps = [
        f"  {output} ({stack.name}): {what}"
        for stack in stacks
        for output in stack.outputs
        for prefix, what in NEXT_STEP_OUTPUTS
        if output.startswith(prefix)
    ]
    if next_steps:
        lines.append("After `make deploy`, these outputs tell you what to do next:")
        lines += next_steps
    return "\n".join(lines)


def _config_lines(config: Any) -> list[str]:
    from gt_config.addresses import placeholder_addresses

    lines = []
    if config.teams:
        lines.append("Teams:")
        lines += [
            f"  {team.name}: {len(team.workers)} worker(s)"
            if not team.oidc_groups
            else f"  {team.name}: IdP groups {', '.join(team.oidc_groups)}"
            for team in config.teams
        ]
    if config.jobs:
        lines.append("Jobs, in the order they are created:")
        for name, spec in config.job_specs.items():
            workforce = spec.get("workforce", {})
            kind = workforce.get("kind", "private")
            who = f"private team {workforce.get('team')}" if kind == "private" else kind
            lines.append(f"  {name}: {spec['task_type']}, {who}")
    placeholders = placeholder_addresses(config)
    if placeholders:
        lines.append(
            f"{len(placeholders)} address(es) are placeholders ("
            + ", ".join(f"{field} = {address}" for field, address in placeholders)
            + f"): replace them in config/{config.name}.toml; `make deploy` refuses them."
        )
    return lines


def validation_summary(assembly: Path) -> str:
    """Synth fails on any unacknowledged cdk-nag error, so reaching here means none are left."""
    parts = ["cdk-nag AwsSolutions: no unacknowledged findings"]
    report = assembly / "validation-report.json"
    if report.exists():
        for plugin in json.loads(report.read_text(encoding="utf-8")).get("pluginReports", []):
            warnings = len(plugin.get("violations", []))
            parts.append(f"{plugin.get('pluginName')}: {plugin.get('conclusion')} ({warnings} warnings)")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.summary", description=__doc__.split("\n\n")[0])
    parser.add_argument("assembly", type=Path, help="the cloud assembly folder, e.g. cdk.out/dev")
    parser.add_argument("--env", help="the environment, to list its teams and jobs")
    args = parser.parse_args(argv)
    config = None
    if args.env:
        from gt_config import ConfigError, load_environment

        try:
            config = load_environment(args.env)
        except ConfigError as error:
            print(error, file=sys.stderr)
            return 1
    print(summarize(args.assembly, config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
