"""Job-state emails: an EventBridge rule on Ground Truth job state changes of this environment, a notifier
that turns them into readable messages, and the job-owner topic (docs/ground-truth.md#job-lifecycle)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from gt_rules.handler_keys import NotifierEnvironment

from .encryption import WRITE_ACTIONS, allow_key_use
from .notification_topic import NotificationTopic
from .python_function import PythonHandlerFunction

DETAIL_TYPE = "SageMaker Ground Truth Labeling Job State Change"


class JobOwnerNotifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic_name: str,
        job_arn_prefix: str,
        job_arn_pattern: str,
        owner_emails: list[str],
        encryption_key: kms.IKey | None,
    ) -> None:
        super().__init__(scope, construct_id)
        # Only our notifier and the teardown stack's reaper publish, by IAM grant: no service principal.
        self.topic = NotificationTopic(
            self,
            "Owners",
            topic_name=topic_name,
            display_name="Ground Truth jobs",
            encryption_key=encryption_key,
            emails=owner_emails,
        ).topic
        # Where a job-state event goes when it cannot be delivered to the notifier (EventBridge's
        # dead-letter queue) or when the notifier failed on it through every retry (the function's
        # asynchronous-invocation dead-letter queue). An idle queue costs nothing; events are kept
        # 14 days, long enough to notice and replay them.
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.notifier = PythonHandlerFunction(
            self,
            "Notifier",
            function_dir="job_notifier",
            handler="handler.handler",
            description="Emails job owners when a labeling job completes, fails or stops",
            environment={NotifierEnvironment.TOPIC_ARN: self.topic.topic_arn},
            timeout_seconds=60,
            memory_size=128,
            dead_letter_queue=self.dead_letters,
            async_retry_attempts=2,
        )
        self.notifier.allow("sns:Publish", resources=[self.topic.topic_arn])
        allow_key_use(self.notifier.role, encryption_key, WRITE_ACTIONS)
        self.notifier.allow(
            "sagemaker:DescribeLabelingJob",
            resources=[job_arn_pattern],
            reason="Describes only this environment's labeling jobs (name prefix).",
        )
        self.rule = events.Rule(
            self,
            "StateChange",
            description="Ground Truth labeling job state changes of this environment",
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=[DETAIL_TYPE],
                # Only this environment's jobs: their ARNs share the environment's name prefix.
                resources=events.Match.prefix(job_arn_prefix),
            ),
            targets=[
                targets.LambdaFunction(
                    self.notifier.function,
                    dead_letter_queue=self.dead_letters,
                    retry_attempts=8,
                    max_event_age=cdk.Duration.hours(24),
                )
            ],
        )
        cdk.Tags.of(self.rule).add("purpose", "job-notifications")
