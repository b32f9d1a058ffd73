"""Turns a validated JobConfig into the plain JobSpec dict that the Lambdas and `make plan` use."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from gt_rules.errors import Violation
from gt_rules.manifest import MANIFEST_AREA
from gt_rules.spec import DeployContext, JobSpec, job_context, private_team

from .models import Encryption, EnvironmentConfig, JobConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


def _drop_empty(value: Any) -> Any:
    """Leave out unset fields, so a spec holds what the user said and the digest stays stable."""
    if isinstance(value, dict):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def job_spec(job: JobConfig, *, repo_root: Path = REPO_ROOT) -> JobSpec:
    data = job.model_dump(mode="json", exclude={"custom"})
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
    attribute; fill it in unless the user named it (§3.1, §3.2)."""
    from gt_rules.task_types import TASK_TYPES
    from gt_rules.validation import effective_label_attribute_name

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


def build_job_specs(jobs: list[JobConfig], *, repo_root: Path = REPO_ROOT) -> dict[str, JobSpec]:
    """Every job's spec by config name, as the stacks, `make plan` and the Lambdas see them, in
    the order they are created: a job after the job whose output it reads."""
    from gt_rules.chaining import dependency_order

    specs = {job.name: job_spec(job, repo_root=repo_root) for job in jobs}
    fill_audit_attribute_names(specs)
    return {name: specs[name] for name in dependency_order(specs)}


def placeholder_context(config: EnvironmentConfig, name: str, spec: JobSpec) -> DeployContext:
    """The labeling stack's context for this job, with a named placeholder for each token."""
    source = spec["input"]
    if source["kind"] == "prefix":
        manifest_uri = f"s3://${{InputBucket}}/{MANIFEST_AREA}{name}/${{ManifestDigest}}.manifest"
    elif source["kind"] == "job_output":
        manifest_uri = f"${{OutputManifestUri:{source['job']}}}"
    else:
        manifest_uri = source["manifest_uri"]
    team = private_team(spec)
    return job_context(
        partition="aws",
        region=config.region,
        account=config.account or "${AWS::AccountId}",
        name_prefix=config.name_prefix,
        input_bucket="${InputBucket}",
        output_bucket="${OutputBucket}",
        role_arn="${ExecutionRoleArn}",
        workteam_arns={team: f"${{WorkteamArn:{team}}}"} if team else {},
        manifest_uri=manifest_uri,
        output_kms_key_id="${DataKeyArn}" if config.storage.encryption == Encryption.KMS else None,
    )


@functools.cache
def _sagemaker_model() -> dict[str, Any]:
    from gt_rules.service_model import load_sagemaker_model

    return load_sagemaker_model()


def request_violations(config: EnvironmentConfig, name: str, spec: JobSpec) -> list[Violation]:
    """The job's CreateLabelingJob request, as `make plan` shows it, against botocore's SageMaker
    model: the patterns, lengths and ranges botocore itself never checks (§1.1). Placeholders
    (deploy-time values) are skipped; the Lambda checks the real request again."""
    from gt_rules.request import plan_job
    from gt_rules.service_model import service_model_violations

    request = plan_job(spec, placeholder_context(config, name, spec)).request
    return [
        Violation(f"request.{v.field}", v.value, f"CreateLabelingJob: {v.rule}")
        for v in service_model_violations(request, model=_sagemaker_model())
    ]
