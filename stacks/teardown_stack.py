"""Teardown: what keeps a lab from billing. Deployed last, so `cdk destroy` removes it first:
its clean-up runs before the labeling jobs' resources and the work teams are deleted."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from gt_config import EnvironmentConfig
from labeling_constructs.budget import CostBudget
from labeling_constructs.job_reaper import JobReaper
from labeling_constructs.leftover_cleanup import LeftoverCleanup

from .base import EnvironmentStack
from .nag import acknowledge, acknowledge_provider_framework, acknowledge_wildcard_resource

LIST_ONLY_REASON = (
    "ListLabelingJobs/ListQueues take no resource-level permission; the handler keeps only this "
    "environment's names (exact <project>-<env>- prefix)."
)


class TeardownStack(EnvironmentStack):
    def __init__(
        self,
        scope: Construct,
        *,
        config: EnvironmentConfig,
        job_arn_pattern: str,
        report_topic: sns.ITopic,
        topic_key: kms.IKey | None,
    ) -> None:
        super().__init__(
            scope, config=config, component="teardown", description="budget, job reaper, clean-up"
        )
        if config.budget.enabled:
            CostBudget(
                self,
                "Budget",
                budget_name=f"{config.name_prefix}-monthly",
                monthly_limit_usd=config.budget.monthly_limit_usd,
                emails=config.budget.emails,
                actual_threshold_percent=config.budget.actual_threshold_percent,
                forecast_threshold_percent=config.budget.forecast_threshold_percent,
            )
        self.reaper: JobReaper | None = None
        if config.reaper.enabled:
            self.reaper = JobReaper(
                self,
                "JobReaper",
                name_prefix=config.name_prefix,
                job_arn_pattern=job_arn_pattern,
                ttl_hours=config.reaper.ttl_hours,
                every_hours=config.reaper.schedule_hours,
                dry_run=config.reaper.dry_run,
                report_topic=report_topic,
                topic_key=topic_key,
            )
            policy = self.reaper.function.role.node.find_child("DefaultPolicy")
            acknowledge(policy, "AwsSolutions-IAM5[Resource::*]", LIST_ONLY_REASON)
            acknowledge_wildcard_resource(
                policy, job_arn_pattern, "Stops only this environment's jobs (name prefix)."
            )
        self.cleanup = LeftoverCleanup(
            self, "LeftoverCleanup", name_prefix=config.name_prefix, job_arn_pattern=job_arn_pattern
        )
        policy = self.cleanup.handlers.on_event.role.node.find_child("DefaultPolicy")
        acknowledge(policy, "AwsSolutions-IAM5[Resource::*]", LIST_ONLY_REASON)
        for resource, reason in [
            (job_arn_pattern, "Stops only this environment's jobs (name prefix)."),
            (
                self.cleanup.queue_pattern,
                "Deletes only the GroundTruth-<prefix>-* queues of our streaming jobs.",
            ),
            (self.cleanup.log_group, "Lists streams of /aws/sagemaker/LabelingJobs only."),
            (self.cleanup.log_streams, "Deletes only our jobs' streams (<prefix>-*) in that log group."),
        ]:
            acknowledge_wildcard_resource(policy, resource, reason)
        acknowledge_provider_framework(self.cleanup.handlers.provider)
