"""Job reaper: on a schedule, stop this environment's labeling jobs that ran longer than the TTL.

Environment: NAME_PREFIX (`<project>-<env>`), TTL_HOURS, DRY_RUN ("true"/"false"), TOPIC_ARN.
The event may carry {"dry_run": true|false} to override DRY_RUN for one run.
Decisions are in gt_rules.reaper; this file lists, stops and publishes.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gt_rules.errors import RuleViolation
from gt_rules.lifecycle import needs_stop
from gt_rules.reaper import (
    ALREADY_SETTLED,
    FAILED,
    STOPPED,
    WOULD_STOP,
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
from gt_rules.retry import call_with_retries, error_code, error_message

logger = logging.getLogger()
logger.setLevel(logging.INFO)

BOTO_CONFIG = Config(retries={"mode": "standard"})


def _client(service: str) -> Any:
    return boto3.client(service, config=BOTO_CONFIG)


def list_running_jobs(
    sagemaker: Any, name_prefix: str, sleep: Callable[[float], None]
) -> list[dict[str, Any]]:
    """Our Initializing/InProgress jobs, every page of every status, each page retried on throttling."""
    summaries: list[dict[str, Any]] = []
    for request in list_requests(name_prefix):
        token: str | None = None
        while True:
            kwargs = dict(request, NextToken=token) if token else dict(request)
            page = call_with_retries(lambda kw=kwargs: sagemaker.list_labeling_jobs(**kw), sleep=sleep)
            summaries.extend(page.get("LabelingJobSummaryList", []))
            token = page.get("NextToken")
            if not token:
                break
    return environment_jobs(summaries, name_prefix)


def _stop(sagemaker: Any, name: str, sleep: Callable[[float], None]) -> tuple[str, str]:
    """(outcome, detail) of stopping one job; never raises, so one failure cannot block the rest."""
    try:
        call_with_retries(lambda: sagemaker.stop_labeling_job(LabelingJobName=name), sleep=sleep)
        return STOPPED, ""
    except (ClientError, BotoCoreError) as exc:
        failure = f"{error_code(exc) or type(exc).__name__}: {error_message(exc)}"
    # What StopLabelingJob answers for a job that finished meanwhile is UNVERIFIED (§8.2): if the
    # job is no longer running, the stop was simply not needed.
    try:
        status = call_with_retries(
            lambda: sagemaker.describe_labeling_job(LabelingJobName=name), sleep=sleep
        )["LabelingJobStatus"]
    except (ClientError, BotoCoreError, KeyError):
        return FAILED, failure
    if not needs_stop(status):
        return ALREADY_SETTLED, f"now {status}"
    return FAILED, failure


def handler(
    event: dict[str, Any] | None,
    context: object,
    *,
    sagemaker: Any = None,
    sns: Any = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    event = event or {}
    name_prefix = os.environ.get("NAME_PREFIX", "")
    violations = name_prefix_violations(name_prefix)
    if violations:
        # A misconfigured reaper must fail loudly rather than match nothing (or everything).
        raise RuleViolation(violations, "job reaper: ")
    ttl = parse_ttl_hours(os.environ.get("TTL_HOURS", ""))
    # Unset DRY_RUN means dry run: a reaper that stops jobs must be switched on deliberately.
    dry_run = parse_flag(os.environ.get("DRY_RUN") or "true", "DRY_RUN")
    if "dry_run" in event:
        dry_run = parse_flag(event["dry_run"], "event.dry_run")
    topic_arn = os.environ.get("TOPIC_ARN", "")
    now = now or datetime.now(UTC)
    sagemaker = sagemaker or _client("sagemaker")

    jobs = list_running_jobs(sagemaker, name_prefix, sleep)
    candidates = jobs_to_reap(jobs, name_prefix=name_prefix, now=now, ttl=ttl)
    outcomes: list[ReapOutcome] = []
    for candidate in candidates:
        if dry_run:
            outcomes.append(ReapOutcome(candidate, WOULD_STOP))
            continue
        action, detail = _stop(sagemaker, candidate.name, sleep)
        outcomes.append(ReapOutcome(candidate, action, detail))
        log = logger.error if action == FAILED else logger.info
        log("reaper %s %s %s", action, candidate.name, detail)

    summary = reap_summary(outcomes, name_prefix=name_prefix, ttl=ttl, dry_run=dry_run, checked=len(jobs))
    message = reap_report(outcomes, name_prefix=name_prefix, ttl=ttl, now=now, dry_run=dry_run)
    summary["published"] = False
    if message is not None:
        # Logged as well, so the report survives a failed publish.
        logger.info("reaper report: %s\n%s", message.subject, message.body)
        if topic_arn:
            sns = sns or _client("sns")
            call_with_retries(
                lambda: sns.publish(TopicArn=topic_arn, Subject=message.subject, Message=message.body),
                sleep=sleep,
            )
            summary["published"] = True
        else:
            logger.warning("TOPIC_ARN is not set: the reaper report was only logged")
    logger.info("reaper summary: %s", summary)
    return summary
