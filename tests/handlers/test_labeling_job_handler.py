"""The labeling-job custom resource: SageMaker through botocore's Stubber, S3 through moto.

Stubber checks every request against botocore's SageMaker model; a call the test did not expect
fails. Delete swallows every error by design, so the SageMaker calls made are also recorded from
botocore's own event hook and compared as a list.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
from collections.abc import Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from gt_rules.errors import RuleViolation, Violation
from gt_rules.lifecycle import CREATE_ATTEMPTS, JobFailed
from gt_rules.naming import physical_job_name
from gt_rules.request import JobPlan, plan_job
from gt_rules.spec import DeployContext, JobSpec
from tests.handlers.conftest import load_handler

REGION = "us-east-1"
ACCOUNT = "111122223333"
BUCKETS = ("fashion-labeling", "gtlab-dev-output")  # input, output
TEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/super-labelers"

# The console walk-throughs' fashion job and even/odd numbers job (sample_data/README.md), as the config
# layer hands them over.
FASHION: JobSpec = {
    "name": "fashion",
    "task_type": "image_classification",
    "label_attribute_name": "fashion",
    "labels": ["Bag", "Eyewear", "Flipflop", "Watch"],
    "instructions": {
        "short": "Choose the category of the fashion item shown.",
        "full": "Each image shows one item. Choose Bag, Eyewear, Flipflop or Watch.",
    },
    "title": "Classify Fashion Images to one of 4 categories",
    "description": "Pick the one category that best describes the item in the image",
    "keywords": ["image", "classification", "fashion"],
    "input": {"kind": "prefix", "prefix": "fashion/", "data_type": "images"},
    "workforce": {"kind": "private", "team": "super-labelers"},
    "workers_per_object": 1,
    "task_time_limit_seconds": 300,
    "task_availability_lifetime_seconds": 864_000,
}
NUMBERS: JobSpec = {
    "name": "numbers",
    "task_type": "text_classification",
    "label_attribute_name": "parity",
    "labels": ["Even", "Odd"],
    "instructions": {
        "short": "Classify the number as even or odd.",
        "good_examples": [{"text": "42", "label": "Even"}],
        "bad_examples": [{"text": "19", "label": "Even"}],
    },
    "title": "Classify the number as even or odd",
    "description": "Read the number and say whether it is even or odd",
    "keywords": ["text", "numbers"],
    "input": {"kind": "prefix", "prefix": "numbers/", "data_type": "text_objects"},
    "workforce": {"kind": "private", "team": "super-labelers"},
    "workers_per_object": 1,
    "task_time_limit_seconds": 3600,
    "task_availability_lifetime_seconds": 864_000,
}


def make_ctx(**overrides: Any) -> DeployContext:
    ctx: DeployContext = {
        "partition": "aws",
        "region": REGION,
        "account": ACCOUNT,
        "name_prefix": "gtlab-dev",
        "input_bucket": "fashion-labeling",
        "output_bucket": "gtlab-dev-output",
        "role_arn": f"arn:aws:iam::{ACCOUNT}:role/gtlab-dev-GroundTruthExecution",
        "workteam_arns": {"super-labelers": TEAM_ARN},
        "manifest_uri": "s3://fashion-labeling/fashion/dataset-20220203T055202.manifest",
    }
    ctx.update(overrides)  # type: ignore[typeddict-item]
    return ctx


SERVICE_TOKEN = (
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gtlab-dev-labeling-LabelingJobsProviderframew-1A2B"
)


def properties(spec: JobSpec, ctx: DeployContext) -> dict[str, Any]:
    """ResourceProperties as CloudFormation sends them: the ServiceToken first, every value as written
    in the template (the context's nested values are strings already)."""
    return {"ServiceToken": SERVICE_TOKEN, "SpecJson": json.dumps(spec), "Context": ctx}


def cfn_event(request_type: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A custom-resource request exactly as CloudFormation sends it to the Provider framework, which
    passes it on to on_event unchanged."""
    return {
        "RequestType": request_type,
        "ServiceToken": SERVICE_TOKEN,
        "ResponseURL": "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/gtlab-dev-labeling/0a1b2c3d",
        "RequestId": f"{request_type.lower()}-5f1c2d3e",
        "LogicalResourceId": "JobfashionResource1A2B3C4D",
        "ResourceType": "Custom::GroundTruthLabelingJob",
        "ResourceProperties": properties,
        **extra,
    }


def create_event(spec: JobSpec, ctx: DeployContext) -> dict[str, Any]:
    return cfn_event("Create", properties(spec, ctx))


def update_event(
    physical_id: str, spec: JobSpec, ctx: DeployContext, old_spec: JobSpec, old_ctx: DeployContext
) -> dict[str, Any]:
    return cfn_event(
        "Update",
        properties(spec, ctx),
        PhysicalResourceId=physical_id,
        OldResourceProperties=properties(old_spec, old_ctx),
    )


def rollback_event(
    physical_id: str, old_spec: JobSpec, failed_spec: JobSpec, ctx: DeployContext
) -> dict[str, Any]:
    """The Update CloudFormation sends when it rolls back a failed stack update: the properties of
    before the update, the failed update's properties as OldResourceProperties."""
    return update_event(physical_id, old_spec, ctx, failed_spec, ctx)


def delete_event(physical_id: str) -> dict[str, Any]:
    return cfn_event("Delete", properties(FASHION, make_ctx()), PhysicalResourceId=physical_id)


def waiter_event(event: dict[str, Any], on_event_answer: dict[str, Any]) -> dict[str, Any]:
    """What the Provider framework hands is_complete: the request merged with on_event's answer."""
    return {**event, **on_event_answer}


def job_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{name.lower()}"


def described(plan: JobPlan, status: str, failure_reason: str | None = None) -> dict[str, Any]:
    """A DescribeLabelingJob answer echoing the plan's request, valid against botocore's model."""
    request = plan.request
    now = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
    answer: dict[str, Any] = {
        "LabelingJobStatus": status,
        "LabelCounters": {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0, "Unlabeled": 20},
        "CreationTime": now,
        "LastModifiedTime": now,
        "JobReferenceCode": "a1b2c3d4",
        "LabelingJobName": request["LabelingJobName"],
        "LabelingJobArn": job_arn(request["LabelingJobName"]),
    }
    for key in ("LabelAttributeName", "InputConfig", "OutputConfig", "RoleArn", "HumanTaskConfig"):
        answer[key] = copy.deepcopy(request[key])
    for key in ("LabelCategoryConfigS3Uri", "StoppingConditions", "Tags"):
        if key in request:
            answer[key] = copy.deepcopy(request[key])
    if failure_reason is not None:
        answer["FailureReason"] = failure_reason
    return answer


def client_error(stubber: Stubber, method: str, code: str, message: str, params: dict[str, Any]) -> None:
    stubber.add_client_error(
        method, service_error_code=code, service_message=message, http_status_code=400, expected_params=params
    )


def uploaded_keys(s3: Any) -> list[str]:
    return [
        f"{bucket}/{item['Key']}"
        for bucket in BUCKETS
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    ]


# --- Fixtures ---


@pytest.fixture
def handler() -> Iterator[ModuleType]:
    module = load_handler("labeling_job")
    yield module
    module.CLIENTS.clear()


@pytest.fixture
def sm(handler: ModuleType) -> Iterator[SimpleNamespace]:
    """A real SageMaker client behind a Stubber, plus the list of operations it was asked for."""
    client = boto3.client("sagemaker", region_name=REGION)
    calls: list[str] = []
    # provide-client-params fires before the Stubber answers, for every call made.
    client.meta.events.register(
        "provide-client-params.sagemaker.*", lambda model, **_: calls.append(model.name)
    )
    handler.CLIENTS.use("sagemaker", client)
    with Stubber(client) as stubber:
        yield SimpleNamespace(stubber=stubber, calls=calls)
        stubber.assert_no_pending_responses()


@pytest.fixture
def s3(handler: ModuleType) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        for bucket in BUCKETS:
            client.create_bucket(Bucket=bucket)
        handler.CLIENTS.use("s3", client)
        yield client


@pytest.fixture
def delays() -> list[float]:
    return []


@pytest.fixture
def ctx() -> DeployContext:
    return make_ctx()


@pytest.fixture
def plan(ctx: DeployContext) -> JobPlan:
    return plan_job(FASHION, ctx)


# --- Create ---


@pytest.mark.parametrize("spec", [FASHION, NUMBERS], ids=["fashion", "numbers"])
def test_create_uploads_artifacts_then_creates_the_planned_job(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, delays: list[float], spec: JobSpec
) -> None:
    plan = plan_job(spec, ctx)
    arn = job_arn(plan.job_name)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": arn}, plan.request)

    result = handler.on_event(create_event(spec, ctx), None, sleep=delays.append)

    assert result["PhysicalResourceId"] == plan.job_name == physical_job_name("gtlab-dev", spec)
    assert result["Data"] == {
        "LabelingJobArn": arn,
        "LabelingJobName": plan.job_name,
        "OutputManifestUri": plan.output_manifest_uri,
    }
    assert result["WaitForStart"] is True
    assert sm.calls == ["CreateLabelingJob"]
    assert delays == []
    # The deploy-time values reach the request untouched.
    assert plan.request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] == ctx["manifest_uri"]
    assert plan.request["HumanTaskConfig"]["WorkteamArn"] == TEAM_ARN
    assert plan.request["RoleArn"] == ctx["role_arn"]
    assert plan.output_manifest_uri.endswith(f"/{plan.job_name}/manifests/output/output.manifest")
    assert plan.artifacts
    assert sorted(uploaded_keys(s3)) == sorted(f"{a.bucket}/{a.key}" for a in plan.artifacts)
    for artifact in plan.artifacts:
        stored = s3.get_object(Bucket=artifact.bucket, Key=artifact.key)
        assert stored["Body"].read().decode("utf-8") == artifact.body
        assert stored["ContentType"] == artifact.content_type


def test_create_accepts_context_as_a_json_string(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan
) -> None:
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)
    event = create_event(FASHION, ctx)
    event["ResourceProperties"]["Context"] = json.dumps(ctx)
    assert handler.on_event(event, None, sleep=lambda _: None)["PhysicalResourceId"] == plan.job_name


def test_create_retries_iam_propagation_then_succeeds(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    message = f"Could not assume role {ctx['role_arn']}"
    client_error(sm.stubber, "create_labeling_job", "ValidationException", message, plan.request)
    client_error(sm.stubber, "create_labeling_job", "ValidationException", message, plan.request)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)

    result = handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert result["Data"]["LabelingJobArn"] == job_arn(plan.job_name)
    assert sm.calls == ["CreateLabelingJob"] * 3
    assert delays == [2.0, 4.0]


def test_create_gives_up_after_the_bound_with_the_last_message(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        message = f"Could not assume role {ctx['role_arn']} (attempt {attempt})"
        client_error(sm.stubber, "create_labeling_job", "ValidationException", message, plan.request)

    with pytest.raises(RuntimeError) as info:
        handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    text = str(info.value)
    assert plan.job_name in text
    assert "ValidationException" in text
    assert f"(attempt {CREATE_ATTEMPTS})" in text
    assert len(sm.calls) == CREATE_ATTEMPTS
    assert len(delays) == CREATE_ATTEMPTS - 1
    assert max(delays) == 30.0
    assert 90 <= sum(delays) <= 150  # about two minutes, as the brief and Terraform do


def test_create_retries_throttling(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    client_error(sm.stubber, "create_labeling_job", "ThrottlingException", "Rate exceeded", plan.request)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)

    handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert sm.calls == ["CreateLabelingJob", "CreateLabelingJob"]
    assert len(delays) == 1


def test_create_does_not_retry_a_quota_error(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    message = "The account-level service limit 'Number of concurrent labeling jobs' is 30"
    client_error(sm.stubber, "create_labeling_job", "ResourceLimitExceeded", message, plan.request)

    with pytest.raises(RuntimeError, match=r"ResourceLimitExceeded.*concurrent labeling jobs"):
        handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert delays == []
    # The artifacts went up before the create call.
    for artifact in plan.artifacts:
        assert s3.head_object(Bucket=artifact.bucket, Key=artifact.key)["ContentLength"] > 0


def test_recreate_adopts_the_job_an_earlier_attempt_created(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    message = f"Job name {plan.job_name} must be unique within an AWS account and region"
    client_error(sm.stubber, "create_labeling_job", "ResourceInUse", message, plan.request)
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, "Initializing"), {"LabelingJobName": plan.job_name}
    )

    result = handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert result["PhysicalResourceId"] == plan.job_name
    assert result["Data"]["LabelingJobArn"] == job_arn(plan.job_name)
    assert sm.calls == ["CreateLabelingJob", "DescribeLabelingJob"]
    assert delays == []  # ResourceInUse is an answer, not something to retry


def test_create_fails_fast_on_a_service_model_violation(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = Violation("HumanTaskConfig.TaskTitle", "x" * 129, "at most 128 characters")
    fake = SimpleNamespace(service_model_violations=lambda request, model: [bad])
    monkeypatch.setattr(handler, "_sagemaker_model", dict)
    monkeypatch.setattr(handler, "service_model", fake)

    with pytest.raises(RuleViolation, match=r"TaskTitle.*at most 128"):
        handler.on_event(create_event(FASHION, ctx), None, sleep=lambda _: None)

    assert sm.calls == []  # nothing created
    assert uploaded_keys(s3) == []  # nothing uploaded


def test_create_checks_the_request_against_botocores_model(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext
) -> None:
    # botocore itself would send this: it checks neither patterns nor maxima
    # (docs/ground-truth.md#create-labeling-job, #human-task-config).
    spec: JobSpec = {**FASHION, "keywords": ["Multi-label"]}

    with pytest.raises(RuleViolation, match=r"HumanTaskConfig\.TaskKeywords\[0\] = 'Multi-label'"):
        handler.on_event(create_event(spec, ctx), None, sleep=lambda _: None)

    assert sm.calls == []
    assert uploaded_keys(s3) == []


def test_create_still_works_without_the_service_model_module(
    handler: ModuleType,
    sm: SimpleNamespace,
    s3: Any,
    ctx: DeployContext,
    plan: JobPlan,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(handler, "service_model", None)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)
    assert handler.on_event(create_event(FASHION, ctx), None, sleep=lambda _: None)["WaitForStart"] is True


# --- is_complete ---


@pytest.mark.parametrize(
    ("status", "done"), [("Initializing", False), ("InProgress", True), ("Completed", True)]
)
def test_is_complete_by_status(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, status: str, done: bool
) -> None:
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, status), {"LabelingJobName": plan.job_name}
    )
    event = {**create_event(FASHION, make_ctx()), "PhysicalResourceId": plan.job_name, "WaitForStart": True}
    event["Data"] = {"LabelingJobName": plan.job_name, "OutputManifestUri": plan.output_manifest_uri}

    result = handler.is_complete(event, None, sleep=lambda _: None)

    assert result["IsComplete"] is done
    if done:
        assert result["Data"] == {
            "LabelingJobArn": job_arn(plan.job_name),
            "LabelingJobName": plan.job_name,
            "OutputManifestUri": plan.output_manifest_uri,
            "LabelingJobStatus": status,
        }
    else:
        assert "Data" not in result


def test_is_complete_raises_for_a_failed_job_with_its_reason(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan
) -> None:
    reason = "ClientError: Access Denied for s3://fashion-labeling/fashion/dataset-20220203T055202.manifest"
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, "Failed", reason), {"LabelingJobName": plan.job_name}
    )
    event = {**create_event(FASHION, make_ctx()), "PhysicalResourceId": plan.job_name}

    with pytest.raises(JobFailed) as info:
        handler.is_complete(event, None, sleep=lambda _: None)

    assert plan.job_name in str(info.value)
    assert reason in str(info.value)


@pytest.mark.parametrize("status", ["Stopping", "Stopped"])
def test_is_complete_raises_for_a_job_stopped_before_it_started(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, status: str
) -> None:
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, status), {"LabelingJobName": plan.job_name}
    )
    event = {**create_event(FASHION, make_ctx()), "PhysicalResourceId": plan.job_name}

    with pytest.raises(JobFailed, match=f"{plan.job_name} is {status}"):
        handler.is_complete(event, None, sleep=lambda _: None)


def test_is_complete_retries_a_throttled_describe(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, delays: list[float]
) -> None:
    params = {"LabelingJobName": plan.job_name}
    client_error(sm.stubber, "describe_labeling_job", "ThrottlingException", "Rate exceeded", params)
    sm.stubber.add_response("describe_labeling_job", described(plan, "InProgress"), params)
    event = {**create_event(FASHION, make_ctx()), "PhysicalResourceId": plan.job_name}

    assert handler.is_complete(event, None, sleep=delays.append)["IsComplete"] is True
    assert len(delays) == 1


def test_is_complete_keeps_waiting_while_the_new_job_is_not_visible(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan
) -> None:
    params = {"LabelingJobName": plan.job_name}
    client_error(sm.stubber, "describe_labeling_job", "ResourceNotFound", "Resource does not exist", params)
    event = {**create_event(FASHION, make_ctx()), "PhysicalResourceId": plan.job_name}
    assert handler.is_complete(event, None, sleep=lambda _: None) == {"IsComplete": False}


def test_is_complete_is_immediate_for_delete(handler: ModuleType, sm: SimpleNamespace) -> None:
    assert handler.is_complete(delete_event("gtlab-dev-fashion-1a2b"), None) == {"IsComplete": True}
    assert sm.calls == []


# --- Update ---


def test_update_with_only_deploy_time_changes_keeps_the_job(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, plan: JobPlan, delays: list[float]
) -> None:
    old_ctx = make_ctx()
    new_ctx = make_ctx(
        manifest_uri="s3://fashion-labeling/fashion/dataset-20261122T101010.manifest",
        output_bucket="gtlab-dev-output-2",
    )
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, "Stopped"), {"LabelingJobName": plan.job_name}
    )
    event = update_event(plan.job_name, FASHION, new_ctx, FASHION, old_ctx)

    result = handler.on_event(event, None, sleep=delays.append)

    assert result["PhysicalResourceId"] == plan.job_name
    assert result["WaitForStart"] is False
    # The job keeps writing where it was created: the attributes come from Describe, not new_ctx.
    assert result["Data"] == {
        "LabelingJobArn": job_arn(plan.job_name),
        "LabelingJobName": plan.job_name,
        "OutputManifestUri": plan.output_manifest_uri,
        "LabelingJobStatus": "Stopped",
    }
    assert "gtlab-dev-output-2" not in result["Data"]["OutputManifestUri"]
    assert sm.calls == ["DescribeLabelingJob"]  # read only: no CreateLabelingJob
    assert uploaded_keys(s3) == []

    # The Provider merges that answer into is_complete's event: a kept job is not waited on,
    # even when it has since been stopped (it started long ago).
    assert handler.is_complete({**event, **result}, None, sleep=delays.append)["IsComplete"] is True
    assert sm.calls == ["DescribeLabelingJob"]


def test_update_keeps_the_old_id_exactly_when_only_its_case_differs(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan
) -> None:
    old_id = plan.job_name.upper()
    sm.stubber.add_response(
        "describe_labeling_job", described(plan, "InProgress"), {"LabelingJobName": old_id}
    )
    result = handler.on_event(update_event(old_id, FASHION, ctx, FASHION, ctx), None, sleep=lambda _: None)
    assert result["PhysicalResourceId"] == old_id
    assert sm.calls == ["DescribeLabelingJob"]


def test_update_with_a_changed_definition_creates_a_new_job(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    changed: JobSpec = {**FASHION, "labels": ["Bag", "Eyewear", "Flipflop", "Watch", "Hat"]}
    new_plan = plan_job(changed, ctx)
    assert new_plan.job_name != plan.job_name
    sm.stubber.add_response(
        "create_labeling_job", {"LabelingJobArn": job_arn(new_plan.job_name)}, new_plan.request
    )

    result = handler.on_event(
        update_event(plan.job_name, changed, ctx, FASHION, ctx), None, sleep=delays.append
    )

    assert result["PhysicalResourceId"] == new_plan.job_name
    assert result["WaitForStart"] is True
    assert result["Data"]["LabelingJobArn"] == job_arn(new_plan.job_name)
    assert sm.calls == ["CreateLabelingJob"]


def test_update_recreates_a_kept_job_that_no_longer_exists(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan
) -> None:
    params = {"LabelingJobName": plan.job_name}
    client_error(sm.stubber, "describe_labeling_job", "ResourceNotFound", "Resource does not exist", params)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)

    result = handler.on_event(
        update_event(plan.job_name, FASHION, ctx, FASHION, ctx), None, sleep=lambda _: None
    )

    assert result["WaitForStart"] is True
    assert sm.calls == ["DescribeLabelingJob", "CreateLabelingJob"]


# --- Delete ---


@pytest.mark.parametrize(
    ("status", "stops"),
    [
        ("Initializing", True),
        ("InProgress", True),
        ("Completed", False),
        ("Failed", False),
        ("Stopping", False),
        ("Stopped", False),
    ],
)
def test_delete_stops_only_a_running_job(
    handler: ModuleType,
    sm: SimpleNamespace,
    plan: JobPlan,
    status: str,
    stops: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    params = {"LabelingJobName": plan.job_name}
    sm.stubber.add_response("describe_labeling_job", described(plan, status), params)
    if stops:
        sm.stubber.add_response("stop_labeling_job", {}, params)

    with caplog.at_level(logging.INFO):
        result = handler.on_event(delete_event(plan.job_name), None, sleep=lambda _: None)

    assert result == {"PhysicalResourceId": plan.job_name}
    expected = ["DescribeLabelingJob", "StopLabelingJob"] if stops else ["DescribeLabelingJob"]
    assert sm.calls == expected
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ResourceNotFound", "Resource does not exist"),
        ("ValidationException", "Requested resource does not exist"),
    ],
)
def test_delete_of_a_job_that_does_not_exist_succeeds(
    handler: ModuleType,
    sm: SimpleNamespace,
    plan: JobPlan,
    code: str,
    message: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client_error(sm.stubber, "describe_labeling_job", code, message, {"LabelingJobName": plan.job_name})
    assert handler.on_event(delete_event(plan.job_name), None) == {"PhysicalResourceId": plan.job_name}
    assert sm.calls == ["DescribeLabelingJob"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_delete_succeeds_when_stop_raises(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, caplog: pytest.LogCaptureFixture
) -> None:
    params = {"LabelingJobName": plan.job_name}
    sm.stubber.add_response("describe_labeling_job", described(plan, "InProgress"), params)
    # The job settled between Describe and Stop: UNVERIFIED what Stop says then
    # (docs/ground-truth.md#stop-and-delete).
    client_error(sm.stubber, "stop_labeling_job", "ValidationException", "Job is already completed", params)

    result = handler.on_event(delete_event(plan.job_name), None, sleep=lambda _: None)

    assert result == {"PhysicalResourceId": plan.job_name}
    assert sm.calls == ["DescribeLabelingJob", "StopLabelingJob"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    exc_info = logged[0].exc_info
    assert len(logged) == 1 and exc_info is not None and "already completed" in str(exc_info[1])


def test_delete_succeeds_when_describe_is_denied(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, caplog: pytest.LogCaptureFixture
) -> None:
    params = {"LabelingJobName": plan.job_name}
    client_error(sm.stubber, "describe_labeling_job", "AccessDeniedException", "not authorized", params)
    assert handler.on_event(delete_event(plan.job_name), None) == {"PhysicalResourceId": plan.job_name}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR]  # logged, not raised


def test_delete_retries_throttling_then_stops(
    handler: ModuleType, sm: SimpleNamespace, plan: JobPlan, delays: list[float]
) -> None:
    params = {"LabelingJobName": plan.job_name}
    client_error(sm.stubber, "describe_labeling_job", "ThrottlingException", "Rate exceeded", params)
    sm.stubber.add_response("describe_labeling_job", described(plan, "InProgress"), params)
    client_error(sm.stubber, "stop_labeling_job", "ThrottlingException", "Rate exceeded", params)
    sm.stubber.add_response("stop_labeling_job", {}, params)

    handler.on_event(delete_event(plan.job_name), None, sleep=delays.append)

    assert sm.calls == ["DescribeLabelingJob"] * 2 + ["StopLabelingJob"] * 2
    assert len(delays) == 2


@pytest.mark.parametrize("physical_id", ["2026/11/22/[$LATEST]0123456789abcdef", "x" * 64])
def test_delete_after_a_failed_create_makes_no_call(
    handler: ModuleType, sm: SimpleNamespace, physical_id: str
) -> None:
    assert handler.on_event(delete_event(physical_id), None) == {"PhysicalResourceId": physical_id}
    assert sm.calls == []


# --- Rollback: returning to a job that already exists always succeeds ---

CHANGED: JobSpec = {**FASHION, "labels": ["Bag", "Eyewear", "Flipflop", "Watch", "Hat"]}


@pytest.mark.parametrize("old_status", ["InProgress", "Completed", "Failed", "Stopped", "Stopping"])
@pytest.mark.parametrize("sent_id", ["new", "old"])
def test_rollback_to_the_old_job_succeeds_whatever_its_state(
    handler: ModuleType,
    sm: SimpleNamespace,
    s3: Any,
    ctx: DeployContext,
    plan: JobPlan,
    old_status: str,
    sent_id: str,
) -> None:
    """A changed definition created a new job, a later resource failed, CloudFormation rolls back.

    Which PhysicalResourceId the rollback Update carries (the new job's, the resource's current id,
    or the old one) is not something the handler may depend on: both must return to the old job.
    The old job may have finished, failed, or been stopped by the reaper since it was created.
    """
    new_plan = plan_job(CHANGED, ctx)
    physical_id = new_plan.job_name if sent_id == "new" else plan.job_name
    params = {"LabelingJobName": plan.job_name}
    if sent_id == "new":
        # Its name is a digest of the old definition: the create is refused, the job exists.
        message = f"Job name {plan.job_name} must be unique within an AWS account and region"
        client_error(sm.stubber, "create_labeling_job", "ResourceInUse", message, plan.request)
    sm.stubber.add_response("describe_labeling_job", described(plan, old_status), params)
    event = rollback_event(physical_id, FASHION, CHANGED, ctx)

    answer = handler.on_event(event, None, sleep=lambda _: None)

    assert answer["PhysicalResourceId"] == plan.job_name  # CloudFormation then deletes the new job
    assert answer["WaitForStart"] is False
    assert answer["Data"]["LabelingJobStatus"] == old_status
    assert answer["Data"]["LabelingJobArn"] == job_arn(plan.job_name)
    # The waiter finishes at once: no Describe, no failure, whatever the state.
    calls_before = list(sm.calls)
    assert handler.is_complete(waiter_event(event, answer), None, sleep=lambda _: None) == {
        "IsComplete": True
    }
    assert sm.calls == calls_before


def test_a_new_job_created_by_this_update_may_fail_the_resource(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan
) -> None:
    new_plan = plan_job(CHANGED, ctx)
    sm.stubber.add_response(
        "create_labeling_job", {"LabelingJobArn": job_arn(new_plan.job_name)}, new_plan.request
    )
    event = update_event(plan.job_name, CHANGED, ctx, FASHION, ctx)
    answer = handler.on_event(event, None, sleep=lambda _: None)
    assert answer["WaitForStart"] is True
    reason = "ClientError: Cannot access the manifest"
    sm.stubber.add_response(
        "describe_labeling_job",
        described(new_plan, "Failed", reason),
        {"LabelingJobName": new_plan.job_name},
    )

    with pytest.raises(JobFailed, match=reason):
        handler.is_complete(waiter_event(event, answer), None, sleep=lambda _: None)


def test_a_create_that_finds_its_job_stopped_fails_with_the_way_out(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan
) -> None:
    """A stack created again with an unchanged job: names are unique forever, the old job was
    stopped when the first stack went. A Create is never part of a rollback, so it may fail."""
    message = f"Job name {plan.job_name} must be unique within an AWS account and region"
    client_error(sm.stubber, "create_labeling_job", "ResourceInUse", message, plan.request)
    params = {"LabelingJobName": plan.job_name}
    sm.stubber.add_response("describe_labeling_job", described(plan, "Stopped"), params)
    event = create_event(FASHION, ctx)
    answer = handler.on_event(event, None, sleep=lambda _: None)
    assert answer["WaitForStart"] is True
    sm.stubber.add_response("describe_labeling_job", described(plan, "Stopped"), params)

    with pytest.raises(JobFailed, match="bump its `revision`"):
        handler.is_complete(waiter_event(event, answer), None, sleep=lambda _: None)


# --- Only a role that is still propagating is retried ---


def test_a_validation_error_that_is_not_about_the_role_fails_at_once(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    message = "The label category configuration file s3://gtlab-dev-output/job-config/x is not valid JSON"
    client_error(sm.stubber, "create_labeling_job", "ValidationException", message, plan.request)

    with pytest.raises(RuntimeError) as info:
        handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert message in str(info.value) and "ValidationException" in str(info.value)
    assert sm.calls == ["CreateLabelingJob"]
    assert delays == []


def test_a_validation_error_naming_the_fresh_role_is_retried(
    handler: ModuleType, sm: SimpleNamespace, s3: Any, ctx: DeployContext, plan: JobPlan, delays: list[float]
) -> None:
    message = f"Role {ctx['role_arn']} does not have the permissions to access s3://fashion-labeling/"
    client_error(sm.stubber, "create_labeling_job", "ValidationException", message, plan.request)
    sm.stubber.add_response("create_labeling_job", {"LabelingJobArn": job_arn(plan.job_name)}, plan.request)

    handler.on_event(create_event(FASHION, ctx), None, sleep=delays.append)

    assert sm.calls == ["CreateLabelingJob", "CreateLabelingJob"]
    assert delays == [2.0]
