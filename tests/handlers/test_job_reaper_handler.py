"""Job reaper handler: SageMaker through botocore's Stubber (moto has no Ground Truth), SNS on moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from gt_rules.errors import RuleViolation
from tests.handlers.conftest import SnsInbox, load_handler
from tests.sagemaker_fakes import describe_response, expect_listing, job_summary, listing_params

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
ACCOUNT = "111122223333"
PREFIX = "gtlab-dev"


@pytest.fixture(scope="module")
def reaper() -> ModuleType:
    return load_handler("job_reaper")


def summary(name: str, *, hours: float, status: str = "InProgress") -> dict[str, Any]:
    """A listed job created `hours` before NOW."""
    return job_summary(name, status=status, account=ACCOUNT, created=NOW - timedelta(hours=hours))


class Env(SnsInbox):
    def __init__(self) -> None:
        super().__init__("gtlab-dev-reports")
        self.sagemaker = boto3.client("sagemaker", region_name="us-east-1")
        self.stub = Stubber(self.sagemaker)
        self.stop_calls: list[str] = []
        # Records every StopLabelingJob the handler attempts, whatever the stub answers.
        self.sagemaker.meta.events.register(
            "provide-client-params.sagemaker.StopLabelingJob",
            lambda params, **_: self.stop_calls.append(params["LabelingJobName"]),
        )
        self.sleeps: list[float] = []


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, reaper: ModuleType) -> Iterator[Env]:
    with mock_aws():
        e = Env()
        monkeypatch.setenv("NAME_PREFIX", PREFIX)
        monkeypatch.setenv("TTL_HOURS", "72")
        monkeypatch.setenv("DRY_RUN", "false")
        monkeypatch.setenv("TOPIC_ARN", e.topic_arn)
        reaper.CLIENTS.use("sagemaker", e.sagemaker)
        reaper.CLIENTS.use("sns", e.sns)
        with e.stub:
            yield e
        reaper.CLIENTS.clear()


def run(reaper: ModuleType, env: Env, event: dict[str, Any] | None = None) -> dict[str, Any]:
    result = reaper.handler(event or {}, None, now=NOW, sleep=env.sleeps.append)
    env.stub.assert_no_pending_responses()
    return result


def test_stops_only_our_old_running_jobs(reaper: ModuleType, env: Env) -> None:
    expect_listing(
        env.stub,
        prefix=PREFIX,
        initializing=[summary("gtlab-dev-young-00000001", hours=2, status="Initializing")],
        in_progress=[
            summary("gtlab-dev-fashion-1a2b3c4d", hours=100),
            summary("gtlab-devx-fashion-1a2b3c4d", hours=100),  # NameContains matches it too
        ],
    )
    env.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": "gtlab-dev-fashion-1a2b3c4d"})

    result = run(reaper, env)

    assert env.stop_calls == ["gtlab-dev-fashion-1a2b3c4d"]
    assert result["stopped"] == ["gtlab-dev-fashion-1a2b3c4d"]
    assert result["checked"] == 2 and result["published"] is True
    (message,) = env.published()
    assert message["Subject"] == "gtlab-dev: stopped 1 of 1 labeling job over 72 h"
    assert (
        "gtlab-dev-fashion-1a2b3c4d: InProgress since 2026-11-18T08:00:00Z, running 100 h"
        in message["Message"]
    )
    assert "gtlab-devx" not in message["Message"]


def test_listing_follows_pages(reaper: ModuleType, env: Env) -> None:
    request = listing_params("Initializing", prefix=PREFIX)
    env.stub.add_response("list_labeling_jobs", {"LabelingJobSummaryList": [], "NextToken": "t1"}, request)
    env.stub.add_response(
        "list_labeling_jobs",
        {"LabelingJobSummaryList": [summary("gtlab-dev-p2-00000001", hours=80, status="Initializing")]},
        dict(request, NextToken="t1"),
    )
    env.stub.add_response(
        "list_labeling_jobs",
        {"LabelingJobSummaryList": []},
        listing_params("InProgress", prefix=PREFIX),
    )
    env.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": "gtlab-dev-p2-00000001"})

    assert run(reaper, env)["stopped"] == ["gtlab-dev-p2-00000001"]


def test_dry_run_stops_nothing_and_reports_would_stop(
    reaper: ModuleType, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRY_RUN", "true")
    expect_listing(env.stub, prefix=PREFIX, in_progress=[summary("gtlab-dev-fashion-1a2b3c4d", hours=100)])

    result = run(reaper, env)

    assert env.stop_calls == []
    assert result["dry_run"] is True
    assert result["would_stop"] == ["gtlab-dev-fashion-1a2b3c4d"] and result["stopped"] == []
    (message,) = env.published()
    assert "would stop" in message["Subject"] and "(dry run)" in message["Subject"]
    assert "DRY RUN: nothing was stopped" in message["Message"]


def test_event_overrides_dry_run(reaper: ModuleType, env: Env) -> None:
    expect_listing(env.stub, prefix=PREFIX, in_progress=[summary("gtlab-dev-fashion-1a2b3c4d", hours=100)])

    result = run(reaper, env, {"dry_run": True})

    assert env.stop_calls == [] and result["would_stop"] == ["gtlab-dev-fashion-1a2b3c4d"]


def test_unset_dry_run_means_dry_run(reaper: ModuleType, env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRY_RUN")
    expect_listing(env.stub, prefix=PREFIX, in_progress=[summary("gtlab-dev-fashion-1a2b3c4d", hours=100)])

    assert run(reaper, env)["dry_run"] is True
    assert env.stop_calls == []


def test_one_failure_does_not_stop_the_others(reaper: ModuleType, env: Env) -> None:
    first, second = "gtlab-dev-a-00000001", "gtlab-dev-b-00000002"
    expect_listing(
        env.stub, prefix=PREFIX, in_progress=[summary(first, hours=120), summary(second, hours=100)]
    )
    env.stub.add_client_error(
        "stop_labeling_job",
        "AccessDeniedException",
        "not allowed",
        expected_params={"LabelingJobName": first},
    )
    # After a failed stop the handler checks whether the job is still running.
    env.stub.add_response(
        "describe_labeling_job",
        describe_response(first, status="InProgress", account=ACCOUNT, created=NOW),
        {"LabelingJobName": first},
    )
    env.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": second})

    result = run(reaper, env)

    assert env.stop_calls == [first, second]
    assert result["stopped"] == [second]
    assert result["failed"] == {first: "AccessDeniedException: not allowed"}
    (message,) = env.published()
    assert message["Subject"] == "gtlab-dev: stopped 1 of 2 labeling jobs over 72 h, 1 failed"
    assert "STOP FAILED (AccessDeniedException: not allowed)" in message["Message"]


def test_a_job_that_finished_meanwhile_is_not_a_failure(reaper: ModuleType, env: Env) -> None:
    name = "gtlab-dev-a-00000001"
    expect_listing(env.stub, prefix=PREFIX, in_progress=[summary(name, hours=120)])
    env.stub.add_client_error("stop_labeling_job", "ValidationException", "job is not running")
    env.stub.add_response(
        "describe_labeling_job",
        describe_response(name, status="Completed", account=ACCOUNT, created=NOW),
        {"LabelingJobName": name},
    )

    result = run(reaper, env)

    assert result["already_settled"] == [name] and result["failed"] == {}


def test_throttled_stop_is_retried(reaper: ModuleType, env: Env) -> None:
    name = "gtlab-dev-a-00000001"
    expect_listing(env.stub, prefix=PREFIX, in_progress=[summary(name, hours=120)])
    env.stub.add_client_error("stop_labeling_job", "ThrottlingException", "slow down")
    env.stub.add_response("stop_labeling_job", {}, {"LabelingJobName": name})

    result = run(reaper, env)

    assert result["stopped"] == [name]
    assert env.sleeps == [1.0]


def test_nothing_to_do_publishes_nothing(reaper: ModuleType, env: Env) -> None:
    expect_listing(
        env.stub,
        prefix=PREFIX,
        initializing=[summary("gtlab-dev-young-00000001", hours=1, status="Initializing")],
        in_progress=[summary("gtlab-prodx-old-00000001", hours=500)],
    )

    result = run(reaper, env)

    assert result["published"] is False
    assert result["stopped"] == [] and result["would_stop"] == []
    assert env.published() == []
    assert env.stop_calls == []


def test_misconfigured_prefix_fails_loudly(
    reaper: ModuleType, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAME_PREFIX", "")
    with pytest.raises(RuleViolation, match="NAME_PREFIX"):
        reaper.handler({}, None, now=NOW, sleep=env.sleeps.append)
