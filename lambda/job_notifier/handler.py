"""Job notifier: target of the EventBridge rule on "SageMaker Ground Truth Labeling Job State Change".

The event gives the new status (detail.LabelingJobStatus) and the job ARN (resources[0], §8.1).
The handler describes the job (best-effort) and publishes a readable message to TOPIC_ARN;
the wording is in gt_rules.notifications.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gt_rules.notifications import job_state_message, parse_job_arn
from gt_rules.retry import call_with_retries, error_code, error_message

logger = logging.getLogger()
logger.setLevel(logging.INFO)

BOTO_CONFIG = Config(retries={"mode": "standard"})


def _client(service: str) -> Any:
    return boto3.client(service, config=BOTO_CONFIG)


def handler(
    event: dict[str, Any],
    context: object,
    *,
    sagemaker: Any = None,
    sns: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
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
    describe_error = ""
    try:
        sagemaker = sagemaker or _client("sagemaker")
        description = call_with_retries(
            lambda: sagemaker.describe_labeling_job(LabelingJobName=job_name), sleep=sleep
        )
    except (ClientError, BotoCoreError) as exc:
        # Best-effort: a message with what the event has beats no message.
        describe_error = f"{error_code(exc) or type(exc).__name__}: {error_message(exc)}"
        logger.warning("could not describe %s: %s", job_name, describe_error)

    message = job_state_message(
        job_name=job_name,
        status=status,
        region=region,
        description=description,
        describe_error=describe_error,
    )
    topic_arn = os.environ["TOPIC_ARN"]
    sns = sns or _client("sns")
    # A failed publish raises, so EventBridge's retry (and any dead-letter queue) gets the event.
    response = call_with_retries(
        lambda: sns.publish(TopicArn=topic_arn, Subject=message.subject, Message=message.body), sleep=sleep
    )
    logger.info("published %s for %s", message.subject, job_name)
    return {
        "published": True,
        "message_id": response.get("MessageId", ""),
        "job_name": (description or {}).get("LabelingJobName", job_name),
        "status": status,
    }
