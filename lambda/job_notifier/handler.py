"""Job notifier: target of the EventBridge rule on "SageMaker Ground Truth Labeling Job State Change".

The event gives the new status (detail.LabelingJobStatus) and the job ARN (resources[0]; see
docs/ground-truth.md#job-lifecycle). The handler describes the job (best-effort) and publishes a
readable message to TOPIC_ARN; the wording is in gt_rules.notifications. A failed publish raises,
so the event is retried and finally kept in the dead-letter queue (labeling_constructs/job_notifications.py).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gt_rules.handler_keys import NotifierEnvironment
from gt_rules.notifications import job_state_message, parse_job_arn
from gt_rules.retry import call_with_retries
from gt_runtime.aws import Clients, describe_error, describe_labeling_job

logger = logging.getLogger()
logger.setLevel(logging.INFO)

CLIENTS = Clients()
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Settings:
    topic_arn: str


def settings(environ: Mapping[str, str] = os.environ) -> Settings:
    return Settings(topic_arn=environ[NotifierEnvironment.TOPIC_ARN])


def notify(event: Mapping[str, Any], settings: Settings, *, sleep: Sleep) -> dict[str, Any]:
    detail = event.get("detail") or {}
    resources = event.get("resources") or []
    parsed = parse_job_arn(str(resources[0])) if resources else None
    if parsed is None:
        # Nothing identifies a job: raising would only make EventBridge retry the same event.
        logger.warning("event without a labeling-job ARN, nothing sent: %s", event)
        return {"published": False, "reason": "no labeling-job ARN in the event"}
    arn_region, job_name = parsed
    region = str(event.get("region") or arn_region or os.environ.get("AWS_REGION", ""))
    status = str(detail.get("LabelingJobStatus", ""))

    description: dict[str, Any] | None = None
    unreadable = ""
    try:
        description = describe_labeling_job(CLIENTS("sagemaker"), job_name, sleep=sleep)
    except Exception as exc:
        # Best-effort: a message with what the event has beats no message.
        unreadable = describe_error(exc)
        logger.warning("could not describe %s: %s", job_name, unreadable)

    message = job_state_message(
        job_name=job_name, status=status, region=region, description=description, describe_error=unreadable
    )
    sns = CLIENTS("sns")
    response = call_with_retries(
        lambda: sns.publish(TopicArn=settings.topic_arn, Subject=message.subject, Message=message.body),
        sleep=sleep,
    )
    logger.info("published %s for %s", message.subject, job_name)
    return {
        "published": True,
        "message_id": response.get("MessageId", ""),
        "job_name": (description or {}).get("LabelingJobName", job_name),
        "status": status,
    }


def handler(event: dict[str, Any], context: object, *, sleep: Sleep = time.sleep) -> dict[str, Any]:
    return notify(event, settings(), sleep=sleep)
