"""Loads `config/<env>.toml`, fills Account and Region, and checks every rule at synth time.

This is the only place that reads configuration files or the CDK_DEFAULT_* variables.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gt_rules.errors import Violation
from gt_rules.limits import (
    MAX_WORKTEAMS_PER_REGION,
    WORKTEAM_NAME_MAX,
    WORKTEAM_NAME_RE,
    full_match_violation,
)
from gt_rules.regions import region_violations
from gt_rules.spec import JobSpec

from .errors import ConfigError
from .models import EnvironmentConfig, WorkforceMode

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_ENVIRONMENT = "dev"


def known_environments(config_dir: Path = CONFIG_DIR) -> list[str]:
    return sorted(path.stem for path in config_dir.glob("*.toml"))


def load_environment(
    name: str | None = None,
    *,
    config_dir: Path = CONFIG_DIR,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> EnvironmentConfig:
    """Load and validate one environment. `overrides` replace top-level keys (tests use it)."""
    environ = os.environ if environ is None else environ
    name = name or DEFAULT_ENVIRONMENT
    known = known_environments(config_dir)
    if name not in known:
        raise ConfigError(name, [Violation("env", name, "unknown environment; known: " + ", ".join(known))])
    data: dict[str, Any] = tomllib.loads((config_dir / f"{name}.toml").read_text(encoding="utf-8"))
    data.update(overrides or {})
    data.setdefault("name", name)
    # Account and Region: config first, then what the CDK CLI exports; no credentials needed.
    if not data.get("account") and environ.get("CDK_DEFAULT_ACCOUNT"):
        data["account"] = environ["CDK_DEFAULT_ACCOUNT"]
    if not data.get("region") and environ.get("CDK_DEFAULT_REGION"):
        data["region"] = environ["CDK_DEFAULT_REGION"]
    config = validate_environment(name, data)
    violations = _shared_workforce_violations(config, config_dir=config_dir, environ=environ)
    if violations:
        raise ConfigError(name, violations)
    return config


def validate_environment(name: str, data: Mapping[str, Any]) -> EnvironmentConfig:
    """The validated configuration, its job specs built (once) and checked with it."""
    try:
        config = EnvironmentConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(name, [_violation(err) for err in error.errors()]) from None
    specs, job_violations = _checked_job_specs(config)
    violations = _environment_violations(config) + job_violations
    if violations:
        raise ConfigError(name, violations)
    config._job_specs = specs
    return config


# Modes in which an environment creates the account's private workforce for its Region.
_CREATING_MODES = frozenset({WorkforceMode.COGNITO.value, WorkforceMode.OIDC.value})


def _shared_workforce_violations(
    config: EnvironmentConfig, *, config_dir: Path, environ: Mapping[str, str]
) -> list[Violation]:
    """An account has one private workforce per Region (docs/ground-truth.md#workforce): two
    environments of one account and Region that both create theirs (mode "cognito" or "oidc")
    would fail at deploy time. An environment file without an account or Region is taken to deploy
    where the CDK CLI points."""
    mode = config.workforce.mode.value
    if mode not in _CREATING_MODES:
        return []
    default_account = environ.get("CDK_DEFAULT_ACCOUNT")
    account = config.account or default_account
    clashes = []
    for other in known_environments(config_dir):
        if other == config.name:
            continue
        try:
            data = tomllib.loads((config_dir / f"{other}.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue  # that environment's own synth reports its file
        workforce = data.get("workforce") or {}
        other_mode = (
            workforce.get("mode", WorkforceMode.COGNITO.value) if isinstance(workforce, dict) else None
        )
        region = data.get("region") or environ.get("CDK_DEFAULT_REGION")
        other_account = data.get("account") or default_account
        same_account = account is None or other_account is None or other_account == account
        if other_mode in _CREATING_MODES and region == config.region and same_account:
            clashes.append(other)
    return [
        Violation(
            "workforce.mode",
            mode,
            f"environment '{other}' also creates a private workforce in {config.region} of the same "
            "account, and an account has one private workforce per Region: let one of them create it "
            'and set mode = "existing_cognito" (with that workforce\'s user_pool_id and client_id) in '
            "the other, or deploy them to different Regions or accounts",
        )
        for other in clashes
    ]


def _violation(err: Mapping[str, Any]) -> Violation:
    field = ".".join(str(part) for part in err["loc"]) or "(root)"
    message = str(err["msg"]).removeprefix("Value error, ")
    return Violation(field, err.get("input"), message)


def _environment_violations(config: EnvironmentConfig) -> list[Violation]:
    violations = region_violations(config.region, "region")
    violations += _team_violations(config)
    violations += _workforce_violations(config)
    if config.budget.enabled and not config.budget.emails:
        violations.append(
            Violation(
                "budget.emails",
                [],
                "at least one address when the budget is enabled (its alerts need a recipient)",
            )
        )
    return violations


def _team_violations(config: EnvironmentConfig) -> list[Violation]:
    violations: list[Violation] = []
    seen: set[str] = set()
    for index, team in enumerate(config.teams):
        field = f"teams[{index}].name"
        if team.name in seen:
            violations.append(Violation(field, team.name, "team names must be unique within an environment"))
        seen.add(team.name)
        violations += full_match_violation(
            field, config.workteam_name(team.name), WORKTEAM_NAME_RE, WORKTEAM_NAME_MAX, "the work team name"
        )
    if len(config.teams) > MAX_WORKTEAMS_PER_REGION:
        violations.append(
            Violation(
                "teams",
                len(config.teams),
                f"at most {MAX_WORKTEAMS_PER_REGION} work teams per account and Region",
            )
        )
    return violations


def _workforce_violations(config: EnvironmentConfig) -> list[Violation]:
    workforce = config.workforce
    violations: list[Violation] = []
    if workforce.mode is WorkforceMode.EXISTING_COGNITO:
        for field in ("user_pool_id", "client_id"):
            if not getattr(workforce, field):
                violations.append(
                    Violation(
                        f"workforce.{field}", None, "required when workforce.mode is 'existing_cognito'"
                    )
                )
    if workforce.mode is WorkforceMode.OIDC:
        if workforce.oidc is None:
            violations.append(Violation("workforce.oidc", None, "required when workforce.mode is 'oidc'"))
        for index, team in enumerate(config.teams):
            if not team.oidc_groups:
                violations.append(
                    Violation(
                        f"teams[{index}].oidc_groups", [], "an OIDC work team needs at least one IdP group"
                    )
                )
            if team.workers:
                violations.append(
                    Violation(
                        f"teams[{index}].workers",
                        team.workers,
                        "OIDC workers are managed in your identity provider, not here",
                    )
                )
    elif workforce.oidc is not None:
        violations.append(Violation("workforce.oidc", "(set)", "only used when workforce.mode is 'oidc'"))
    return violations


def _job_field(config: EnvironmentConfig, name: str, field: str) -> str:
    index = next(i for i, job in enumerate(config.jobs) if job.name == name)
    return f"jobs[{index}]({name}).{field}"


def _chain_violations(config: EnvironmentConfig, specs: Mapping[str, Any]) -> list[Violation]:
    """Jobs reading each other's output can never be created: refuse every such cycle once."""
    from gt_rules.chaining import cycles

    violations = []
    for cycle in cycles(specs):
        if len(cycle) == 1:
            continue  # a job reading its own output: the input rule says so
        loop = " -> ".join([*cycle, cycle[0]])
        names = ", ".join(cycle[:-1]) + f" and {cycle[-1]}"
        violations.append(
            Violation(
                _job_field(config, cycle[0], "input.job"),
                cycle[1],
                f"jobs {names} read each other's output ({loop}): each job can only read a job "
                "that is created before it; break the cycle",
            )
        )
    return violations


def _cors_violations(config: EnvironmentConfig) -> list[Violation]:
    """Video frame and 3D point cloud tasks fail in the worker's browser without the wider CORS
    rule (docs/ground-truth.md#cors): refuse them rather than let them fail at run time."""
    from gt_rules.task_types import TASK_TYPES, needs_wide_cors

    if config.storage.video_and_point_cloud_cors:
        return []
    return [
        Violation(
            f"jobs[{index}]({job.name}).task_type",
            job.task_type,
            f"{TASK_TYPES[job.task_type].display_name} jobs need the wider CORS rule on the data "
            "buckets: set video_and_point_cloud_cors = true in [storage]",
        )
        for index, job in enumerate(config.jobs)
        if job.task_type in TASK_TYPES and needs_wide_cors(job.task_type)
    ]


def _checked_job_specs(config: EnvironmentConfig) -> tuple[dict[str, JobSpec], list[Violation]]:
    """Every job's spec, in creation order, and every rule a job breaks."""
    if not config.jobs:
        return {}, []
    # Imported here: the Ground Truth job rules are only needed once jobs are declared.
    from gt_rules.chaining import dependency_order
    from gt_rules.validation import validate_job_name_part, validate_job_spec

    from .jobs import fill_audit_attribute_names, job_spec, request_violations

    violations: list[Violation] = []
    specs: dict[str, JobSpec] = {}
    for index, job in enumerate(config.jobs):
        where = f"jobs[{index}]({job.name})"
        if job.name in specs:
            violations.append(
                Violation(f"{where}.name", job.name, "job names must be unique in an environment")
            )
        violations += [
            Violation(f"{where}.{v.field}", v.value, v.rule) for v in validate_job_name_part(job.name)
        ]
        try:
            specs[job.name] = job_spec(job)
        except OSError as error:
            template = job.custom.template_file if job.custom else None
            violations.append(
                Violation(f"{where}.custom.template_file", template, f"cannot be read: {error}")
            )
    fill_audit_attribute_names(specs)
    violations += _chain_violations(config, specs)
    violations += _cors_violations(config)
    private_teams = {team.name for team in config.teams}
    for index, job in enumerate(config.jobs):
        if job.name not in specs:
            continue
        others = {name: spec for name, spec in specs.items() if name != job.name}
        found = validate_job_spec(
            specs[job.name], region=config.region, private_teams=private_teams, other_jobs=others
        )
        if not found:  # only a valid spec can be planned; then botocore's model has the last word
            found = request_violations(config, job.name, specs[job.name])
        violations += [Violation(f"jobs[{index}]({job.name}).{v.field}", v.value, v.rule) for v in found]
    return {name: specs[name] for name in dependency_order(specs)}, violations
