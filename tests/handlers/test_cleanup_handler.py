"""Clean-up custom resource: SQS and CloudWatch Logs on moto, SageMaker through botocore's Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from gt_rules.errors import RuleViolation
from gt_rules.project import LABELING_JOB_LOG_GROUP
from tests.handlers.conftest import load_handler
from tests.sagemaker_fakes import describe_response, expect_listing, job_summary

ACCOUNT = "111122223333"
PREFIX = "gtlab-dev"
OURS = "gtlab-dev-fashion-1a2b3c4d"
NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture(scope="module")
def cleanup() -> ModuleType:
    return load_handler("cleanup")


summary = partial(job_summary, account=ACCOUNT, created=NOW)


class Aws:
    def __init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.logs = boto3.client("logs", region_name="us-east-1")
        self.sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        self.stub = Stubber(self.sagemaker)
        self.sleeps: list[float] = []

    def queue_names(self) -> set[str]:
        urls = self.sqs.list_queues().get("QueueUrls", [])
        return {url.rsplit("/", 1)[-1] for url in urls}

    def stream_names(self) -> set[str]:
        streams = self.logs.describe_log_streams(logGroupName=LABELING_JOB_LOG_GROUP)["logStreams"]
        return {s["logStreamName"] for s in streams}

    def delete(self, cleanup: ModuleType, event: dict[str, Any], context: object = None) -> dict[str, Any]:
        for service, client in (("sagemaker", self.sagemaker), ("sqs", self.sqs), ("logs", self.logs)):
            cleanup.CLIENTS.use(service, client)
        try:
            return cleanup.on_event(
                event,
                context,
                sleep=self.sleeps.append,
                clock=lambda: sum(self.sleeps),  # time passes only when the handler sleeps
            )
        finally:
            cleanup.CLIENTS.clear()

    def expect_stopped(self, name: str) -> None:
        """The wait after stopping: one poll finds the job Stopped."""
        self.stub.add_response(
            "describe_labeling_job",
            describe_response(name, status="Stopped", account=ACCOUNT, created=NOW),
            {"LabelingJobName": name},
        )


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        a = Aws()
        with a.stub:
            yield a


def delete_event(prefix: str = PREFIX) -> dict[str, Any]:
    return {
        "RequestType": "Delete",
        "PhysicalResourceId": f"{prefix}-cleanup",
        "ResourceProperties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:x",
            "NamePrefix": prefix,
        },
    }


def test_create_and_update_do_nothing_but_name_the_resource(cleanup: ModuleType) -> None:
    for request_type in ("Create", "Update"):
        event = {"RequestType": request_type, "ResourceProperties": {"NamePrefix": PREFIX}}
        assert cleanup.on_event(event, None) == {
            "PhysicalResourceId": "gtlab-dev-cleanup",
            "Data": {"NamePrefix": PREFIX},
        }


def test_create_rejects_a_prefix_that_would_clean_too_much(cleanup: ModuleType) -> None:
    with pytest.raises(RuleViolation, match="NamePrefix"):
        cleanup.on_event({"RequestType": "Create", "ResourceProperties": {"NamePrefix": ""}}, None)


def test_delete_cleans_only_our_jobs_queues_and_streams(cleanup: ModuleType, aws: Aws) -> None:
    for name in (
        f"GroundTruth-{OURS}",
        "GroundTruth-gtlab-dev-text-99999999",
        "GroundTruth-gtlab-devx-fashion-1a2b3c4d",
        "GroundTruth-gtlab-prod-fashion-1a2b3c4d",
        "gtlab-dev-dead-letters",  # a queue of our stacks, CloudFormation's to delete
    ):
        aws.sqs.create_queue(QueueName=name)
    aws.logs.create_log_group(logGroupName=LABELING_JOB_LOG_GROUP)
    for stream in (OURS, "gtlab-dev-text-99999999", "gtlab-devx-fashion-1a2b3c4d", "other-job"):
        aws.logs.create_log_stream(logGroupName=LABELING_JOB_LOG_GROUP, logStreamName=stream)
    expect_listing(
        aws.stub, prefix=PREFIX, in_progress=[summary(OURS), summary("gtlab-devx-fashion-1a2b3c4d")]
    )
    aws.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": OURS})
    aws.expect_stopped(OURS)

    result = aws.delete(cleanup, delete_event())

    aws.stub.assert_no_pending_responses()
    assert result == {
        "PhysicalResourceId": "gtlab-dev-cleanup",
        "Data": {
            "StoppedJobs": "1",
            "StillStopping": "0",
            "DeletedQueues": "2",
            "DeletedLogStreams": "2",
            "Errors": "0",
        },
    }
    assert aws.sleeps == [cleanup.STOP_POLL_SECONDS]
    assert aws.queue_names() == {
        "GroundTruth-gtlab-devx-fashion-1a2b3c4d",
        "GroundTruth-gtlab-prod-fashion-1a2b3c4d",
        "gtlab-dev-dead-letters",
    }
    assert aws.stream_names() == {"gtlab-devx-fashion-1a2b3c4d", "other-job"}


def test_missing_log_group_is_fine(cleanup: ModuleType, aws: Aws) -> None:
    expect_listing(aws.stub, prefix=PREFIX)

    result = aws.delete(cleanup, delete_event())

    assert result["Data"] == {
        "StoppedJobs": "0",
        "StillStopping": "0",
        "DeletedQueues": "0",
        "DeletedLogStreams": "0",
        "Errors": "0",
    }


def test_errors_are_swallowed_and_later_steps_still_run(cleanup: ModuleType, aws: Aws) -> None:
    aws.sqs.create_queue(QueueName=f"GroundTruth-{OURS}")
    aws.stub.add_client_error("list_labeling_jobs", "AccessDeniedException", "no sagemaker:ListLabelingJobs")

    result = aws.delete(cleanup, delete_event())

    assert result["Data"]["Errors"] == "1"
    assert result["Data"]["DeletedQueues"] == "1"
    assert aws.queue_names() == set()


def test_a_failed_stop_is_logged_not_raised(cleanup: ModuleType, aws: Aws) -> None:
    expect_listing(
        aws.stub,
        prefix=PREFIX,
        initializing=[summary("gtlab-dev-a-00000001", status="Initializing")],
        in_progress=[summary("gtlab-dev-b-00000002")],
    )
    aws.stub.add_client_error("stop_labeling_job", "AccessDeniedException", "not allowed")
    # After a refused stop the job is looked at again: still running, so it is an error.
    aws.stub.add_response(
        "describe_labeling_job",
        describe_response("gtlab-dev-a-00000001", status="Initializing", account=ACCOUNT, created=NOW),
        {"LabelingJobName": "gtlab-dev-a-00000001"},
    )
    aws.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": "gtlab-dev-b-00000002"})
    aws.expect_stopped("gtlab-dev-b-00000002")  # only the job that was stopped is waited for

    result = aws.delete(cleanup, delete_event())

    aws.stub.assert_no_pending_responses()
    assert result["Data"]["StoppedJobs"] == "1" and result["Data"]["Errors"] == "1"


def test_a_job_that_settled_before_its_stop_is_not_an_error(cleanup: ModuleType, aws: Aws) -> None:
    expect_listing(aws.stub, prefix=PREFIX, in_progress=[summary(OURS)])
    aws.stub.add_client_error("stop_labeling_job", "ValidationException", "job is not running")
    aws.stub.add_response(
        "describe_labeling_job",
        describe_response(OURS, status="Completed", account=ACCOUNT, created=NOW),
        {"LabelingJobName": OURS},
    )

    result = aws.delete(cleanup, delete_event())

    aws.stub.assert_no_pending_responses()
    assert result["Data"]["StoppedJobs"] == "0" and result["Data"]["Errors"] == "0"
    assert aws.sleeps == []  # nothing stopped, nothing to wait for


def test_throttling_is_retried(cleanup: ModuleType, aws: Aws) -> None:
    aws.stub.add_client_error("list_labeling_jobs", "ThrottlingException", "slow down")
    expect_listing(aws.stub, prefix=PREFIX, in_progress=[summary(OURS)])
    aws.stub.add_client_error("stop_labeling_job", "ThrottlingException", "slow down")
    aws.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": OURS})
    aws.expect_stopped(OURS)

    result = aws.delete(cleanup, delete_event())

    assert result["Data"]["StoppedJobs"] == "1" and result["Data"]["Errors"] == "0"
    assert aws.sleeps == [1.0, 1.0, cleanup.STOP_POLL_SECONDS]


def test_delete_never_raises(cleanup: ModuleType) -> None:
    class Broken:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError(f"{name} exploded")

    for service in ("sagemaker", "sqs", "logs"):
        cleanup.CLIENTS.use(service, Broken())
    try:
        result = cleanup.on_event(delete_event(), None, sleep=lambda _: None)
    finally:
        cleanup.CLIENTS.clear()

    assert result["PhysicalResourceId"] == "gtlab-dev-cleanup"
    assert result["Data"]["Errors"] == "3"


def test_delete_without_properties_uses_the_physical_id(cleanup: ModuleType, aws: Aws) -> None:
    aws.sqs.create_queue(QueueName=f"GroundTruth-{OURS}")
    expect_listing(aws.stub, prefix=PREFIX)
    event = {"RequestType": "Delete", "PhysicalResourceId": "gtlab-dev-cleanup", "ResourceProperties": {}}

    result = aws.delete(cleanup, event)

    assert result["Data"]["DeletedQueues"] == "1"


def test_delete_with_no_valid_prefix_touches_nothing(cleanup: ModuleType, aws: Aws) -> None:
    aws.sqs.create_queue(QueueName=f"GroundTruth-{OURS}")
    # A failed Create leaves a made-up physical id; an empty prefix would match every job.
    event = {
        "RequestType": "Delete",
        "PhysicalResourceId": "2026/11/22/[$LATEST]abc",
        "ResourceProperties": {},
    }

    result = aws.delete(cleanup, event)

    assert result["PhysicalResourceId"] == "2026/11/22/[$LATEST]abc"
    assert result["Data"] == {
        "StoppedJobs": "0",
        "StillStopping": "0",
        "DeletedQueues": "0",
        "DeletedLogStreams": "0",
        "Errors": "1",
    }
    assert aws.queue_names() == {f"GroundTruth-{OURS}"}


def test_delete_keeps_within_the_time_its_invocation_has_left(cleanup: ModuleType, aws: Aws) -> None:
    expect_listing(aws.stub, prefix=PREFIX, in_progress=[summary(OURS)])
    aws.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": OURS})
    aws.stub.add_response(
        "describe_labeling_job",
        describe_response(OURS, status="Stopping", account=ACCOUNT, created=NOW),
        {"LabelingJobName": OURS},
    )
    seconds_left = cleanup.RESERVED_SECONDS + cleanup.STOP_POLL_SECONDS
    lambda_context = SimpleNamespace(get_remaining_time_in_millis=lambda: seconds_left * 1000)

    result = aws.delete(cleanup, delete_event(), lambda_context)

    assert result["Data"]["StillStopping"] == "1"  # reported, not waited for past the budget
    assert sum(aws.sleeps) == cleanup.STOP_POLL_SECONDS
