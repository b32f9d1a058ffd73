"""Stops this environment's forgotten labeling jobs: a schedule and a Lambda (default on in dev)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from gt_rules.handler_keys import ReaperEnvironment

from .encryption import WRITE_ACTIONS, allow_key_use
from .nag import LIST_ONLY_REASON
from .python_function import PythonHandlerFunction


class JobReaper(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        job_arn_pattern: str,
        ttl_hours: int,
        every_hours: int,
        dry_run: bool,
        report_topic: sns.ITopic,
        topic_key: kms.IKey | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = PythonHandlerFunction(
            self,
            "Reaper",
            function_dir="job_reaper",
            handler="handler.handler",
            description=f"Stops {name_prefix} labeling jobs running longer than {ttl_hours} h",
            environment={
                ReaperEnvironment.NAME_PREFIX: name_prefix,
                ReaperEnvironment.TTL_HOURS: str(ttl_hours),
                ReaperEnvironment.DRY_RUN: "true" if dry_run else "false",
                ReaperEnvironment.TOPIC_ARN: report_topic.topic_arn,
            },
            timeout_seconds=300,
            memory_size=128,
        )
        self.function.allow("sagemaker:ListLabelingJobs", resources=["*"], reason=LIST_ONLY_REASON)
        self.function.allow(
            "sagemaker:StopLabelingJob",
            "sagemaker:DescribeLabelingJob",
            resources=[job_arn_pattern],
            reason="Stops only this environment's jobs (name prefix).",
        )
        self.function.allow("sns:Publish", resources=[report_topic.topic_arn])
        allow_key_use(self.function.role, topic_key, WRITE_ACTIONS)
        self.schedule = events.Rule(
            self,
            "Schedule",
            description=f"Runs the {name_prefix} job reaper every {every_hours} h",
            schedule=events.Schedule.rate(cdk.Duration.hours(every_hours)),
            targets=[targets.LambdaFunction(self.function.function, retry_attempts=2)],
        )
