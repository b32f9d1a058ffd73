"""Job notifier: EventBridge state-change events in, one readable SNS message out (SNS on moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.handlers.conftest import SnsInbox, load_handler
from tests.sagemaker_fakes import describe_response

ACCOUNT = "111122223333"
JOB = "gtlab-dev-fashion-1a2b3c4d"
NOW = datetime(2026, 11, 22, tzinfo=UTC)
CONSOLE = (
    "https://us-east-1.console.aws.amazon.com/sagemaker/groundtruth?region=us-east-1"
    f"#/labeling-jobs/details/{JOB}"
)


@pytest.fixture(scope="module")
def notifier() -> ModuleType:
    return load_handler("job_notifier")


def event(status: str) -> dict[str, Any]:
    return {
        "version": "0",
        "detail-type": "SageMaker Ground Truth Labeling Job State Change",
        "source": "aws.sagemaker",
        "account": ACCOUNT,
        "region": "us-east-1",
        "resources": [f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/{JOB}"],
        "detail": {"LabelingJobStatus": status},
    }


describe = partial(
    describe_response,
    JOB,
    account=ACCOUNT,
    created=NOW,
    manifest_uri="s3://in/fashion/x.manifest",
    output_path="s3://out-bucket/labels/",
    label_counters={
        "TotalLabeled": 20,
        "HumanLabeled": 20,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 0,
    },
)


class Env(SnsInbox):
    def __init__(self) -> None:
        super().__init__("gtlab-dev-jobs")
        self.sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        self.stub = Stubber(self.sagemaker)

    def run(self, notifier: ModuleType, evt: dict[str, Any]) -> dict[str, Any]:
        notifier.CLIENTS.use("sagemaker", self.sagemaker)
        notifier.CLIENTS.use("sns", self.sns)
        result = notifier.handler(evt, None, sleep=lambda _: None)
        notifier.CLIENTS.clear()
        self.stub.assert_no_pending_responses()
        return result


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    with mock_aws():
        e = Env()
        monkeypatch.setenv("TOPIC_ARN", e.topic_arn)
        with e.stub:
            yield e


def test_completed_job(notifier: ModuleType, env: Env) -> None:
    output = f"s3://out-bucket/labels/{JOB}/manifests/output/output.manifest"
    env.stub.add_response(
        "describe_labeling_job",
        describe(status="Completed", output_dataset_uri=output),
        {"LabelingJobName": JOB},
    )

    result = env.run(notifier, event("Completed"))

    assert result["published"] is True and result["status"] == "Completed"
    (message,) = env.published()
    assert message["Subject"] == f"Ground Truth job Completed: {JOB}"
    body = message["Message"].splitlines()
    assert f"Labeling job: {JOB}" in body
    assert "Status: Completed" in body
    assert (
        "Counters: TotalLabeled 20, HumanLabeled 20, MachineLabeled 0, FailedNonRetryableError 0, Unlabeled 0"
        in body
    )
    assert f"Output manifest: {output}" in body
    assert f"Console: {CONSOLE}" in body


def test_failed_job(notifier: ModuleType, env: Env) -> None:
    env.stub.add_response(
        "describe_labeling_job",
        describe(status="Failed", failure_reason="ClientError: the manifest has no objects"),
        {"LabelingJobName": JOB},
    )

    env.run(notifier, event("Failed"))

    (message,) = env.published()
    assert message["Subject"] == f"Ground Truth job Failed: {JOB}"
    assert "Failure reason: ClientError: the manifest has no objects" in message["Message"]
    expected = f"s3://out-bucket/labels/{JOB}/manifests/output/output.manifest"
    assert f"Output manifest: {expected} (expected location" in message["Message"]


def test_describe_failure_still_publishes(notifier: ModuleType, env: Env) -> None:
    env.stub.add_client_error(
        "describe_labeling_job", "AccessDeniedException", "no sagemaker:DescribeLabelingJob"
    )

    result = env.run(notifier, event("Stopped"))

    assert result["published"] is True
    (message,) = env.published()
    assert message["Subject"] == f"Ground Truth job Stopped: {JOB}"
    assert "Status: Stopped" in message["Message"]
    assert f"Console: {CONSOLE}" in message["Message"]
    assert "could not be read (AccessDeniedException: no sagemaker:DescribeLabelingJob)" in message["Message"]


def test_throttled_describe_is_retried(notifier: ModuleType, env: Env) -> None:
    env.stub.add_client_error("describe_labeling_job", "ThrottlingException", "slow down")
    env.stub.add_response("describe_labeling_job", describe(status="Completed"), {"LabelingJobName": JOB})

    env.run(notifier, event("Completed"))

    (message,) = env.published()
    assert "Counters: TotalLabeled 20" in message["Message"]


def test_event_without_job_arn_publishes_nothing(notifier: ModuleType, env: Env) -> None:
    result = env.run(notifier, {"detail": {"LabelingJobStatus": "Completed"}, "resources": []})

    assert result["published"] is False
    assert env.published() == []
