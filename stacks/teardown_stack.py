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
                budget_name=config.budget_name,
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
        self.cleanup = LeftoverCleanup(
            self, "LeftoverCleanup", name_prefix=config.name_prefix, job_arn_pattern=job_arn_pattern
        )
