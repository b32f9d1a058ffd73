"""Clean-up custom resource (CDK Provider on_event): on stack Delete, remove what Ground Truth made
for this environment's jobs outside CloudFormation.

Properties: NamePrefix (`<project>-<env>`). Create/Update: nothing to do. Delete, each step best-effort,
retried on throttling and logged, and never raising (a failed Delete would leave the stack stuck in
DELETE_FAILED): (a) stop our jobs that still run (a work team cannot be deleted while its job runs), and wait,
bounded by the time the invocation has left, until they have left Stopping: this stack is destroyed first, so
the work teams go only after that (what DeleteWorkteam does with a Stopping job is not documented), (b) delete
the SQS queues `GroundTruth-<job name>` that streaming jobs leave behind, (c) delete our jobs' log streams in
/aws/sagemaker/LabelingJobs (docs/ground-truth.md#stop-and-delete, #output-layout)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from gt_rules.errors import RuleViolation
from gt_rules.handler_keys import CleanupProperties
from gt_rules.lifecycle import RUNNING_STATUSES, STOPPING
from gt_rules.naming import is_environment_job
from gt_rules.project import LABELING_JOB_LOG_GROUP, STREAMING_QUEUE_PREFIX
from gt_rules.reaper import FAILED, STOPPED, environment_jobs, list_requests, name_prefix_violations
from gt_rules.retry import call_with_retries, error_code
from gt_runtime.aws import (
    Clients,
    describe_error,
    describe_labeling_job,
    list_labeling_jobs,
    stop_labeling_job,
)

logger = logging.getLogger()
logger.setLevel(logging.INFO)

CLIENTS = Clients()
PHYSICAL_ID_SUFFIX = "-cleanup"
# Already gone: the goal of the step is reached.
_GONE = frozenset(
    {
        "ResourceNotFound",
        "ResourceNotFoundException",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)

Sleep = Callable[[float], None]
Clock = Callable[[], float]
STOP_WAIT_SECONDS = 420
STOP_POLL_SECONDS = 15
# Kept free of waiting for the queue and log-stream steps and the answer to CloudFormation: a
# Delete that ran out of time would be answered FAILED and leave the stack in DELETE_FAILED.
RESERVED_SECONDS = 120

Summary = dict[str, int]


def stop_running_jobs(name_prefix: str, sleep: Sleep, summary: Summary) -> list[str]:
    """Stop our running jobs; the names of those stopped (to wait for)."""
    sagemaker = CLIENTS("sagemaker")
    jobs = environment_jobs(
        list_labeling_jobs(sagemaker, list_requests(name_prefix), sleep=sleep), name_prefix
    )
    stopped = []
    for job in jobs:
        name = job["LabelingJobName"]
        outcome, detail = stop_labeling_job(sagemaker, name, sleep=sleep)
        if outcome == STOPPED:
            summary["StoppedJobs"] += 1
            stopped.append(name)
            logger.info("stopped labeling job %s", name)
        elif outcome == FAILED:
            summary["Errors"] += 1
            logger.warning("could not stop labeling job %s: %s", name, detail)
        else:
            logger.info("labeling job %s had settled meanwhile (%s)", name, detail)
    return stopped


def wait_budget(time_left_seconds: float | None) -> float:
    """How long the wait may take: STOP_WAIT_SECONDS, less when the invocation has less time left
    than that plus what the remaining steps need."""
    if time_left_seconds is None:
        return STOP_WAIT_SECONDS
    return max(0.0, min(STOP_WAIT_SECONDS, time_left_seconds - RESERVED_SECONDS))


def wait_until_settled(
    sagemaker: Any,
    names: list[str],
    sleep: Sleep,
    clock: Clock,
    summary: Summary,
    budget_seconds: float = STOP_WAIT_SECONDS,
) -> None:
    """Poll the stopped jobs until none is Initializing, InProgress or Stopping, for at most
    `budget_seconds` (see wait_budget)."""
    deadline = clock() + budget_seconds
    pending = list(names)
    while pending and clock() < deadline:
        sleep(STOP_POLL_SECONDS)
        pending = [name for name in pending if _still_stopping(sagemaker, name, sleep)]
    summary["StillStopping"] = len(pending)
    if pending:
        logger.warning("still stopping after %ss: %s", budget_seconds, ", ".join(pending))


def _still_stopping(sagemaker: Any, name: str, sleep: Sleep) -> bool:
    try:
        described = describe_labeling_job(sagemaker, name, sleep=sleep)
    except Exception as exc:
        # Gone, or unreadable: waiting longer would not help; the wait is best-effort.
        logger.info("not waiting for %s: %s", name, describe_error(exc))
        return False
    return described["LabelingJobStatus"] in (*RUNNING_STATUSES, STOPPING)


def delete_streaming_queues(name_prefix: str, sleep: Sleep, summary: Summary) -> None:
    sqs = CLIENTS("sqs")
    urls: list[str] = []
    # Physical job names are lowercase (gt_rules.naming) and SQS prefixes are case-sensitive.
    request: dict[str, Any] = {
        "QueueNamePrefix": STREAMING_QUEUE_PREFIX + name_prefix.lower(),
        "MaxResults": 1000,
    }
    while True:
        page = call_with_retries(functools.partial(sqs.list_queues, **request), sleep=sleep)
        urls.extend(page.get("QueueUrls", []))
        if not page.get("NextToken"):
            break
        request["NextToken"] = page["NextToken"]
    for url in urls:
        queue_name = url.rstrip("/").rsplit("/", 1)[-1]
        # The list prefix would also return `GroundTruth-gtlab-devx-...`: keep only our jobs' queues.
        if not is_environment_job(queue_name.removeprefix(STREAMING_QUEUE_PREFIX), name_prefix):
            continue
        try:
            call_with_retries(functools.partial(sqs.delete_queue, QueueUrl=url), sleep=sleep)
            summary["DeletedQueues"] += 1
            logger.info("deleted queue %s", queue_name)
        except Exception as exc:
            if error_code(exc) in _GONE:
                continue
            summary["Errors"] += 1
            logger.warning("could not delete queue %s: %s", queue_name, describe_error(exc))


def delete_job_log_streams(name_prefix: str, sleep: Sleep, summary: Summary) -> None:
    logs = CLIENTS("logs")
    streams: list[str] = []
    request: dict[str, Any] = {
        "logGroupName": LABELING_JOB_LOG_GROUP,
        "logStreamNamePrefix": name_prefix.lower(),
    }
    while True:
        try:
            page = call_with_retries(functools.partial(logs.describe_log_streams, **request), sleep=sleep)
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                # No job of the account ever logged in this Region: nothing to delete.
                logger.info("log group %s does not exist", LABELING_JOB_LOG_GROUP)
                return
            raise
        streams.extend(s["logStreamName"] for s in page.get("logStreams", []))
        if not page.get("nextToken"):
            break
        request["nextToken"] = page["nextToken"]
    for stream in streams:
        # One stream per job name; a `<job>/...` form would match the same way.
        if not is_environment_job(stream, name_prefix):
            continue
        try:
            call_with_retries(
                functools.partial(
                    logs.delete_log_stream, logGroupName=LABELING_JOB_LOG_GROUP, logStreamName=stream
                ),
                sleep=sleep,
            )
            summary["DeletedLogStreams"] += 1
        except Exception as exc:
            if error_code(exc) in _GONE:
                continue
            summary["Errors"] += 1
            logger.warning("could not delete log stream %s: %s", stream, describe_error(exc))


def prefix_for_delete(event: Mapping[str, Any]) -> str:
    """The NamePrefix to clean, or "" when neither the properties nor the physical ID give a valid one."""
    properties = event.get("ResourceProperties") or {}
    candidates = [str(properties.get(CleanupProperties.NAME_PREFIX, ""))]
    physical_id = str(event.get("PhysicalResourceId", ""))
    if physical_id.endswith(PHYSICAL_ID_SUFFIX):
        candidates.append(physical_id.removesuffix(PHYSICAL_ID_SUFFIX))
    for candidate in candidates:
        # An empty or malformed prefix could match other environments' resources: never use one.
        if candidate and not name_prefix_violations(candidate, CleanupProperties.NAME_PREFIX):
            return candidate
    return ""


def clean_up(name_prefix: str, *, sleep: Sleep, clock: Clock, time_left_seconds: float | None) -> Summary:
    """Every step, each on its own: one failing never keeps the others from running."""
    summary: Summary = {
        "StoppedJobs": 0,
        "StillStopping": 0,
        "DeletedQueues": 0,
        "DeletedLogStreams": 0,
        "Errors": 0,
    }
    stopped: list[str] = []

    def stop() -> None:
        stopped.extend(stop_running_jobs(name_prefix, sleep, summary))

    def wait() -> None:
        budget = wait_budget(time_left_seconds)
        wait_until_settled(CLIENTS("sagemaker"), stopped, sleep, clock, summary, budget)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("stop running jobs", stop),
        ("wait for stopped jobs", wait),
        ("delete streaming queues", lambda: delete_streaming_queues(name_prefix, sleep, summary)),
        ("delete job log streams", lambda: delete_job_log_streams(name_prefix, sleep, summary)),
    ]
    for step_name, step in steps:
        try:
            step()
        except Exception as exc:
            summary["Errors"] += 1
            logger.warning("clean-up step '%s' failed: %s", step_name, describe_error(exc))
    logger.info("clean-up of %s: %s", name_prefix, summary)
    return summary


def _as_data(summary: Summary) -> dict[str, str]:
    # Custom-resource responses are capped at 4 KB: counts only, as strings (CloudFormation attributes).
    return {key: str(value) for key, value in summary.items()}


def on_event(
    event: Mapping[str, Any],
    context: object = None,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
) -> dict[str, Any]:
    request_type = event.get("RequestType")
    physical_id = str(event.get("PhysicalResourceId", ""))
    if request_type == "Delete":
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        time_left = remaining() / 1000 if callable(remaining) else None
        try:
            name_prefix = prefix_for_delete(event)
            if not name_prefix:
                logger.error("no valid NamePrefix in the Delete event: nothing cleaned")
                summary = dict.fromkeys(
                    ("StoppedJobs", "StillStopping", "DeletedQueues", "DeletedLogStreams"), 0
                )
                return {"PhysicalResourceId": physical_id, "Data": _as_data({**summary, "Errors": 1})}
            summary = clean_up(name_prefix, sleep=sleep, clock=clock, time_left_seconds=time_left)
            return {"PhysicalResourceId": physical_id, "Data": _as_data(summary)}
        except Exception:
            # Belt and braces: whatever happened, the stack must be able to go.
            logger.exception("clean-up failed unexpectedly; Delete reported as done")
            return {"PhysicalResourceId": physical_id, "Data": {"Errors": "1"}}

    name_prefix = str((event.get("ResourceProperties") or {}).get(CleanupProperties.NAME_PREFIX, ""))
    violations = name_prefix_violations(name_prefix, CleanupProperties.NAME_PREFIX)
    if violations:
        # Create/Update may fail: a bad prefix now would make the later Delete clean nothing.
        raise RuleViolation(violations, "cleanup: ")
    return {
        "PhysicalResourceId": name_prefix + PHYSICAL_ID_SUFFIX,
        "Data": {CleanupProperties.NAME_PREFIX: name_prefix},
    }
