"""Loads `config/<env>.toml`, fills Account and Region, and checks every rule at synth time.

This is the only place that reads configuration files or the environment's AWS settings. Synth
(app.py) and `make plan` both call `load_environment` with the same defaults, so a setting works
in both or fails in both, with the same message. Every problem is reported at once, each with the
file, the field, the line it is written on, the value written and the rule (gt_config.errors).
"""

from __future__ import annotations

import os
import re
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from gt_rules.errors import MISSING, Violation, did_you_mean
from gt_rules.limits import (
    DATA_TYPE_EXTENSIONS,
    MANIFEST_URI_RE,
    MAX_WORKTEAMS_PER_REGION,
    WORKTEAM_NAME_MAX,
    WORKTEAM_NAME_RE,
    full_match_violation,
)
from gt_rules.regions import region_violations
from gt_rules.spec import JobSpec

from .annotations import inner_type
from .errors import ConfigError, ConfigText, FieldPath, Problem, TOMLSyntaxError, field_path
from .jobs import (
    REPO_ROOT,
    SAMPLE_DATA_DIR,
    describe_sample_prefixes,
    extensions_text,
    sample_data_keys,
    sample_data_objects,
    sample_data_prefixes,
)
from .models import EnvironmentConfig, WorkforceMode

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_ENVIRONMENT = "dev"
# Where the Region comes from when the file has none, in this order, after CDK_DEFAULT_REGION
# (which the CDK CLI sets from AWS_REGION / AWS_DEFAULT_REGION or the profile, so synth through
# the CLI and `make plan` without it end up with the same Region).
REGION_VARIABLES = ("CDK_DEFAULT_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
# Only from CDK_DEFAULT_ACCOUNT: finding the account otherwise needs credentials (STS).
ACCOUNT_VARIABLE = "CDK_DEFAULT_ACCOUNT"


@dataclass(frozen=True)
class ProfileRegion:
    region: str
    where: str  # "AWS profile 'default' (/home/me/.aws/config)"


# Reads the Region of the AWS profile named by `environ` (injectable: tests never read ~/.aws).
ProfileRegionLookup = Callable[[Mapping[str, str]], ProfileRegion | None]


def aws_profile_region(environ: Mapping[str, str]) -> ProfileRegion | None:
    """The `region` of the AWS profile (AWS_PROFILE, else `default`) in the AWS config file
    (AWS_CONFIG_FILE, else ~/.aws/config), as botocore reads it; no credentials are needed."""
    import botocore.session  # only when the file and the environment name no Region
    from botocore.exceptions import BotoCoreError

    session = botocore.session.Session()
    if environ.get("AWS_CONFIG_FILE"):
        session.set_config_variable("config_file", environ["AWS_CONFIG_FILE"])
    profile = environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or "default"
    try:
        profiles = session.full_config.get("profiles", {})
    except BotoCoreError:
        return None  # an unreadable AWS config file: the "set a Region" message says what to do
    region = profiles.get(profile, {}).get("region")
    if not isinstance(region, str) or not region:
        return None
    return ProfileRegion(region, f"AWS profile '{profile}' ({session.get_config_variable('config_file')})")


def _no_profile_lookup(environ: Mapping[str, str]) -> ProfileRegion | None:
    return None


def known_environments(config_dir: Path = CONFIG_DIR) -> list[str]:
    return sorted(path.stem for path in config_dir.glob("*.toml"))


def display_path(path: Path) -> str:
    """How messages name a file: relative to the repository (`config/dev.toml`) when inside it."""
    resolved = path.resolve()
    return resolved.relative_to(REPO_ROOT).as_posix() if resolved.is_relative_to(REPO_ROOT) else str(path)


def load_environment(
    name: str | None = None,
    *,
    config_dir: Path = CONFIG_DIR,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    profile_region: ProfileRegionLookup | None = None,
    sample_data_dir: Path = SAMPLE_DATA_DIR,
) -> EnvironmentConfig:
    """Load and validate one environment. `overrides` replace top-level keys (tests use it).

    `environ` defaults to the process environment, and then the AWS profile's Region is read with
    botocore when nothing else names a Region. With an explicit `environ`, no profile is read
    unless `profile_region` is given: tests stay independent of the machine's ~/.aws.
    """
    if environ is None:
        environ, lookup = os.environ, profile_region or aws_profile_region
    else:
        lookup = profile_region or _no_profile_lookup
    name = name or DEFAULT_ENVIRONMENT
    known = known_environments(config_dir)
    if name not in known:
        rule = "unknown environment; known: " + ", ".join(known) + did_you_mean(name, known)
        raise ConfigError(name, [Violation("env", name, rule)])
    source = _read(name, config_dir / f"{name}.toml", overrides)
    resolver = _SettingsResolver(environ, lookup, source.file)
    data = dict(source.data)
    data.setdefault("name", name)
    origins = resolver.fill(data)

    def fail(violations: list[Violation]) -> ConfigError:
        return ConfigError(name, [_locate(source, v, origins) for v in violations], file=source.file)

    try:
        config = EnvironmentConfig.model_validate(data)
    except ValidationError as error:
        violations = [_pydantic_violation(err, data, source.file) for err in error.errors()]
        if isinstance(data.get("region"), str):  # checkable without the rest: say it in the same round
            violations += region_violations(data["region"], "region")
        raise fail(violations) from None
    config._origins = origins
    config._source = source
    specs, job_violations = _checked_job_specs(config)
    violations = _environment_violations(config) + job_violations
    violations += _sample_data_violations(config, sample_data_dir)
    if not violations:  # another environment's clash matters only once this one is valid
        violations = _shared_workforce_violations(config, config_dir=config_dir, resolver=resolver)
    if violations:
        raise fail(violations)
    config._job_specs = specs
    return config


def _read(name: str, path: Path, overrides: Mapping[str, Any] | None) -> ConfigText:
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(name, [Violation("(file)", file, f"cannot be read: {error}")], file=file) from None
    try:
        return ConfigText.parse(file, text, overrides)
    except TOMLSyntaxError as error:
        raise ConfigError(name, [error.problem], file=file) from None


# --- Account and Region: one resolution for synth and plan ----------------------------------------


class _SettingsResolver:
    """Fills `region` and `account` that a file leaves out, and says where each came from."""

    def __init__(self, environ: Mapping[str, str], lookup: ProfileRegionLookup, file: str) -> None:
        self._environ = environ
        self._lookup = lookup
        self._file = file
        self._profile: tuple[ProfileRegion | None] | None = None  # read at most once

    def profile(self) -> ProfileRegion | None:
        if self._profile is None:
            self._profile = (self._lookup(self._environ),)
        return self._profile[0]

    def region(self, written: object) -> tuple[str | None, str | None]:
        """(Region, where it came from) for a file that wrote `written`; (None, None) if nowhere."""
        if written:
            return str(written), self._file
        for variable in REGION_VARIABLES:
            if self._environ.get(variable):
                return self._environ[variable], variable
        found = self.profile()
        return (found.region, found.where) if found else (None, None)

    def account(self, written: object) -> str | None:
        return str(written) if written else self._environ.get(ACCOUNT_VARIABLE) or None

    def fill(self, data: dict[str, Any]) -> dict[str, str]:
        origins: dict[str, str] = {}
        region, region_origin = self.region(data.get("region"))
        if region is not None and region_origin is not None:
            data["region"] = region
            origins["region"] = region_origin
        else:
            data.pop("region", None)  # reported as missing, with where to set it
        if data.get("account"):
            origins["account"] = self._file
        elif self._environ.get(ACCOUNT_VARIABLE):
            data["account"] = self._environ[ACCOUNT_VARIABLE]
            origins["account"] = ACCOUNT_VARIABLE
        return origins


def _region_missing_rule(file: str) -> str:
    places = ", ".join([file, *REGION_VARIABLES])
    return (
        f"no Region in {places} or your AWS profile (synth and make plan both look there, in that "
        f'order): add region = "us-east-1" (or another Region where Ground Truth runs) to {file}, '
        "or export AWS_REGION=us-east-1, or give your AWS profile one (aws configure set region us-east-1)"
    )


# --- pydantic's errors, said plainly -------------------------------------------------------------


def _annotation_at(loc: FieldPath) -> Any:
    """The declared type at `loc` of an environment, or None where the models say nothing."""
    annotation: Any = EnvironmentConfig
    for part in loc:
        inner = inner_type(annotation)
        origin = typing.get_origin(inner)
        if origin is list and isinstance(part, int):
            annotation = typing.get_args(inner)[0]
        elif origin is dict:
            annotation = typing.get_args(inner)[1]
        elif isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields:
            annotation = inner.model_fields[str(part)].annotation
        else:
            return None
    return annotation


def _model_at(loc: FieldPath) -> type[BaseModel] | None:
    inner = inner_type(_annotation_at(loc))
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _choices(annotation: Any) -> list[str]:
    inner = inner_type(annotation)
    if typing.get_origin(inner) is typing.Literal:
        return [str(choice) for choice in typing.get_args(inner)]
    if isinstance(inner, type) and issubclass(inner, Enum):
        return [str(member.value) for member in inner]
    return []


def _table_name(loc: FieldPath) -> str:
    """`[[jobs]]`, `[jobs.input]`, `[storage]`, or `the top level` for the table at `loc`."""
    names = [str(part) for part in loc if isinstance(part, str)]
    if not names:
        return "the top level"
    dotted = ".".join(names)
    return f"[[{dotted}]]" if isinstance(loc[-1], int) else f"[{dotted}]"


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def field_name(loc: FieldPath, data: Mapping[str, Any]) -> str:
    """`("jobs", 0, "input", "kind")` -> `jobs[0](fashion).input.kind`: how every message names a field."""
    text = ""
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
            if depth == 1 and loc[0] == "jobs":
                jobs = data.get("jobs")
                job = jobs[part] if isinstance(jobs, list) and part < len(jobs) else None
                if isinstance(job, Mapping) and isinstance(job.get("name"), str):
                    text += f"({job['name']})"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part!r}]"
    return text or "(top level)"


def _pydantic_violation(err: ErrorDetails, data: Mapping[str, Any], file: str) -> Violation:
    loc: FieldPath = tuple(err["loc"])
    field = field_name(loc, data)
    kind = err["type"]
    if kind == "missing":
        if loc == ("region",):
            return Violation(field, MISSING, _region_missing_rule(file))
        parent = _model_at(loc[:-1])
        info = parent.model_fields.get(str(loc[-1])) if parent else None
        description = f" {info.description}" if info and info.description else ""
        return Violation(field, MISSING, f"required.{description}")
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        keys = list(parent.model_fields) if parent else []
        suggestion = did_you_mean(loc[-1], keys)
        rule = f"unknown key in {_table_name(loc[:-1])}"
        if suggestion:
            rule += suggestion
        elif keys:
            rule += "; its keys are: " + ", ".join(keys)
        return Violation(field, err.get("input"), rule)
    if kind in ("literal_error", "enum"):
        choices = _choices(_annotation_at(loc))
        if choices:
            rule = "must be one of: " + ", ".join(choices) + did_you_mean(err.get("input"), choices)
            return Violation(field, err.get("input"), rule)
    return Violation(field, err.get("input"), str(err["msg"]).removeprefix("Value error, "))


def _locate(source: ConfigText, violation: Violation, origins: Mapping[str, str]) -> Problem:
    """The violation with the value as written (MISSING when nothing is), the line that writes it
    (or the table it belongs in) and, for a value taken from the environment, where from."""
    path = field_path(violation.field)
    value = violation.value
    # Rules see defaults and the spec's cleaned form (empty lists dropped); say what was written.
    if value is None or (isinstance(value, list | dict) and not value):
        value = source.written(path)
    located = Violation(violation.field, value, violation.rule)
    origin = origins.get(str(path[0])) if path else None
    if origin is not None and origin != source.file and source.written(path[:1]) is MISSING:
        note = f"from {origin}, as {source.file} sets no {path[0]}"
        return Problem(located, origin=note)
    return Problem(located, where=source.line_of(path))


# --- environment-level rules: each reported once -----------------------------------------------

# Modes in which an environment creates the account's private workforce for its Region.
_CREATING_MODES = frozenset({WorkforceMode.COGNITO.value, WorkforceMode.OIDC.value})


def _shared_workforce_violations(
    config: EnvironmentConfig, *, config_dir: Path, resolver: _SettingsResolver
) -> list[Violation]:
    """An account has one private workforce per Region (docs/ground-truth.md#workforce): two
    environments of one account and Region that both create theirs (mode "cognito" or "oidc")
    would fail at deploy time. Another file without an account or Region is taken to deploy where
    this one's environment points (the same resolution as for this file)."""
    mode = config.workforce.mode.value
    if mode not in _CREATING_MODES:
        return []
    account = config.account
    clashes = []
    for other in known_environments(config_dir):
        if other == config.name:
            continue
        try:
            data = tomllib.loads((config_dir / f"{other}.toml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # that environment's own synth reports its file
        workforce = data.get("workforce") or {}
        other_mode = (
            workforce.get("mode", WorkforceMode.COGNITO.value) if isinstance(workforce, dict) else None
        )
        region, _ = resolver.region(data.get("region"))
        other_account = resolver.account(data.get("account"))
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
                        f"workforce.{field}", MISSING, "required when workforce.mode is 'existing_cognito'"
                    )
                )
    if workforce.mode is WorkforceMode.OIDC:
        if workforce.oidc is None:
            violations.append(Violation("workforce.oidc", MISSING, "required when workforce.mode is 'oidc'"))
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


def _sample_data_violations(config: EnvironmentConfig, sample_data_dir: Path) -> list[Violation]:
    """With the sample data uploaded, a prefix job that finds none of it would fail at deploy
    (its manifest would be empty): refuse it now, naming the prefixes the sample data has."""
    if not config.storage.upload_sample_data:
        return []
    keys = sample_data_keys(sample_data_dir)
    violations = []
    for index, job in enumerate(config.jobs):
        source = job.input
        if source.kind != "prefix" or source.prefix is None or source.data_type not in DATA_TYPE_EXTENSIONS:
            continue  # the input rules report these
        if sample_data_objects(keys, source.prefix, source.data_type):
            continue
        violations.append(
            Violation(
                f"jobs[{index}]({job.name}).input.prefix",
                source.prefix,
                f"storage.upload_sample_data is true, but sample_data/ has no {source.data_type} "
                f"({extensions_text(source.data_type)}) under this prefix; its prefixes: "
                f"{describe_sample_prefixes(keys)}{did_you_mean(source.prefix, sample_data_prefixes(keys))} "
                "(for data you upload yourself, set upload_sample_data = false)",
            )
        )
    return violations


# --- job rules ------------------------------------------------------------------------------------


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


def _local_manifest_rule(uri: str, rule: str) -> str:
    """A manifest URI that is a local file: say so, and how many items it holds."""
    path = REPO_ROOT / uri
    if MANIFEST_URI_RE.fullmatch(uri) or not path.is_file():
        return rule
    with path.open(encoding="utf-8", errors="replace") as lines:
        items = sum(1 for line in lines if line.strip())
    return (
        f"{uri} is a local file ({items:,} manifest lines), but Ground Truth reads input manifests from "
        f"S3 only: upload it to the input bucket and give its s3://<bucket>/<key> URI here (and, for "
        f"make plan's estimate, expected_objects = {items})"
    )


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
        try:
            specs[job.name] = job_spec(job)
        except OSError as error:
            template = job.custom.template_file if job.custom else None
            violations.append(
                Violation(f"{where}.custom.template_file", template, f"cannot be read: {error}")
            )
            # The job rules below check its name along with the rest; without a spec, check it here.
            violations += [
                Violation(f"{where}.{v.field}", v.value, v.rule) for v in validate_job_name_part(job.name)
            ]
    fill_audit_attribute_names(specs)
    violations += _chain_violations(config, specs)
    violations += _cors_violations(config)
    private_teams = {team.name for team in config.teams}
    # The Region is checked once, for the environment; without a valid one no request can be built.
    can_plan = not region_violations(config.region)
    for index, job in enumerate(config.jobs):
        if job.name not in specs:
            continue
        others = {name: spec for name, spec in specs.items() if name != job.name}
        found = validate_job_spec(specs[job.name], private_teams=private_teams, other_jobs=others)
        if not found and can_plan:  # only a valid spec can be planned; then botocore's model decides
            found = request_violations(config, job.name, specs[job.name])
        for v in found:
            rule = v.rule
            if v.field == "input.manifest_uri" and isinstance(v.value, str):
                rule = _local_manifest_rule(v.value, rule)
            violations.append(Violation(f"jobs[{index}]({job.name}).{v.field}", v.value, rule))
    return {name: specs[name] for name in dependency_order(specs)}, violations
