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
