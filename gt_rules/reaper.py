"""The job reaper's decisions: which of an environment's labeling jobs ran too long, and the report.

Also used by the clean-up custom resource and the cleanup report: which ListLabelingJobs requests
find an environment's running jobs, and which listed jobs really are ours (gt_rules.naming's
`is_environment_job`: `gtlab-dev` owns `gtlab-dev-<job>-<hex>`, never `gtlab-devx-...`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import RuleViolation, Violation
from .lifecycle import RUNNING_STATUSES, needs_stop
from .limits import LABELING_JOB_NAME_MAX, LABELING_JOB_NAME_RE, full_match_violation
from .naming import is_environment_job
from .notifications import Message, clip_body, sns_subject

# ListLabelingJobs.MaxResults maximum (botocore model).
LIST_PAGE_SIZE = 100
# ListLabelingJobs.NameContains: at most 63 characters of [a-zA-Z0-9-] (botocore model).
NAME_CONTAINS_MAX = 63
# Jobs named in one SNS report; the rest are counted, so the message stays readable and small.
REPORT_MAX_JOBS = 200

# Outcomes of one reaped job.
STOPPED = "stopped"
WOULD_STOP = "would_stop"
FAILED = "failed"
ALREADY_SETTLED = "already_settled"

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def name_prefix_violations(name_prefix: str, field: str = "NAME_PREFIX") -> list[Violation]:
    """A name prefix must itself be a valid job-name start; an empty one would match every job."""
    return full_match_violation(
        field, name_prefix, LABELING_JOB_NAME_RE, LABELING_JOB_NAME_MAX, "name prefix"
    )


def list_requests(name_prefix: str) -> list[dict[str, Any]]:
    """ListLabelingJobs keyword arguments, one per running status, that together cover our running jobs.

    NameContains is a substring filter (so callers filter again with `is_environment_job`); it is
    left out when the prefix would not pass its length or pattern rule. Physical names are lowercase
    (gt_rules.naming), so the filter is too.
    """
    contains = name_prefix.lower()
    requests: list[dict[str, Any]] = []
    for status in RUNNING_STATUSES:
        request: dict[str, Any] = {"StatusEquals": status, "MaxResults": LIST_PAGE_SIZE}
        if 0 < len(contains) <= NAME_CONTAINS_MAX and all(
            (c.isascii() and c.isalnum()) or c == "-" for c in contains
        ):
            request["NameContains"] = contains
        requests.append(request)
    return requests


def environment_jobs(summaries: Iterable[Mapping[str, Any]], name_prefix: str) -> list[dict[str, Any]]:
    """Our jobs among `summaries`, each once (a job listed under two statuses while it moves)."""
    seen: set[str] = set()
    jobs: list[dict[str, Any]] = []
    for summary in summaries:
        name = str(summary.get("LabelingJobName", ""))
        # Job names are unique case-insensitively (docs/ground-truth.md#create-labeling-job), so that is how
        # duplicates are spotted.
        if not is_environment_job(name, name_prefix) or name.lower() in seen:
            continue
        seen.add(name.lower())
        jobs.append(dict(summary))
    return jobs


def parse_ttl_hours(value: object, field: str = "TTL_HOURS") -> timedelta:
    """A positive, finite number of hours (int, float or their string forms) as a timedelta."""
    try:
        hours = float(str(value).strip())
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours) or hours <= 0:
        raise RuleViolation([Violation(field, value, "must be a positive number of hours")])
    return timedelta(hours=hours)


def parse_flag(value: object, field: str) -> bool:
    """A boolean from JSON (true/false) or an environment variable ("true"/"false", "1"/"0", ...)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RuleViolation([Violation(field, value, 'must be "true" or "false"')])


def _as_utc(moment: datetime) -> datetime:
    # boto3 returns aware datetimes; a naive one (hand-built in a test or a tool) is taken as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class ReapCandidate:
    """One of our jobs that is still running after the TTL."""

    name: str
    status: str
    created: datetime
    age: timedelta

    def reason(self, ttl: timedelta) -> str:
        return (
            f"{self.status} since {_iso(self.created)}, running {_hours(self.age)} "
            f"(more than the {_hours(ttl)} limit)"
        )


@dataclass(frozen=True)
class ReapOutcome:
    candidate: ReapCandidate
    action: str  # STOPPED | WOULD_STOP | FAILED | ALREADY_SETTLED
    detail: str = ""


def jobs_to_reap(
    jobs: Iterable[Mapping[str, Any]], *, name_prefix: str, now: datetime, ttl: timedelta
) -> list[ReapCandidate]:
    """Our running jobs whose age (now - CreationTime) is strictly more than `ttl`, oldest first."""
    now = _as_utc(now)
    candidates: list[ReapCandidate] = []
    for job in environment_jobs(jobs, name_prefix):
        status = str(job.get("LabelingJobStatus", ""))
        created = job.get("CreationTime")
        if not needs_stop(status) or not isinstance(created, datetime):
            continue
        age = now - _as_utc(created)
        if age > ttl:
            candidates.append(ReapCandidate(str(job["LabelingJobName"]), status, _as_utc(created), age))
    candidates.sort(key=lambda c: (c.created, c.name))
    return candidates


def reap_report(
    outcomes: Sequence[ReapOutcome], *, name_prefix: str, ttl: timedelta, now: datetime, dry_run: bool
) -> Message | None:
    """The SNS message about what was stopped (or would be), or None when there is nothing to say."""
    if not outcomes:
        return None
    counts = {action: sum(1 for o in outcomes if o.action == action) for action in _ACTION_TEXT}
    total = len(outcomes)
    jobs_word = "job" if total == 1 else "jobs"
    if dry_run:
        subject = f"{name_prefix}: would stop {total} labeling {jobs_word} over {_hours(ttl)} (dry run)"
    else:
        subject = (
            f"{name_prefix}: stopped {counts[STOPPED]} of {total} labeling {jobs_word} over {_hours(ttl)}"
        )
        if counts[FAILED]:
            subject += f", {counts[FAILED]} failed"

    lines = [
        f"Labeling-job reaper for {name_prefix}, run at {_iso(_as_utc(now))}.",
        f"Limit: jobs of this environment may run {_hours(ttl)} (TTL_HOURS) from their creation.",
        "",
    ]
    if dry_run:
        lines += ["DRY RUN: nothing was stopped. These jobs would be stopped:", ""]
    for outcome in outcomes[:REPORT_MAX_JOBS]:
        c = outcome.candidate
        result = _ACTION_TEXT[outcome.action]
        if outcome.detail:
            result += f" ({outcome.detail})"
        lines.append(f"- {c.name}: {c.reason(ttl)}: {result}")
    if total > REPORT_MAX_JOBS:
        lines.append(f"- ... and {total - REPORT_MAX_JOBS} more (see the reaper's log)")
    lines += [
        "",
        "A stopped job cannot be restarted; its labels so far are in its output location. To carry on, "
        "start a new job from that output manifest with the same label attribute name.",
    ]
    if counts[FAILED]:
        lines.append("Jobs whose stop failed are still running and billing: stop them from the console.")
    return Message(sns_subject(subject), clip_body("\n".join(lines) + "\n"))


def reap_summary(
    outcomes: Sequence[ReapOutcome], *, name_prefix: str, ttl: timedelta, dry_run: bool, checked: int
) -> dict[str, Any]:
    """The handler's return value: plain JSON, names grouped by outcome."""
    by_action = {
        action: [o.candidate.name for o in outcomes if o.action == action] for action in _ACTION_TEXT
    }
    return {
        "name_prefix": name_prefix,
        "ttl_hours": ttl.total_seconds() / 3600,
        "dry_run": dry_run,
        "checked": checked,
        "stopped": by_action[STOPPED],
        "would_stop": by_action[WOULD_STOP],
        "already_settled": by_action[ALREADY_SETTLED],
        "failed": {o.candidate.name: o.detail for o in outcomes if o.action == FAILED},
    }


_ACTION_TEXT = {
    STOPPED: "stopped",
    WOULD_STOP: "would stop",
    ALREADY_SETTLED: "already finished, nothing to stop",
    FAILED: "STOP FAILED",
}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} h" if hours == int(hours) else f"{hours:.1f} h"
