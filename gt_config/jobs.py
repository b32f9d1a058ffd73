"""Turns a validated JobConfig into the plain JobSpec dict that the Lambdas and `make plan` use,
and gives `make plan` its deploy-time placeholders. Called by the loader, once per environment."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gt_rules.errors import Violation
from gt_rules.limits import DATA_TYPE_EXTENSIONS
from gt_rules.manifest import (
    MANIFEST_AREA,
    ByteStream,
    ManifestStats,
    build_manifest,
    select_keys,
)
from gt_rules.spec import DeployContext, JobSpec, deploy_context

from .models import Encryption, EnvironmentConfig, JobConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
# What `storage.upload_sample_data` copies to the input bucket, every file but its README
# (labeling_constructs/sample_data.py), each under its path relative to this folder.
SAMPLE_DATA_DIR = REPO_ROOT / "sample_data"
SAMPLE_DATA_NOT_UPLOADED = frozenset({"README.md"})
# Fields that only `make plan` reads: left out of the spec, so they never change a job's name.
PLANNING_ONLY_FIELDS = frozenset({"expected_objects"})


def _drop_empty(value: Any) -> Any:
    """Leave out unset fields, so a spec holds what the user said and the digest stays stable."""
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def job_spec(job: JobConfig, *, repo_root: Path = REPO_ROOT) -> JobSpec:
    data = job.model_dump(mode="json", exclude={"custom", *PLANNING_ONLY_FIELDS})
    if job.custom is not None:
        template = (repo_root / job.custom.template_file).read_text(encoding="utf-8")
        data["custom"] = {
            "template_html": template,
            "pre_lambda_arn": job.custom.pre_lambda_arn,
            "acs_lambda_arn": job.custom.acs_lambda_arn,
        }
    if job.workforce.price_usd is not None:
        data["workforce"]["price_usd"] = str(job.workforce.price_usd)
    spec: JobSpec = _drop_empty(data)
    spec["revision"] = job.revision  # kept even when 0: part of the definition's digest
    spec["automated_labeling"] = job.automated_labeling
    return spec


def fill_audit_attribute_names(specs: dict[str, JobSpec]) -> None:
    """A verification or adjustment job reading an earlier job's output reviews that job's
    attribute; fill it in unless the user named it
    (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-verification-data.html)."""
    from gt_rules.task_types import TASK_TYPES, effective_label_attribute_name

    for spec in specs.values():
        task_type = TASK_TYPES.get(str(spec.get("task_type")))
        earlier = specs.get(str(spec.get("input", {}).get("job")))
        if (
            task_type
            and task_type.is_audit
            and earlier is not None
            and not spec.get("audit_label_attribute_name")
        ):
            spec["audit_label_attribute_name"] = effective_label_attribute_name(earlier)


@dataclass(frozen=True)
class PlaceholderValues:
    """`make plan`'s deploy-time values: a named ${Placeholder} for each value CloudFormation
    only knows at deploy time (gt_rules.spec.DeployValues)."""

    config: EnvironmentConfig

    partition = "aws"

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def account(self) -> str:
        return self.config.account or "${AWS::AccountId}"

    @property
    def name_prefix(self) -> str:
        return self.config.name_prefix

    input_bucket = "${InputBucket}"
    output_bucket = "${OutputBucket}"
    role_arn = "${ExecutionRoleArn}"

    @property
    def output_kms_key_id(self) -> str | None:
        return "${DataKeyArn}" if self.config.storage.encryption == Encryption.KMS else None

    def workteam_arn(self, team: str) -> str:
        return f"${{WorkteamArn:{team}}}"

    def prefix_manifest_uri(self, job: str) -> str:
        return f"s3://${{InputBucket}}/{MANIFEST_AREA}{job}/${{ManifestDigest}}.manifest"

    def job_output_manifest_uri(self, job: str) -> str:
        return f"${{OutputManifestUri:{job}}}"


def placeholder_context(config: EnvironmentConfig, name: str, spec: JobSpec) -> DeployContext:
    """The labeling stack's context for this job, with a named placeholder for each token."""
    return deploy_context(name, spec, PlaceholderValues(config))


@functools.cache
def _sagemaker_model() -> dict[str, Any]:
    from gt_rules.service_model import load_sagemaker_model

    return load_sagemaker_model()


def request_violations(config: EnvironmentConfig, name: str, spec: JobSpec) -> list[Violation]:
    """The job's CreateLabelingJob request, as `make plan` shows it, against botocore's SageMaker
    model: the patterns, lengths and ranges botocore itself never checks. Placeholders
    (deploy-time values) are skipped; the Lambda checks the real request again."""
    from gt_rules.request import plan_job
    from gt_rules.service_model import service_model_violations

    request = plan_job(spec, placeholder_context(config, name, spec)).request
    return [
        Violation(f"request.{v.field}", v.value, f"CreateLabelingJob: {v.rule}")
        for v in service_model_violations(request, model=_sagemaker_model())
    ]


# --- the local sample data: what the input bucket will hold when upload_sample_data is true ---


def sample_data_keys(root: Path = SAMPLE_DATA_DIR) -> list[str]:
    """The S3 keys the sample upload writes, in S3's listing order (by key)."""
    if not root.is_dir():
        return []
    keys = (path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return sorted(key for key in keys if key not in SAMPLE_DATA_NOT_UPLOADED)


def sample_data_objects(keys: Sequence[str], prefix: str, data_type: str) -> list[str]:
    """The sample keys a prefix job of `data_type` would list, before its selection."""
    return list(select_keys([keys], prefix=prefix, data_type=data_type))


def sample_data_prefixes(keys: Sequence[str]) -> dict[str, Counter[str]]:
    """Top-level folders of the sample data with their files' extensions counted: `fashion/`."""
    found: dict[str, Counter[str]] = {}
    for key in keys:
        folder, _, name = key.partition("/")
        if name:
            found.setdefault(f"{folder}/", Counter())[Path(name).suffix.lower() or "(none)"] += 1
    return found


def describe_sample_prefixes(keys: Sequence[str]) -> str:
    """`fashion/ (20 .png), numbers/ (8 .txt)`."""
    described = [
        f"{prefix} (" + ", ".join(f"{n} {ext}" for ext, n in sorted(counts.items())) + ")"
        for prefix, counts in sample_data_prefixes(keys).items()
    ]
    return ", ".join(described) or "none"


def extensions_text(data_type: str) -> str:
    return ", ".join(DATA_TYPE_EXTENSIONS.get(data_type, ()))


def count_sample_items(spec: JobSpec, root: Path = SAMPLE_DATA_DIR) -> ManifestStats:
    """The items the manifest Lambda would write for a prefix job over the sample data: the same
    gt_rules.manifest code, fed the local files (selection applied, blank text skipped).
    Raises ManifestError where the Lambda would fail (nothing selected, no text)."""
    source = spec["input"]
    root_dir = root.resolve()

    def open_object(key: str) -> ByteStream:
        return (root_dir / key).open("rb")

    return build_manifest(
        _NullSink(),
        [sample_data_keys(root)],
        bucket="sample-data",
        prefix=str(source.get("prefix", "")),
        data_type=str(source.get("data_type")),
        selection=source.get("selection"),
        open_object=open_object,
    )


class _NullSink:
    """Counting needs no manifest text."""

    def write(self, text: str, /) -> int:
        return len(text)
