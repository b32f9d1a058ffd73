"""Turns a validated JobConfig into the plain JobSpec dict that the Lambdas and `make plan` use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gt_rules.spec import JobSpec

from .models import JobConfig

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
    """Every job's spec by config name, as the stacks, `make plan` and the Lambdas see them."""
    specs = {job.name: job_spec(job, repo_root=repo_root) for job in jobs}
    fill_audit_attribute_names(specs)
    return specs
