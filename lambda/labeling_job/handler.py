"""Custom resource for one Ground Truth labeling job (CDK Provider framework: on_event, is_complete).

Create uploads the job's files and calls CreateLabelingJob; is_complete waits only until the job
leaves Initializing, never for it to finish (jobs run for days, the Provider stops at an hour).
Update creates a new job when the definition changed, since every field is immutable (§8.2).
Delete stops a running job and never fails a stack deletion. Decisions live in gt_rules.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gt_rules.errors import RuleViolation
from gt_rules.lifecycle import (
    CREATE_ATTEMPTS,
    CREATE_BASE_DELAY_SECONDS,
    CREATE_MAX_DELAY_SECONDS,
    create_progress,
    create_retryable,
    is_job_name,
    is_not_found,
    name_taken,
    needs_stop,
    output_manifest_uri,
    same_job_name,
)
from gt_rules.request import Artifact, JobPlan, plan_job
from gt_rules.retry import call_with_retries, error_code, error_message
from gt_rules.spec import DeployContext, JobSpec

try:
    from gt_rules import service_model
except ImportError:  # optional extra check: without it the service itself validates the request
    service_model = None  # type: ignore[assignment]

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

Sleep = Callable[[float], None]

# Carried from on_event into is_complete's event (the Provider merges on_event's answer into it).
# False when an Update kept the existing job: that job was accepted at its own Create, so a later
# Stopped or Failed state must not fail an unrelated deploy.
JOB_CREATED_KEY = "JobCreated"

_CLIENT_CONFIG = Config(retries={"mode": "standard"})
# Created on first use, so tests can put stubbed clients here before calling a handler.
CLIENTS: dict[str, Any] = {}


def client(service: str) -> Any:
    if service not in CLIENTS:
        CLIENTS[service] = boto3.client(service, config=_CLIENT_CONFIG)
    return CLIENTS[service]


# --- Entry points ---


def on_event(event: dict[str, Any], context: object = None, *, sleep: Sleep | None = None) -> dict[str, Any]:
    sleep = sleep or time.sleep
    request_type = event["RequestType"]
    LOG.info("%s %s", request_type, event.get("PhysicalResourceId", "(new)"))
    if request_type == "Create":
        return _create(plan_job(*read_properties(event["ResourceProperties"])), sleep)
    if request_type == "Update":
        return _update(
            event["PhysicalResourceId"], plan_job(*read_properties(event["ResourceProperties"])), sleep
        )
    if request_type == "Delete":
        return _delete(event["PhysicalResourceId"], sleep)
    raise ValueError(f"unknown RequestType {request_type!r}")


def is_complete(
    event: dict[str, Any], context: object = None, *, sleep: Sleep | None = None
) -> dict[str, Any]:
    sleep = sleep or time.sleep
    # Delete needs no wait (Stop is fire-and-forget); a kept job needs none either.
    if event["RequestType"] == "Delete" or event.get(JOB_CREATED_KEY) is False:
        return {"IsComplete": True}
    job_name = event["PhysicalResourceId"]
    described = _describe_or_none(job_name, sleep)
    if described is None:
        # UNVERIFIED: Describe right after Create may not see the job yet; keep polling, the
        # Provider's total timeout bounds this.
        LOG.info("%s not visible yet", job_name)
        return {"IsComplete": False}
    status = described["LabelingJobStatus"]
    LOG.info("%s is %s", job_name, status)
    if not create_progress(status, described.get("FailureReason", ""), job_name=job_name):
        return {"IsComplete": False}
    data = {**event.get("Data", {}), **_data(described)}
    return {"IsComplete": True, "Data": data}


# --- Event translation ---


def read_properties(properties: dict[str, Any]) -> tuple[JobSpec, DeployContext]:
    """SpecJson travels as a JSON string so CloudFormation does not turn its numbers into strings."""
    spec: JobSpec = json.loads(properties["SpecJson"])
    raw_ctx = properties["Context"]
    ctx: DeployContext = json.loads(raw_ctx) if isinstance(raw_ctx, str) else raw_ctx
    return spec, ctx


def _response(job_name: str, data: dict[str, str], *, created: bool) -> dict[str, Any]:
    return {"PhysicalResourceId": job_name, "Data": data, JOB_CREATED_KEY: created}


def _data(described: dict[str, Any]) -> dict[str, str]:
    """Attributes from DescribeLabelingJob: what AWS holds, not what the new properties say."""
    job_name = described["LabelingJobName"]
    manifest = described.get("LabelingJobOutput", {}).get("OutputDatasetS3Uri") or output_manifest_uri(
        described["OutputConfig"]["S3OutputPath"], job_name
    )
    return {
        "LabelingJobArn": described["LabelingJobArn"],
        "LabelingJobName": job_name,
        "OutputManifestUri": manifest,
    }


# --- Create / Update / Delete ---


def _create(plan: JobPlan, sleep: Sleep) -> dict[str, Any]:
    check_request(plan)
    for artifact in plan.artifacts:
        _put_artifact(artifact, sleep)
    arn = _create_job(plan, sleep)
    data = {
        "LabelingJobArn": arn,
        "LabelingJobName": plan.job_name,
        "OutputManifestUri": plan.output_manifest_uri,
    }
    return _response(plan.job_name, data, created=True)


def _update(old_id: str, plan: JobPlan, sleep: Sleep) -> dict[str, Any]:
    # The name is a digest of the definition only, so deploy-time values moving keep the job.
    if same_job_name(plan.job_name, old_id):
        described = _describe_or_none(old_id, sleep)
        if described is not None:
            LOG.info("definition unchanged: keeping %s", old_id)
            # The old id exactly: a different id, even in case only, makes CloudFormation delete it.
            return _response(old_id, _data(described), created=False)
        LOG.warning("%s is gone; creating it again", old_id)
    return _create(plan, sleep)


def _delete(physical_id: str, sleep: Sleep) -> dict[str, Any]:
    response = {"PhysicalResourceId": physical_id}
    if not is_job_name(physical_id):
        LOG.info("%r is not a job name (a Create that failed): nothing to stop", physical_id)
        return response
    try:
        described = _describe_or_none(physical_id, sleep)
        if described is None:
            LOG.info("%s does not exist: nothing to stop", physical_id)
            return response
        status = described["LabelingJobStatus"]
        if not needs_stop(status):
            LOG.info("%s is %s: nothing to stop", physical_id, status)
            return response
        sm = client("sagemaker")
        call_with_retries(lambda: sm.stop_labeling_job(LabelingJobName=physical_id), sleep=sleep)
        LOG.info("stopping %s (was %s)", physical_id, status)
    except Exception:
        # A job must never block a stack deletion; jobs cannot be deleted anyway (§8.2).
        LOG.exception("ignoring an error while stopping %s", physical_id)
    return response


# --- AWS calls ---


def check_request(plan: JobPlan) -> None:
    """Fail fast on what botocore does not check (max, pattern), with a readable message."""
    if service_model is None:
        return
    violations = service_model.service_model_violations(plan.request, model=_sagemaker_model())
    if violations:
        raise RuleViolation(violations, context=f"CreateLabelingJob {plan.job_name}: ")


@functools.lru_cache(maxsize=1)
def _sagemaker_model() -> dict[str, Any]:
    # Parsing botocore's SageMaker JSON takes a moment: once per container, not once per event.
    # Called only from check_request, after it has seen that service_model imported.
    return service_model.load_sagemaker_model()  # type: ignore[union-attr]


def _put_artifact(artifact: Artifact, sleep: Sleep) -> None:
    # put_object overwrites, so a retried Create writes the same bytes again.
    s3 = client("s3")
    call_with_retries(
        lambda: s3.put_object(
            Bucket=artifact.bucket,
            Key=artifact.key,
            Body=artifact.body.encode("utf-8"),
            ContentType=artifact.content_type,
        ),
        sleep=sleep,
    )


def _create_job(plan: JobPlan, sleep: Sleep) -> str:
    """CreateLabelingJob with bounded retries; returns the job ARN."""
    sm = client("sagemaker")
    try:
        response = call_with_retries(
            lambda: sm.create_labeling_job(**plan.request),
            retryable=lambda exc: create_retryable(error_code(exc)),
            attempts=CREATE_ATTEMPTS,
            base_delay=CREATE_BASE_DELAY_SECONDS,
            max_delay=CREATE_MAX_DELAY_SECONDS,
            sleep=sleep,
        )
        return str(response["LabelingJobArn"])
    except ClientError as exc:
        code = error_code(exc)
        if not name_taken(code):
            raise RuntimeError(
                f"CreateLabelingJob {plan.job_name} failed ({code}): {error_message(exc)}"
            ) from exc
    # The name is ours and deterministic: an earlier attempt of this same event created it.
    LOG.info("%s already exists: adopting it", plan.job_name)
    return str(_describe(plan.job_name, sleep)["LabelingJobArn"])


def _describe(job_name: str, sleep: Sleep) -> dict[str, Any]:
    sm = client("sagemaker")
    return call_with_retries(lambda: sm.describe_labeling_job(LabelingJobName=job_name), sleep=sleep)


def _describe_or_none(job_name: str, sleep: Sleep) -> dict[str, Any] | None:
    try:
        return _describe(job_name, sleep)
    except ClientError as exc:
        if is_not_found(error_code(exc), error_message(exc)):
            return None
        raise
