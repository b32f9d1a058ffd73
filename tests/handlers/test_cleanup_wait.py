"""On destroy, the clean-up waits (bounded) until the jobs it stopped have left Stopping, so the
work teams, deleted after this stack, are not deleted under a job that still stops."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from ..fakes import FakeClock
from ..sagemaker_fakes import describe_response
from .conftest import load_handler

cleanup = load_handler("cleanup")
ACCOUNT = "111122223333"
CREATED = datetime(2026, 11, 20, tzinfo=UTC)
JOB = "gtlab-dev-fashion-0123abcd"


@pytest.fixture
def sagemaker() -> Stubber:
    client = boto3.client("sagemaker", region_name="us-east-1")
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def describe(stub: Stubber, status: str) -> None:
    stub.add_response(
        "describe_labeling_job",
        describe_response(JOB, status=status, account=ACCOUNT, created=CREATED),
        {"LabelingJobName": JOB},
    )


def test_waits_until_the_stopped_job_has_left_stopping(sagemaker: Stubber) -> None:
    for status in ("Stopping", "Stopping", "Stopped"):
        describe(sagemaker, status)
    clock, summary = FakeClock(start=0.0), dict[str, int]()
    cleanup.wait_until_settled(sagemaker.client, [JOB], clock.sleep, clock, summary)
    assert summary["StillStopping"] == 0
    assert clock.sleeps == [cleanup.STOP_POLL_SECONDS] * 3


def test_the_wait_is_bounded_and_reports_what_still_stops(sagemaker: Stubber) -> None:
    polls = cleanup.STOP_WAIT_SECONDS // cleanup.STOP_POLL_SECONDS
    for _ in range(polls):
        describe(sagemaker, "Stopping")
    clock, summary = FakeClock(start=0.0), dict[str, int]()
    cleanup.wait_until_settled(sagemaker.client, [JOB], clock.sleep, clock, summary)
    assert summary["StillStopping"] == 1
    assert clock() == cleanup.STOP_WAIT_SECONDS


def test_an_unreadable_job_is_not_waited_for(sagemaker: Stubber) -> None:
    sagemaker.add_client_error("describe_labeling_job", "ValidationException", "Requested resource not found")
    clock, summary = FakeClock(start=0.0), dict[str, int]()
    cleanup.wait_until_settled(sagemaker.client, [JOB], clock.sleep, clock, summary)
    assert summary["StillStopping"] == 0 and clock.sleeps == [cleanup.STOP_POLL_SECONDS]


def test_nothing_stopped_means_no_wait(sagemaker: Stubber) -> None:
    clock, summary = FakeClock(start=0.0), dict[str, int]()
    cleanup.wait_until_settled(sagemaker.client, [], clock.sleep, clock, summary)
    assert summary["StillStopping"] == 0 and clock.sleeps == []


@pytest.mark.parametrize(
    ("time_left", "budget"),
    [(None, cleanup.STOP_WAIT_SECONDS), (600.0, cleanup.STOP_WAIT_SECONDS), (300.0, 180.0), (60.0, 0.0)],
)
def test_the_wait_never_eats_the_time_the_delete_needs_to_answer(
    time_left: float | None, budget: float
) -> None:
    assert cleanup.wait_budget(time_left) == budget


def test_a_short_invocation_waits_only_what_it_can_afford(sagemaker: Stubber) -> None:
    budget = cleanup.wait_budget(cleanup.RESERVED_SECONDS + 2 * cleanup.STOP_POLL_SECONDS)
    for _ in range(2):
        describe(sagemaker, "Stopping")
    clock, summary = FakeClock(start=0.0), dict[str, int]()
    cleanup.wait_until_settled(sagemaker.client, [JOB], clock.sleep, clock, summary, budget)
    assert summary["StillStopping"] == 1
    assert clock() == 2 * cleanup.STOP_POLL_SECONDS
