"""Job reaper: on a schedule, stop this environment's labeling jobs that ran longer than the TTL.

Environment (gt_rules.handler_keys.ReaperEnvironment): NAME_PREFIX (`<project>-<env>`), TTL_HOURS,
DRY_RUN ("true"/"false"; unset means a dry run), TOPIC_ARN. The event may carry
{"dry_run": true|false} to override DRY_RUN for one run. Decisions are in gt_rules.reaper; this
file reads its settings, lists, stops and publishes.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gt_rules.errors import RuleViolation
from gt_rules.handler_keys import ReaperEnvironment
from gt_rules.reaper import (
    FAILED,
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
from gt_rules.retry import call_with_retries
from gt_runtime.aws import Clients, list_labeling_jobs, stop_labeling_job

logger = logging.getLogger()
logger.setLevel(logging.INFO)

CLIENTS = Clients()
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Settings:
    name_prefix: str
    ttl: timedelta
    dry_run: bool
    topic_arn: str  # "" when unset: the report is only logged


def settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The reaper's environment, checked: a misconfigured reaper must fail loudly rather than
    match nothing (or everything)."""
    name_prefix = environ.get(ReaperEnvironment.NAME_PREFIX, "")
    violations = name_prefix_violations(name_prefix, ReaperEnvironment.NAME_PREFIX)
    if violations:
        raise RuleViolation(violations, "job reaper: ")
    return Settings(
        name_prefix=name_prefix,
        ttl=parse_ttl_hours(environ.get(ReaperEnvironment.TTL_HOURS, ""), ReaperEnvironment.TTL_HOURS),
        # A reaper that stops jobs must be switched on deliberately.
        dry_run=parse_flag(environ.get(ReaperEnvironment.DRY_RUN) or "true", ReaperEnvironment.DRY_RUN),
        topic_arn=environ.get(ReaperEnvironment.TOPIC_ARN, ""),
    )


def reap(settings: Settings, *, now: datetime, sleep: Sleep) -> dict[str, Any]:
    """List our running jobs, stop those past the TTL (or only say so), report, return a summary."""
    sagemaker = CLIENTS("sagemaker")
    summaries = list_labeling_jobs(sagemaker, list_requests(settings.name_prefix), sleep=sleep)
    jobs = environment_jobs(summaries, settings.name_prefix)
    outcomes: list[ReapOutcome] = []
    for candidate in jobs_to_reap(jobs, name_prefix=settings.name_prefix, now=now, ttl=settings.ttl):
        if settings.dry_run:
            outcomes.append(ReapOutcome(candidate, WOULD_STOP))
            continue
        action, detail = stop_labeling_job(sagemaker, candidate.name, sleep=sleep)
        outcomes.append(ReapOutcome(candidate, action, detail))
        (logger.error if action == FAILED else logger.info)("reaper %s %s %s", action, candidate.name, detail)

    summary = reap_summary(
        outcomes,
        name_prefix=settings.name_prefix,
        ttl=settings.ttl,
        dry_run=settings.dry_run,
        checked=len(jobs),
    )
    message = reap_report(
        outcomes, name_prefix=settings.name_prefix, ttl=settings.ttl, now=now, dry_run=settings.dry_run
    )
    summary["published"] = False
    if message is not None:
        # Logged as well, so the report survives a failed publish.
        logger.info("reaper report: %s\n%s", message.subject, message.body)
        if settings.topic_arn:
            sns = CLIENTS("sns")
            call_with_retries(
                lambda: sns.publish(
                    TopicArn=settings.topic_arn, Subject=message.subject, Message=message.body
                ),
                sleep=sleep,
            )
            summary["published"] = True
        else:
            logger.warning("TOPIC_ARN is not set: the reaper report was only logged")
    logger.info("reaper summary: %s", summary)
    return summary


def handler(
    event: Mapping[str, Any] | None,
    context: object,
    *,
    now: datetime | None = None,
    sleep: Sleep = time.sleep,
) -> dict[str, Any]:
    configured = settings()
    event = event or {}
    if "dry_run" in event:
        configured = Settings(
            configured.name_prefix,
            configured.ttl,
            parse_flag(event["dry_run"], "event.dry_run"),
            configured.topic_arn,
        )
    return reap(configured, now=now or datetime.now(UTC), sleep=sleep)
