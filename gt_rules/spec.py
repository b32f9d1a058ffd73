"""The job spec: the plain-data form of one labeling job, shared by synth and the Lambdas.

The config layer (pydantic, synth side) turns a validated job into this dict; it travels to the
Lambdas as custom-resource properties (so every value is a string, number, bool, list or dict
of those; CloudFormation turns numbers into strings, so readers coerce with `as_int`).
Deploy-time values (bucket names, role ARN, work team ARNs, manifest URI) are not part of the
spec: they arrive separately as a `DeployContext`.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, TypedDict

_INTEGER_RE = re.compile(r"-?[0-9]+")


class Instructions(TypedDict, total=False):
    short: str  # HTML or plain text shown beside the task
    full: str
    good_examples: list[dict[str, str]]  # {"text": ..., "image_uri": ... optional, "label": ...}
    bad_examples: list[dict[str, str]]


class Selection(TypedDict, total=False):
    mode: str  # "all" | "sample" | "filter"
    sample_size: int  # mode == "sample"
    seed: int  # mode == "sample": the same seed picks the same objects
    key_regex: str  # mode == "filter": re.search against the key relative to the prefix


class InputSpec(TypedDict, total=False):
    kind: str  # "prefix" | "manifest" | "job_output"
    prefix: str  # kind == "prefix": key prefix in the input bucket, e.g. "fashion/"
    data_type: str  # kind == "prefix": "images" | "videos" | "text_objects" | "text_lines" | "csv_rows"
    manifest_uri: str  # kind == "manifest": s3://bucket/key of an existing manifest
    job: str  # kind == "job_output": the config name of an earlier job in this environment
    selection: Selection


class WorkforceSpec(TypedDict, total=False):
    kind: str  # "private" | "mturk" | "vendor"
    team: str  # kind == "private": a team name from this environment's config
    price_usd: str  # kind == "mturk": decimal string, one of the allowed price points
    content_classifiers: list[str]  # FreeOfPersonallyIdentifiableInformation, FreeOfAdultContent
    workteam_arn: str  # kind == "vendor"


class StoppingSpec(TypedDict, total=False):
    max_human_labeled_object_count: int
    max_percentage_of_input_dataset_labeled: int


class CustomTaskSpec(TypedDict, total=False):
    template_html: str  # the Liquid/Crowd HTML template text (config names a file; synth reads it)
    pre_lambda_arn: str
    acs_lambda_arn: str


class JobSpec(TypedDict, total=False):
    name: str  # config name: lowercase letters, digits, hyphens
    revision: int  # bump to force a fresh job with an unchanged definition
    task_type: str  # a key of gt_rules.task_types.TASK_TYPES
    label_attribute_name: str
    labels: list[str]
    label_short_names: list[str]  # NER only, optional; same length as labels
    instructions: Instructions
    title: str
    description: str
    keywords: list[str]
    input: InputSpec
    workforce: WorkforceSpec
    workers_per_object: int
    task_time_limit_seconds: int
    task_availability_lifetime_seconds: int
    max_concurrent_task_count: int
    stopping: StoppingSpec
    automated_labeling: bool
    initial_active_learning_model_arn: str
    kms_key_id: str
    tags: dict[str, str]
    custom: CustomTaskSpec
    audit_label_attribute_name: str  # video/3D adjustment: the earlier job's attribute name


class DeployContext(TypedDict, total=False):
    """Values known only at deploy time. `make plan` fills them with ${Placeholders}."""

    partition: str  # "aws"
    region: str
    account: str
    name_prefix: str  # "<project>-<env>", the prefix of every physical job name
    input_bucket: str
    output_bucket: str
    role_arn: str
    workteam_arns: dict[str, str]  # private team config name -> work team ARN
    manifest_uri: str  # s3:// URI written by the manifest custom resource (or given)
    output_kms_key_id: str  # environment's customer key, when configured


def parse_int(value: Any) -> int | None:
    """An int from an int or a decimal-digit string (CloudFormation delivers custom-resource
    numbers as strings); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER_RE.fullmatch(value.strip()):
        return int(value)
    return None


def as_int(value: Any) -> int:
    """`parse_int` for a value the rules have already checked: ValueError when it is not a whole number."""
    number = parse_int(value)
    if number is None:
        raise ValueError(f"{value!r} is not a whole number")
    return number


def parse_bool(value: Any) -> bool:
    """True for True and the strings "true"/"True" (CloudFormation's form)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def job_context(
    *,
    partition: str,
    region: str,
    account: str,
    name_prefix: str,
    input_bucket: str,
    output_bucket: str,
    role_arn: str,
    workteam_arns: dict[str, str],
    manifest_uri: str,
    output_kms_key_id: str | None = None,
) -> DeployContext:
    """The one layout of a job's deploy-time values: the labeling stack fills it with CloudFormation
    tokens, `make plan` with ${Placeholders}, and the Lambda reads it back."""
    context: DeployContext = {
        "partition": partition,
        "region": region,
        "account": account,
        "name_prefix": name_prefix,
        "input_bucket": input_bucket,
        "output_bucket": output_bucket,
        "role_arn": role_arn,
        "workteam_arns": dict(workteam_arns),
        "manifest_uri": manifest_uri,
    }
    if output_kms_key_id:
        context["output_kms_key_id"] = output_kms_key_id
    return context


class DeployValues(Protocol):
    """Where a job's deploy-time values come from: CloudFormation tokens in the labeling stack,
    ${Placeholders} in `make plan`. `deploy_context` is the one place that turns them into a job's
    context, so plan and synth cannot disagree."""

    @property
    def partition(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def name_prefix(self) -> str: ...
    @property
    def input_bucket(self) -> str: ...
    @property
    def output_bucket(self) -> str: ...
    @property
    def role_arn(self) -> str: ...
    @property
    def output_kms_key_id(self) -> str | None: ...

    def workteam_arn(self, team: str) -> str: ...

    def prefix_manifest_uri(self, job: str) -> str:
        """The manifest written for `job`'s input prefix."""
        ...

    def job_output_manifest_uri(self, job: str) -> str:
        """Where the earlier job `job` writes its output manifest."""
        ...


def deploy_context(name: str, spec: JobSpec, values: DeployValues) -> DeployContext:
    """Job `name`'s deploy-time context: its manifest by input kind, its private team's ARN."""
    source = spec["input"]
    if source["kind"] == "prefix":
        manifest_uri = values.prefix_manifest_uri(name)
    elif source["kind"] == "job_output":
        manifest_uri = values.job_output_manifest_uri(source["job"])
    else:
        manifest_uri = source["manifest_uri"]
    team = private_team(spec)
    return job_context(
        partition=values.partition,
        region=values.region,
        account=values.account,
        name_prefix=values.name_prefix,
        input_bucket=values.input_bucket,
        output_bucket=values.output_bucket,
        role_arn=values.role_arn,
        workteam_arns={team: values.workteam_arn(team)} if team else {},
        manifest_uri=manifest_uri,
        output_kms_key_id=values.output_kms_key_id,
    )


def manifest_bucket(spec: JobSpec) -> str | None:
    """The bucket of a job's own input manifest (`input.kind = "manifest"`), or None. Ground Truth
    reads it, and the objects it names, as the execution role (docs/ground-truth.md#input-manifest)."""
    source = spec.get("input", {})
    uri = source.get("manifest_uri") if source.get("kind") == "manifest" else None
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        return None
    return uri.removeprefix("s3://").split("/", 1)[0] or None


def private_team(spec: JobSpec) -> str | None:
    workforce = spec.get("workforce", {})
    return workforce.get("team") if workforce.get("kind", "private") == "private" else None
