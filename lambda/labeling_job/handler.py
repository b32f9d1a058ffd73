"""Custom resource for one Ground Truth labeling job (CDK Provider framework: on_event, is_complete).

Create uploads the job's files and calls CreateLabelingJob; is_complete waits only until the job
leaves Initializing, never for it to finish (jobs run for days; the Provider stops at an hour).
Update creates a new job when the definition changed, since every field is immutable, and
returns to the existing job when it did not (or when CloudFormation rolls back to it).
Delete stops a running job and never fails a stack deletion. Decisions live in gt_rules.

What the stack guarantees on each path (README, "What a failed deploy, a rollback and a destroy
leave"): only a job created by this very request can fail the resource; returning to a job that
already exists (an unchanged definition, or the rollback of a replacement, whatever state the job
is in by now) always succeeds and reports the job's state in the attributes.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from gt_rules.errors import RuleViolation
from gt_rules.handler_keys import LabelingJobAttributes, LabelingJobProperties
from gt_rules.lifecycle import (
    CREATE_ATTEMPTS,
    CREATE_BASE_DELAY_SECONDS,
    CREATE_MAX_DELAY_SECONDS,
    create_progress,
    create_retryable,
    is_job_name,
    name_taken,
    needs_stop,
    output_manifest_uri,
    same_job_name,
)
from gt_rules.request import Artifact, JobPlan, plan_job
from gt_rules.retry import call_with_retries, error_code, error_message
from gt_rules.spec import DeployContext, JobSpec
from gt_runtime.aws import Clients, describe_labeling_job, describe_labeling_job_or_none

try:
    from gt_rules import service_model
except ImportError:  # optional extra check: without it the service itself validates the request
    service_model = None  # type: ignore[assignment]

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

Sleep = Callable[[float], None]

# Carried from on_event into is_complete's event (the Provider framework merges on_event's answer
# into it). True when the job must reach InProgress for the resource to succeed: a job this
# request created, or the job a Create found under its name (a Create is never part of a
# rollback, and a stack being created must get a running job). False when an Update returned to
# a job that already existed: its state is reported, never a reason to fail.
WAIT_FOR_START_KEY = "WaitForStart"

CLIENTS = Clients()


# --- Entry points ---


def on_event(
    event: Mapping[str, Any], context: object = None, *, sleep: Sleep | None = None
) -> dict[str, Any]:
    sleep = sleep or time.sleep
    request_type = event["RequestType"]
    LOG.info("%s %s", request_type, event.get("PhysicalResourceId", "(new)"))
    if request_type == "Create":
        return _create(plan_job(*read_properties(event["ResourceProperties"])), sleep, is_update=False)
    if request_type == "Update":
        return _update(
            event["PhysicalResourceId"], plan_job(*read_properties(event["ResourceProperties"])), sleep
        )
    if request_type == "Delete":
        return _delete(event["PhysicalResourceId"], sleep)
    raise ValueError(f"unknown RequestType {request_type!r}")


def is_complete(
    event: Mapping[str, Any], context: object = None, *, sleep: Sleep | None = None
) -> dict[str, Any]:
    sleep = sleep or time.sleep
    # Delete needs no wait (Stop is fire-and-forget); a job returned to needs none either.
    if event["RequestType"] == "Delete" or event.get(WAIT_FOR_START_KEY) is False:
        return {"IsComplete": True}
    job_name = event["PhysicalResourceId"]
    described = describe_labeling_job_or_none(CLIENTS("sagemaker"), job_name, sleep=sleep)
    if described is None:
        # UNVERIFIED: Describe right after Create may not see the job yet; keep polling, the
        # Provider's total timeout bounds this.
        LOG.info("%s not visible yet", job_name)
        return {"IsComplete": False}
    status = described["LabelingJobStatus"]
    LOG.info("%s is %s", job_name, status)
    if not create_progress(status, described.get("FailureReason", ""), job_name=job_name):
        return {"IsComplete": False}
    return {"IsComplete": True, "Data": {**event.get("Data", {}), **_attributes(described)}}


# --- Event translation ---


def read_properties(properties: Mapping[str, Any]) -> tuple[JobSpec, DeployContext]:
    """SpecJson travels as a JSON string so CloudFormation does not turn its numbers into strings."""
    spec: JobSpec = json.loads(properties[LabelingJobProperties.SPEC_JSON])
    raw_ctx = properties[LabelingJobProperties.CONTEXT]
    ctx: DeployContext = json.loads(raw_ctx) if isinstance(raw_ctx, str) else raw_ctx
    return spec, ctx


def _response(job_name: str, data: dict[str, str], *, wait_for_start: bool) -> dict[str, Any]:
    return {"PhysicalResourceId": job_name, "Data": data, WAIT_FOR_START_KEY: wait_for_start}


def _attributes(described: Mapping[str, Any]) -> dict[str, str]:
    """Attributes from DescribeLabelingJob: what AWS holds, not what the new properties say."""
    job_name = described["LabelingJobName"]
    manifest = described.get("LabelingJobOutput", {}).get("OutputDatasetS3Uri") or output_manifest_uri(
        described["OutputConfig"]["S3OutputPath"], job_name
    )
    return {
        LabelingJobAttributes.ARN: described["LabelingJobArn"],
        LabelingJobAttributes.NAME: job_name,
        LabelingJobAttributes.OUTPUT_MANIFEST_URI: manifest,
        LabelingJobAttributes.STATUS: described["LabelingJobStatus"],
    }


# --- Create / Update / Delete ---


def _create(plan: JobPlan, sleep: Sleep, *, is_update: bool) -> dict[str, Any]:
    check_request(plan)
    for artifact in plan.artifacts:
        _put_artifact(artifact, sleep)
    arn, existing = _create_job(plan, sleep)
    if existing is None:
        data = {
            LabelingJobAttributes.ARN: arn,
            LabelingJobAttributes.NAME: plan.job_name,
            LabelingJobAttributes.OUTPUT_MANIFEST_URI: plan.output_manifest_uri,
        }
        return _response(plan.job_name, data, wait_for_start=True)
    if is_update:
        # The name is a digest of the definition: an Update whose job already exists returns to
        # it, which is what a rollback of a replacement does. Whatever state it is in by now
        # (finished, failed, stopped by the reaper), returning to it must succeed.
        LOG.warning("returning to %s, which is %s", plan.job_name, existing["LabelingJobStatus"])
        return _response(plan.job_name, _attributes(existing), wait_for_start=False)
    # A Create whose name is taken: an earlier attempt of this request, or a job of a stack that
    # was deleted. It must run for the stack to be usable; is_complete says so if it cannot.
    LOG.info("%s already exists: adopting it", plan.job_name)
    return _response(plan.job_name, _attributes(existing), wait_for_start=True)


def _update(old_id: str, plan: JobPlan, sleep: Sleep) -> dict[str, Any]:
    # The name is a digest of the definition only, so deploy-time values moving keep the job.
    if same_job_name(plan.job_name, old_id):
        described = describe_labeling_job_or_none(CLIENTS("sagemaker"), old_id, sleep=sleep)
        if described is not None:
            LOG.info("definition unchanged: keeping %s", old_id)
            # The old id exactly: a different id, even in case only, makes CloudFormation delete it.
            return _response(old_id, _attributes(described), wait_for_start=False)
        LOG.warning("%s is gone; creating it again", old_id)
    return _create(plan, sleep, is_update=True)


def _delete(physical_id: str, sleep: Sleep) -> dict[str, Any]:
    response = {"PhysicalResourceId": physical_id}
    if not is_job_name(physical_id):
        LOG.info("%r is not a job name (a Create that failed): nothing to stop", physical_id)
        return response
    try:
        sagemaker = CLIENTS("sagemaker")
        described = describe_labeling_job_or_none(sagemaker, physical_id, sleep=sleep)
        if described is None:
            LOG.info("%s does not exist: nothing to stop", physical_id)
            return response
        status = described["LabelingJobStatus"]
        if not needs_stop(status):
            LOG.info("%s is %s: nothing to stop", physical_id, status)
            return response
        call_with_retries(lambda: sagemaker.stop_labeling_job(LabelingJobName=physical_id), sleep=sleep)
        LOG.info("stopping %s (was %s)", physical_id, status)
    except Exception:
        # A job must never block a stack deletion; jobs cannot be deleted anyway.
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
    assert service_model is not None
    return service_model.load_sagemaker_model()


def _put_artifact(artifact: Artifact, sleep: Sleep) -> None:
    # put_object overwrites, so a retried Create writes the same bytes again.
    s3 = CLIENTS("s3")
    call_with_retries(
        lambda: s3.put_object(
            Bucket=artifact.bucket,
            Key=artifact.key,
            Body=artifact.body.encode("utf-8"),
            ContentType=artifact.content_type,
        ),
        sleep=sleep,
    )


def _create_job(plan: JobPlan, sleep: Sleep) -> tuple[str, dict[str, Any] | None]:
    """CreateLabelingJob with bounded retries: (job ARN, None) when this call created the job,
    (job ARN, its description) when the name was already taken by an existing job."""
    sagemaker = CLIENTS("sagemaker")
    role_arn = str(plan.request["RoleArn"])
    try:
        response = call_with_retries(
            lambda: sagemaker.create_labeling_job(**plan.request),
            retryable=lambda exc: create_retryable(error_code(exc), error_message(exc), role_arn),
            attempts=CREATE_ATTEMPTS,
            base_delay=CREATE_BASE_DELAY_SECONDS,
            max_delay=CREATE_MAX_DELAY_SECONDS,
            sleep=sleep,
        )
    except ClientError as exc:
        code = error_code(exc)
        if not name_taken(code):
            raise RuntimeError(
                f"CreateLabelingJob {plan.job_name} failed ({code}): {error_message(exc)}"
            ) from exc
        existing = describe_labeling_job(sagemaker, plan.job_name, sleep=sleep)
        return str(existing["LabelingJobArn"]), existing
    return str(response["LabelingJobArn"]), None
