"""Job-state messages: subject rules, console link, counters, output location, describe failure."""

from __future__ import annotations

from typing import Any

import pytest

from gt_rules.notifications import SUBJECT_MAX, console_url, job_state_message, parse_job_arn, sns_subject

JOB = "gtlab-dev-fashion-1a2b3c4d"


def description(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "LabelingJobName": JOB,
        "LabelingJobStatus": "Completed",
        "LabelCounters": {
            "TotalLabeled": 20,
            "HumanLabeled": 18,
            "MachineLabeled": 2,
            "FailedNonRetryableError": 1,
            "Unlabeled": 3,
        },
        "OutputConfig": {"S3OutputPath": "s3://out-bucket/labels/"},
        "LabelingJobOutput": {
            "OutputDatasetS3Uri": f"s3://out-bucket/labels/{JOB}/manifests/output/output.manifest"
        },
    }
    base.update(overrides)
    return base


class TestSubject:
    def test_non_ascii_and_line_breaks(self) -> None:
        subject = sns_subject("  Étiquettes\nprêtes\t ok ")
        assert subject.isascii()
        assert "\n" not in subject and "\t" not in subject
        assert subject == "?tiquettes pr?tes ok"

    def test_long_subject_is_cut(self) -> None:
        subject = sns_subject("x" * 300)
        assert len(subject) == SUBJECT_MAX
        assert subject.endswith("...")

    def test_empty_subject_gets_a_default(self) -> None:
        assert sns_subject(" \n ") == "Ground Truth notification"


def test_parse_job_arn() -> None:
    assert parse_job_arn(f"arn:aws:sagemaker:eu-west-1:111122223333:labeling-job/{JOB}") == ("eu-west-1", JOB)
    assert parse_job_arn("arn:aws:sagemaker:eu-west-1:111122223333:training-job/x") is None
    assert parse_job_arn("") is None


def test_console_url() -> None:
    assert console_url("us-east-1", JOB) == (
        "https://us-east-1.console.aws.amazon.com/sagemaker/groundtruth?region=us-east-1"
        f"#/labeling-jobs/details/{JOB}"
    )


def test_completed_message() -> None:
    message = job_state_message(
        job_name=JOB, status="Completed", region="us-east-1", description=description()
    )
    assert message.subject == f"Ground Truth job Completed: {JOB}"
    lines = message.body.splitlines()
    assert f"Labeling job: {JOB}" in lines
    assert "Status: Completed" in lines
    assert (
        "Counters: TotalLabeled 20, HumanLabeled 18, MachineLabeled 2, FailedNonRetryableError 1, Unlabeled 3"
        in lines
    )
    assert f"Output manifest: s3://out-bucket/labels/{JOB}/manifests/output/output.manifest" in lines
    assert f"Console: {console_url('us-east-1', JOB)}" in lines
    assert "Failure reason" not in message.body


def test_failed_message_has_reason_and_expected_manifest() -> None:
    desc = description(
        LabelingJobStatus="Failed",
        FailureReason="ClientError: Input manifest is empty",
        LabelingJobOutput=None,
        OutputConfig={"S3OutputPath": "s3://out-bucket/labels"},  # no trailing slash
    )
    message = job_state_message(job_name=JOB, status="Failed", region="eu-west-1", description=desc)
    assert message.subject == f"Ground Truth job Failed: {JOB}"
    assert "Failure reason: ClientError: Input manifest is empty" in message.body
    assert (
        f"Output manifest: s3://out-bucket/labels/{JOB}/manifests/output/output.manifest (expected location"
        in message.body
    )
    assert "region=eu-west-1" in message.body


def test_name_from_description_wins_over_the_arn_form() -> None:
    # ARNs carry lower-case names; the description has the real one.
    desc = description(LabelingJobName="GTLab-dev-Fashion-1a2b3c4d")
    message = job_state_message(job_name=JOB, status="Completed", region="us-east-1", description=desc)
    assert "Labeling job: GTLab-dev-Fashion-1a2b3c4d" in message.body


def test_status_moved_on_since_the_event() -> None:
    desc = description(LabelingJobStatus="Stopped")
    message = job_state_message(job_name=JOB, status="Stopping", region="us-east-1", description=desc)
    assert "Status: Stopping" in message.body
    assert "Status when read just now: Stopped" in message.body


def test_message_without_description() -> None:
    message = job_state_message(
        job_name=JOB,
        status="Failed",
        region="us-east-1",
        description=None,
        describe_error="AccessDeniedException: not allowed",
    )
    assert message.subject == f"Ground Truth job Failed: {JOB}"
    assert "Counters: not available" in message.body
    assert "Output manifest: unknown" in message.body
    assert "(AccessDeniedException: not allowed)" in message.body
    assert f"Console: {console_url('us-east-1', JOB)}" in message.body


@pytest.mark.parametrize("status", ["", "Completed"])
def test_subject_is_always_sns_safe(status: str) -> None:
    message = job_state_message(job_name="j" * 63, status=status, region="us-east-1", description=None)
    assert len(message.subject) <= 100 and message.subject.isascii()
