"""The reaper's pure decisions: which jobs, the TTL boundary, prefix exactness, the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gt_rules.errors import RuleViolation
from gt_rules.reaper import (
    ALREADY_SETTLED,
    FAILED,
    STOPPED,
    WOULD_STOP,
    ReapCandidate,
    ReapOutcome,
    environment_jobs,
    jobs_to_reap,
    list_requests,
    name_prefix_violations,
    parse_flag,
    parse_ttl_hours,
    reap_report,
    reap_summary,
)

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
TTL = timedelta(hours=72)


def job(name: str, *, age: timedelta, status: str = "InProgress") -> dict[str, Any]:
    return {"LabelingJobName": name, "LabelingJobStatus": status, "CreationTime": NOW - age}


def names(candidates: list[ReapCandidate]) -> list[str]:
    return [c.name for c in candidates]


class TestJobsToReap:
    def test_ttl_boundary_is_strict(self) -> None:
        jobs = [
            job("gtlab-dev-exact-00000001", age=TTL),
            job("gtlab-dev-under-00000002", age=TTL - timedelta(seconds=1)),
            job("gtlab-dev-over-00000003", age=TTL + timedelta(seconds=1)),
        ]
        assert names(jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL)) == [
            "gtlab-dev-over-00000003"
        ]

    @pytest.mark.parametrize(
        "other",
        [
            "gtlab-devx-fashion-1a2b3c4d",  # a longer environment name sharing the start
            "gtlab-prod-fashion-1a2b3c4d",
            "x-gtlab-dev-fashion-1a2b3c4d",  # contains the prefix, does not start with it
            "gtlab-dev",  # the prefix alone is no job of ours
            "gtlab-devfashion-1a2b3c4d",
        ],
    )
    def test_prefix_is_exact(self, other: str) -> None:
        jobs = [job(other, age=TTL * 2), job("gtlab-dev-fashion-1a2b3c4d", age=TTL * 2)]
        assert names(jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL)) == [
            "gtlab-dev-fashion-1a2b3c4d"
        ]

    @pytest.mark.parametrize("status", ["Completed", "Failed", "Stopping", "Stopped"])
    def test_settled_jobs_are_never_reaped(self, status: str) -> None:
        jobs = [job("gtlab-dev-old-00000001", age=TTL * 10, status=status)]
        assert jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL) == []

    def test_initializing_counts_as_running(self) -> None:
        jobs = [job("gtlab-dev-init-00000001", age=TTL * 2, status="Initializing")]
        (candidate,) = jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL)
        assert candidate.status == "Initializing"
        assert candidate.age == TTL * 2

    def test_oldest_first_and_each_job_once(self) -> None:
        newer = job("gtlab-dev-b-00000002", age=TTL * 2)
        older = job("gtlab-dev-a-00000001", age=TTL * 3)
        # The same job seen under two statuses while it moved between list calls.
        again = dict(newer, LabelingJobStatus="Initializing")
        result = jobs_to_reap([newer, older, again], name_prefix="gtlab-dev", now=NOW, ttl=TTL)
        assert names(result) == ["gtlab-dev-a-00000001", "gtlab-dev-b-00000002"]

    def test_naive_creation_time_is_utc(self) -> None:
        naive = (NOW - TTL - timedelta(minutes=1)).replace(tzinfo=None)
        jobs = [
            {
                "LabelingJobName": "gtlab-dev-n-00000001",
                "LabelingJobStatus": "InProgress",
                "CreationTime": naive,
            }
        ]
        (candidate,) = jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL)
        assert candidate.age == TTL + timedelta(minutes=1)

    def test_missing_creation_time_is_skipped(self) -> None:
        jobs = [{"LabelingJobName": "gtlab-dev-x-00000001", "LabelingJobStatus": "InProgress"}]
        assert jobs_to_reap(jobs, name_prefix="gtlab-dev", now=NOW, ttl=TTL) == []


def test_environment_jobs_filters_and_deduplicates_case_insensitively() -> None:
    summaries = [
        {"LabelingJobName": "gtlab-dev-a-00000001"},
        {"LabelingJobName": "GTLAB-DEV-A-00000001"},
        {"LabelingJobName": "gtlab-devx-a-00000001"},
    ]
    assert [j["LabelingJobName"] for j in environment_jobs(summaries, "gtlab-dev")] == [
        "gtlab-dev-a-00000001"
    ]


def test_list_requests_cover_each_running_status() -> None:
    requests = list_requests("GTLab-dev")
    assert [r["StatusEquals"] for r in requests] == ["Initializing", "InProgress"]
    assert all(r["NameContains"] == "gtlab-dev" and r["MaxResults"] == 100 for r in requests)


def test_list_requests_drop_a_name_filter_the_api_would_reject() -> None:
    assert all("NameContains" not in r for r in list_requests("a" * 64))


@pytest.mark.parametrize("prefix", ["", "gtlab-dev-", "-gtlab", "gtlab_dev", "a" * 64])
def test_bad_name_prefixes(prefix: str) -> None:
    assert name_prefix_violations(prefix)


def test_good_name_prefix() -> None:
    assert name_prefix_violations("gtlab-dev") == []


@pytest.mark.parametrize(("value", "hours"), [("72", 72.0), (" 0.5 ", 0.5), (24, 24.0), (1.5, 1.5)])
def test_parse_ttl_hours(value: object, hours: float) -> None:
    assert parse_ttl_hours(value) == timedelta(hours=hours)


@pytest.mark.parametrize("value", ["", "0", "-1", "abc", "nan", "inf", None])
def test_parse_ttl_hours_rejects(value: object) -> None:
    with pytest.raises(RuleViolation, match="TTL_HOURS"):
        parse_ttl_hours(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("FALSE", False), (" 1 ", True), ("no", False), (True, True)]
)
def test_parse_flag(value: object, expected: bool) -> None:
    assert parse_flag(value, "DRY_RUN") is expected


def test_parse_flag_rejects() -> None:
    with pytest.raises(RuleViolation, match="DRY_RUN"):
        parse_flag("maybe", "DRY_RUN")


def candidate(name: str, hours: float) -> ReapCandidate:
    return ReapCandidate(name, "InProgress", NOW - timedelta(hours=hours), timedelta(hours=hours))


class TestReport:
    def test_nothing_to_report(self) -> None:
        assert reap_report([], name_prefix="gtlab-dev", ttl=TTL, now=NOW, dry_run=False) is None

    def test_dry_run_report(self) -> None:
        outcomes = [ReapOutcome(candidate("gtlab-dev-a-00000001", 96), WOULD_STOP)]
        message = reap_report(outcomes, name_prefix="gtlab-dev", ttl=TTL, now=NOW, dry_run=True)
        assert message is not None
        assert message.subject == "gtlab-dev: would stop 1 labeling job over 72 h (dry run)"
        assert "DRY RUN: nothing was stopped" in message.body
        assert "- gtlab-dev-a-00000001: InProgress since 2026-11-18T12:00:00Z, running 96 h" in message.body
        assert "(more than the 72 h limit): would stop" in message.body

    def test_stop_report_with_a_failure(self) -> None:
        outcomes = [
            ReapOutcome(candidate("gtlab-dev-a-00000001", 100), STOPPED),
            ReapOutcome(candidate("gtlab-dev-b-00000002", 90), FAILED, "AccessDeniedException: no"),
            ReapOutcome(candidate("gtlab-dev-c-00000003", 80), ALREADY_SETTLED, "now Completed"),
        ]
        message = reap_report(outcomes, name_prefix="gtlab-dev", ttl=TTL, now=NOW, dry_run=False)
        assert message is not None
        assert message.subject == "gtlab-dev: stopped 1 of 3 labeling jobs over 72 h, 1 failed"
        assert "gtlab-dev-a-00000001: InProgress since" in message.body
        assert "running 100 h (more than the 72 h limit): stopped" in message.body
        assert "gtlab-dev-b-00000002" in message.body
        assert "STOP FAILED (AccessDeniedException: no)" in message.body
        assert "already finished, nothing to stop (now Completed)" in message.body
        assert "still running and billing" in message.body
        assert "DRY RUN" not in message.body

    def test_subject_fits_sns(self) -> None:
        long_prefix = "p" * 50
        outcomes = [ReapOutcome(candidate(f"{long_prefix}-job-00000001", 100), FAILED, "x")]
        message = reap_report(outcomes, name_prefix=long_prefix, ttl=TTL, now=NOW, dry_run=False)
        assert message is not None
        assert len(message.subject) <= 100
        assert message.subject.isascii()

    def test_long_lists_are_cut(self) -> None:
        outcomes = [ReapOutcome(candidate(f"gtlab-dev-j-{i:08x}", 100), STOPPED) for i in range(205)]
        message = reap_report(outcomes, name_prefix="gtlab-dev", ttl=TTL, now=NOW, dry_run=False)
        assert message is not None
        assert message.body.count("\n- gtlab-dev-j-") == 200
        assert "... and 5 more" in message.body


def test_summary_groups_names() -> None:
    outcomes = [
        ReapOutcome(candidate("gtlab-dev-a-00000001", 100), STOPPED),
        ReapOutcome(candidate("gtlab-dev-b-00000002", 90), FAILED, "boom"),
    ]
    summary = reap_summary(outcomes, name_prefix="gtlab-dev", ttl=TTL, dry_run=False, checked=5)
    assert summary == {
        "name_prefix": "gtlab-dev",
        "ttl_hours": 72.0,
        "dry_run": False,
        "checked": 5,
        "stopped": ["gtlab-dev-a-00000001"],
        "would_stop": [],
        "already_settled": [],
        "failed": {"gtlab-dev-b-00000002": "boom"},
    }
