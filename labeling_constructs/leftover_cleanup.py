"""On destroy, clears what AWS created outside CloudFormation for our jobs
(docs/ground-truth.md#stop-and-delete, #output-layout): stops still-running jobs before their work team goes,
deletes streaming jobs' `GroundTruth-<job>` queues and our jobs' log streams in /aws/sagemaker/LabelingJobs.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import ArnFormat
from constructs import Construct

from gt_rules.handler_keys import CleanupProperties, ResourceTypes
from gt_rules.project import LABELING_JOB_LOG_GROUP, STREAMING_QUEUE_PREFIX

from .nag import LIST_ONLY_REASON
from .providers import HandlerProvider

# Well under the Provider framework's 15-minute Lambda; the handler keeps its wait within what
# the invocation has left, so a Delete is always answered (lambda/cleanup/handler.py).
ON_EVENT_TIMEOUT_SECONDS = 600
SERVICE_TIMEOUT_SECONDS = 16 * 60


class LeftoverCleanup(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, name_prefix: str, job_arn_pattern: str
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.handlers = HandlerProvider(
            self,
            "Handlers",
            function_dir="cleanup",
            description=f"Stops {name_prefix} jobs and deletes their queues and log streams on destroy",
            on_event_timeout_seconds=ON_EVENT_TIMEOUT_SECONDS,
        )
        function = self.handlers.on_event
        function.allow("sagemaker:ListLabelingJobs", resources=["*"], reason=LIST_ONLY_REASON)
        function.allow(
            "sagemaker:StopLabelingJob",
            "sagemaker:DescribeLabelingJob",
            resources=[job_arn_pattern],
            reason="Stops only this environment's jobs (name prefix).",
        )
        # ListQueues takes no resource-level permission; deletion is limited to our jobs' queues.
        function.allow("sqs:ListQueues", resources=["*"], reason=LIST_ONLY_REASON)
        self.queue_pattern = stack.format_arn(
            service="sqs",
            resource=f"{STREAMING_QUEUE_PREFIX}{name_prefix}-*",
            arn_format=ArnFormat.NO_RESOURCE_NAME,
        )
        function.allow(
            "sqs:DeleteQueue",
            resources=[self.queue_pattern],
            reason="Deletes only the GroundTruth-<prefix>-* queues of our streaming jobs.",
        )
        self.log_streams = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"{LABELING_JOB_LOG_GROUP}:log-stream:{name_prefix}-*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.log_group = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"{LABELING_JOB_LOG_GROUP}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        function.allow(
            "logs:DescribeLogStreams",
            resources=[self.log_group],
            reason="Lists streams of /aws/sagemaker/LabelingJobs only.",
        )
        function.allow(
            "logs:DeleteLogStream",
            resources=[self.log_streams],
            reason="Deletes only our jobs' streams (<prefix>-*) in that log group.",
        )
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.handlers.service_token,
            resource_type=ResourceTypes.LEFTOVER_CLEANUP,
            properties={CleanupProperties.NAME_PREFIX: name_prefix},
            service_timeout=cdk.Duration.seconds(SERVICE_TIMEOUT_SECONDS),
        )
