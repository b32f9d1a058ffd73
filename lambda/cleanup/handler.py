"""Clean-up custom resource (CDK Provider on_event): on stack Delete, remove what Ground Truth made
for this environment's jobs outside CloudFormation.

Properties: NamePrefix (`<project>-<env>`). Create/Update: nothing to do. Delete, each step
best-effort, retried on throttling and logged, and never raising (a failed Delete would leave the
stack stuck in DELETE_FAILED):
  (a) stop our jobs that still run (a work team cannot be deleted while its job runs), and wait,
      bounded, until they have left Stopping: this stack is destroyed first, so the work teams
      go only after that (what DeleteWorkteam does with a Stopping job is UNVERIFIED),
  (b) delete the SQS queues `GroundTruth-<job name>` that streaming jobs leave behind (§8.2),
  (c) delete our jobs' log streams in /aws/sagemaker/LabelingJobs (§5.1).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from gt_rules.errors import RuleViolation
from gt_rules.lifecycle import RUNNING_STATUSES, STOPPING
from gt_rules.naming import is_environment_job
from gt_rules.project import LABELING_JOB_LOG_GROUP, STREAMING_QUEUE_PREFIX
from gt_rules.reaper import environment_jobs, list_requests, name_prefix_violations
from gt_rules.retry import call_with_retries, error_code, error_message, is_throttling

logger = logging.getLogger()
logger.setLevel(logging.INFO)

BOTO_CONFIG = Config(retries={"mode": "standard"})
PHYSICAL_ID_SUFFIX = "-cleanup"
# SQS's JSON protocol names its throttling error RequestThrottled; gt_rules.retry does not list it.
_SQS_THROTTLING = frozenset({"RequestThrottled", "AWS.SimpleQueueService.RequestThrottled"})
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


def _retryable(exc: BaseException) -> bool:
    return is_throttling(exc) or error_code(exc) in _SQS_THROTTLING


def _client(service: str) -> Any:
    return boto3.client(service, config=BOTO_CONFIG)


def _describe(exc: BaseException) -> str:
    return f"{error_code(exc) or type(exc).__name__}: {error_message(exc)}"


def stop_running_jobs(
    sagemaker: Any, name_prefix: str, sleep: Sleep, summary: dict[str, int], stopped: list[str]
) -> None:
    summaries: list[dict[str, Any]] = []
    for request in list_requests(name_prefix):
        token: str | None = None
        while True:
            kwargs = dict(request, NextToken=token) if token else dict(request)
            page = call_with_retries(
                lambda kw=kwargs: sagemaker.list_labeling_jobs(**kw), retryable=_retryable, sleep=sleep
            )
            summaries.extend(page.get("LabelingJobSummaryList", []))
            token = page.get("NextToken")
            if not token:
                break
    for job in environment_jobs(summaries, name_prefix):
        name = job["LabelingJobName"]
        try:
            call_with_retries(
                lambda n=name: sagemaker.stop_labeling_job(LabelingJobName=n),
                retryable=_retryable,
                sleep=sleep,
            )
            summary["StoppedJobs"] += 1
            stopped.append(name)
            logger.info("stopped labeling job %s", name)
        except Exception as exc:
            # The job may have finished between list and stop (§8.2): logged, never fatal.
            summary["Errors"] += 1
            logger.warning("could not stop labeling job %s: %s", name, _describe(exc))


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
    summary: dict[str, int],
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
        described = call_with_retries(
            lambda: sagemaker.describe_labeling_job(LabelingJobName=name), retryable=_retryable, sleep=sleep
        )
    except Exception as exc:
        # Gone, or unreadable: waiting longer would not help; the wait is best-effort.
        logger.info("not waiting for %s: %s", name, _describe(exc))
        return False
    return described["LabelingJobStatus"] in (*RUNNING_STATUSES, STOPPING)


def delete_streaming_queues(sqs: Any, name_prefix: str, sleep: Sleep, summary: dict[str, int]) -> None:
    urls: list[str] = []
    # Physical job names are lowercase (gt_rules.naming) and SQS prefixes are case-sensitive.
    request: dict[str, Any] = {
        "QueueNamePrefix": STREAMING_QUEUE_PREFIX + name_prefix.lower(),
        "MaxResults": 1000,
    }
    while True:
        page = call_with_retries(
            lambda r=dict(request): sqs.list_queues(**r), retryable=_retryable, sleep=sleep
        )
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
            call_with_retries(lambda u=url: sqs.delete_queue(QueueUrl=u), retryable=_retryable, sleep=sleep)
            summary["DeletedQueues"] += 1
            logger.info("deleted queue %s", queue_name)
        except Exception as exc:
            if error_code(exc) in _GONE:
                continue
            summary["Errors"] += 1
            logger.warning("could not delete queue %s: %s", queue_name, _describe(exc))


def delete_job_log_streams(logs: Any, name_prefix: str, sleep: Sleep, summary: dict[str, int]) -> None:
    streams: list[str] = []
    request: dict[str, Any] = {
        "logGroupName": LABELING_JOB_LOG_GROUP,
        "logStreamNamePrefix": name_prefix.lower(),
    }
    while True:
        try:
            page = call_with_retries(
                lambda r=dict(request): logs.describe_log_streams(**r), retryable=_retryable, sleep=sleep
            )
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
        # One stream per job name (§5.1); a `<job>/...` form would match the same way.
        if not is_environment_job(stream, name_prefix):
            continue
        try:
            call_with_retries(
                lambda s=stream: logs.delete_log_stream(logGroupName=LABELING_JOB_LOG_GROUP, logStreamName=s),
                retryable=_retryable,
                sleep=sleep,
            )
            summary["DeletedLogStreams"] += 1
        except Exception as exc:
            if error_code(exc) in _GONE:
                continue
            summary["Errors"] += 1
            logger.warning("could not delete log stream %s: %s", stream, _describe(exc))


def _prefix_for_delete(event: dict[str, Any]) -> str:
    """The NamePrefix to clean, or "" when neither the properties nor the physical ID give a valid one."""
    candidates = [str((event.get("ResourceProperties") or {}).get("NamePrefix", ""))]
    physical_id = str(event.get("PhysicalResourceId", ""))
    if physical_id.endswith(PHYSICAL_ID_SUFFIX):
        candidates.append(physical_id.removesuffix(PHYSICAL_ID_SUFFIX))
    for candidate in candidates:
        # An empty or malformed prefix could match other environments' resources: never use one.
        if candidate and not name_prefix_violations(candidate, "NamePrefix"):
            return candidate
    return ""


def on_delete(
    event: dict[str, Any],
    *,
    sagemaker: Any,
    sqs: Any,
    logs: Any,
    sleep: Sleep,
    clock: Clock,
    time_left_seconds: float | None = None,
) -> dict[str, Any]:
    summary = {"StoppedJobs": 0, "StillStopping": 0, "DeletedQueues": 0, "DeletedLogStreams": 0, "Errors": 0}
    stopped: list[str] = []
    sagemaker = sagemaker or _client("sagemaker")
    physical_id = str(event.get("PhysicalResourceId", ""))
    name_prefix = _prefix_for_delete(event)
    if not name_prefix:
        logger.error("no valid NamePrefix in the Delete event: nothing cleaned")
        summary["Errors"] += 1
        return {"PhysicalResourceId": physical_id, "Data": {k: str(v) for k, v in summary.items()}}

    steps: list[tuple[str, Callable[[], None]]] = [
        (
            "stop running jobs",
            lambda: stop_running_jobs(sagemaker, name_prefix, sleep, summary, stopped),
        ),
        (
            "wait for stopped jobs",
            lambda: wait_until_settled(
                sagemaker, stopped, sleep, clock, summary, wait_budget(time_left_seconds)
            ),
        ),
        (
            "delete streaming queues",
            lambda: delete_streaming_queues(sqs or _client("sqs"), name_prefix, sleep, summary),
        ),
        (
            "delete job log streams",
            lambda: delete_job_log_streams(logs or _client("logs"), name_prefix, sleep, summary),
        ),
    ]
    for step_name, step in steps:
        try:
            step()
        except Exception as exc:
            summary["Errors"] += 1
            logger.warning("clean-up step '%s' failed: %s", step_name, _describe(exc))
    logger.info("clean-up of %s: %s", name_prefix, summary)
    # Custom-resource responses are capped at 4 KB: counts only, as strings (CloudFormation attributes).
    return {"PhysicalResourceId": physical_id, "Data": {k: str(v) for k, v in summary.items()}}


def handler(
    event: dict[str, Any],
    context: object,
    *,
    sagemaker: Any = None,
    sqs: Any = None,
    logs: Any = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
) -> dict[str, Any]:
    request_type = event.get("RequestType")
    if request_type == "Delete":
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        try:
            return on_delete(
                event,
                sagemaker=sagemaker,
                sqs=sqs,
                logs=logs,
                sleep=sleep,
                clock=clock,
                time_left_seconds=remaining() / 1000 if callable(remaining) else None,
            )
        except Exception:
            # Belt and braces: whatever happened, the stack must be able to go.
            logger.exception("clean-up failed unexpectedly; Delete reported as done")
            return {"PhysicalResourceId": str(event.get("PhysicalResourceId", "")), "Data": {"Errors": "1"}}

    name_prefix = str((event.get("ResourceProperties") or {}).get("NamePrefix", ""))
    violations = name_prefix_violations(name_prefix, "NamePrefix")
    if violations:
        # Create/Update may fail: a bad prefix now would make the later Delete clean nothing.
        raise RuleViolation(violations, "cleanup: ")
    return {"PhysicalResourceId": name_prefix + PHYSICAL_ID_SUFFIX, "Data": {"NamePrefix": name_prefix}}


# The CDK Provider framework calls `on_event`; `handler` stays the name the tests use.
on_event = handler
