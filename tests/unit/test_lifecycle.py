"""Pure decisions behind the labeling-job custom resource (docs/ground-truth.md#job-lifecycle,
#stop-and-delete)."""

from __future__ import annotations

import pytest

from gt_rules import lifecycle
from gt_rules.lifecycle import (
    JobFailed,
    create_progress,
    create_retryable,
    is_job_name,
    is_not_found,
    name_taken,
    needs_stop,
    output_manifest_uri,
    same_job_name,
)
from gt_rules.retry import call_with_retries


@pytest.mark.parametrize(
    ("status", "stop"),
    [
        ("Initializing", True),
        ("InProgress", True),
        ("Completed", False),
        ("Failed", False),
        ("Stopping", False),
        ("Stopped", False),
    ],
)
def test_needs_stop_only_for_running_jobs(status: str, stop: bool) -> None:
    assert needs_stop(status) is stop


@pytest.mark.parametrize(
    ("status", "done"), [("Initializing", False), ("InProgress", True), ("Completed", True)]
)
def test_create_progress_waits_only_for_initializing(status: str, done: bool) -> None:
    assert create_progress(status, "", job_name="gt-dev-fashion-1a2b") is done


def test_create_progress_keeps_waiting_on_a_status_it_does_not_know() -> None:
    assert create_progress("Paused") is False


def test_failed_job_raises_with_name_and_reason() -> None:
    reason = "ClientError: Cannot access input manifest s3://fashion-labeling/fashion/x.manifest"
    with pytest.raises(JobFailed) as info:
        create_progress("Failed", reason, job_name="gt-dev-fashion-1a2b")
    assert info.value.job_name == "gt-dev-fashion-1a2b"
    assert info.value.status == "Failed"
    assert "gt-dev-fashion-1a2b" in str(info.value)
    assert reason in str(info.value)


def test_failed_job_without_reason_says_so() -> None:
    with pytest.raises(JobFailed, match="no FailureReason"):
        create_progress("Failed", "", job_name="j1")


@pytest.mark.parametrize("status", ["Stopping", "Stopped"])
def test_stopped_before_it_started_raises_and_points_at_revision(status: str) -> None:
    with pytest.raises(JobFailed, match=rf"j1 is {status}: stopped before it started.*revision"):
        create_progress(status, "", job_name="j1")


ROLE = "arn:aws:iam::111122223333:role/gtlab-dev-gt-execution"


@pytest.mark.parametrize(
    ("code", "message", "retry"),
    [
        # A fresh role still propagating in IAM (Terraform retries this too).
        ("ValidationException", f"Could not assume role {ROLE}", True),
        ("ValidationException", f"Could not assume role {ROLE.upper()}.", True),
        ("ValidationException", f"Role {ROLE} is not authorized to read s3://b/x.manifest", True),
        ("ValidationException", "SageMaker could not assume the role you provided", True),
        # Any other validation error is a bad request: fail at once with the service's words.
        ("ValidationException", "Invalid LabelCategoryConfigS3Uri: s3://b/c.json is not valid JSON", False),
        ("ValidationException", "1 validation error detected: TaskTitle must match pattern", False),
        ("ThrottlingException", "Rate exceeded", True),
        ("ResourceInUse", "name taken", False),
        ("ResourceLimitExceeded", "concurrent jobs", False),
        ("AccessDeniedException", f"User is not authorized to pass {ROLE}", False),
    ],
)
def test_create_retryable(code: str, message: str, retry: bool) -> None:
    assert create_retryable(code, message, ROLE) is retry


def test_create_retry_schedule_is_bounded_near_two_minutes() -> None:
    delays: list[float] = []

    def always_invalid() -> None:
        raise _Coded("ValidationException")

    with pytest.raises(_Coded):
        call_with_retries(
            always_invalid,
            retryable=lambda e: create_retryable(
                getattr(e, "code", ""), f"Could not assume role {ROLE}", ROLE
            ),
            attempts=lifecycle.CREATE_ATTEMPTS,
            base_delay=lifecycle.CREATE_BASE_DELAY_SECONDS,
            max_delay=lifecycle.CREATE_MAX_DELAY_SECONDS,
            sleep=delays.append,
        )
    assert len(delays) == lifecycle.CREATE_ATTEMPTS - 1
    assert max(delays) <= 30
    assert 90 <= sum(delays) <= 150


def test_name_taken_is_resource_in_use_only() -> None:
    assert name_taken("ResourceInUse")
    assert not name_taken("ResourceLimitExceeded")


@pytest.mark.parametrize(
    ("code", "message", "missing"),
    [
        ("ResourceNotFound", "", True),
        ("ValidationException", "Requested resource arn:...labeling-job/x does not exist", True),
        ("ValidationException", "Could not find labeling job x", True),
        ("ValidationException", "1 validation error detected: LabelingJobName must match", False),
        ("ThrottlingException", "Rate exceeded", False),
        ("AccessDeniedException", "not authorized; resource not found in policy", False),
    ],
)
def test_is_not_found(code: str, message: str, missing: bool) -> None:
    assert is_not_found(code, message) is missing


def test_same_job_name_ignores_case_like_the_service() -> None:
    assert same_job_name("Example-job", "example-job")
    assert not same_job_name("gt-dev-fashion-1a2b", "gt-dev-fashion-1a2c")


@pytest.mark.parametrize(
    ("physical_id", "ok"),
    [
        ("gt-dev-fashion-1a2b", True),
        ("0b5c7f1e-6d5a-4e8b-9a7b-2f1d3c4e5a6b", True),  # a request id is shaped like a name
        ("2026/11/22/[$LATEST]0123456789abcdef", False),  # a log stream name
        ("my_job", False),
        ("-leading", False),
        ("a" * 64, False),
        ("", False),
    ],
)
def test_is_job_name(physical_id: str, ok: bool) -> None:
    assert is_job_name(physical_id) is ok


@pytest.mark.parametrize("path", ["s3://fashion-labeling/fashion", "s3://fashion-labeling/fashion/"])
def test_output_manifest_uri_matches_the_seed_layout(path: str) -> None:
    assert (
        output_manifest_uri(path, "my-first-labeling-job")
        == "s3://fashion-labeling/fashion/my-first-labeling-job/manifests/output/output.manifest"
    )


class _Coded(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
