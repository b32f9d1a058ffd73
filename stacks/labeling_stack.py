"""Labeling: input manifests and labeling jobs from config, and job-state emails to their owners.

Run by the execution role of the storage stack, for the work teams of the workforce stack. This
stack depends on the workforce stack, so `cdk destroy` removes (stops) jobs before their teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_rules.naming import job_name_prefix
from gt_rules.spec import deploy_context
from labeling_constructs.input_manifest import InputManifest, InputManifestProvider
from labeling_constructs.job_notifications import JobOwnerNotifications
from labeling_constructs.labeling_job import LabelingJob, LabelingJobProvider

from .base import EnvironmentStack


@dataclass
class _StackValues:
    """The jobs' deploy-time values as CloudFormation tokens (gt_rules.spec.DeployValues)."""

    stack: cdk.Stack
    name_prefix: str
    input_bucket: str
    output_bucket: str
    role_arn: str
    output_kms_key_id: str | None
    team_arns: dict[str, str]
    manifests: dict[str, InputManifest] = field(default_factory=dict)
    jobs: dict[str, LabelingJob] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        return self.stack.partition

    @property
    def region(self) -> str:
        return self.stack.region

    @property
    def account(self) -> str:
        return self.stack.account

    def workteam_arn(self, team: str) -> str:
        return self.team_arns[team]

    def prefix_manifest_uri(self, job: str) -> str:
        return self.manifests[job].manifest_uri

    def job_output_manifest_uri(self, job: str) -> str:
        # Chaining: the earlier job is created first (config.job_specs is in creation order).
        return self.jobs[job].output_manifest_uri


class LabelingStack(EnvironmentStack):
    def __init__(
        self,
        scope: Construct,
        *,
        config: EnvironmentConfig,
        encryption_key: kms.IKey | None,
        execution_role: iam.IRole,
        workteam_arns: dict[str, str],
    ) -> None:
        super().__init__(
            scope, config=config, component="labeling", description="manifests and labeling jobs"
        )
        # Imported by the storage stack's named exports rather than by object reference: the
        # bucket ARNs then read the same at construction as in the template, which lets cdk-nag
        # acknowledgements for their object wildcards be computed instead of pasted.
        self.input_bucket = s3.Bucket.from_bucket_attributes(
            self,
            "InputBucket",
            bucket_name=cdk.Fn.import_value(config.input_bucket_export),
            encryption_key=encryption_key,
        )
        self.output_bucket = s3.Bucket.from_bucket_attributes(
            self,
            "OutputBucket",
            bucket_name=cdk.Fn.import_value(config.output_bucket_export),
            encryption_key=encryption_key,
        )
        self.job_arn_pattern = self.format_arn(
            service="sagemaker",
            resource="labeling-job",
            resource_name=f"{job_name_prefix(config.name_prefix)}*",
        )
        self.notifications = JobOwnerNotifications(
            self,
            "JobNotifications",
            topic_name=config.job_owner_topic_name,
            job_arn_prefix=self.format_arn(
                service="sagemaker",
                resource="labeling-job",
                resource_name=job_name_prefix(config.name_prefix),
            ),
            job_arn_pattern=self.job_arn_pattern,
            owner_emails=config.notifications.job_owner_emails,
            encryption_key=encryption_key,
        )
        cdk.CfnOutput(self, "JobOwnerTopicArn", value=self.notifications.topic.topic_arn)

        values = _StackValues(
            stack=self,
            name_prefix=config.name_prefix,
            input_bucket=self.input_bucket.bucket_name,
            output_bucket=self.output_bucket.bucket_name,
            role_arn=execution_role.role_arn,
            output_kms_key_id=encryption_key.key_arn if encryption_key else None,
            team_arns=workteam_arns,
        )
        self.manifests, self.jobs = values.manifests, values.jobs
        specs = config.job_specs  # in creation order: a job after the job whose output it reads
        self.manifest_provider: InputManifestProvider | None = None
        prefix_jobs = {name: spec for name, spec in specs.items() if spec["input"]["kind"] == "prefix"}
        if prefix_jobs:
            self.manifest_provider = InputManifestProvider(
                self, "InputManifests", input_bucket=self.input_bucket, encryption_key=encryption_key
            )
            for name, spec in prefix_jobs.items():
                self.manifests[name] = InputManifest(
                    self,
                    f"Manifest-{name}",
                    provider=self.manifest_provider,
                    job_name=name,
                    input_bucket=self.input_bucket,
                    spec=spec,
                )
        self.job_provider: LabelingJobProvider | None = None
        if specs:
            self.job_provider = LabelingJobProvider(
                self,
                "LabelingJobs",
                job_arn_pattern=self.job_arn_pattern,
                execution_role=execution_role,
                output_bucket=self.output_bucket,
                encryption_key=encryption_key,
            )
            for name, spec in specs.items():
                self.jobs[name] = LabelingJob(
                    self,
                    f"Job-{name}",
                    provider=self.job_provider,
                    spec=spec,
                    context=deploy_context(name, spec, values),
                )
                cdk.CfnOutput(
                    self,
                    f"JobStatus-{name}",
                    value=self.jobs[name].status,
                    description=f"Labeling job {name}: its state when this deploy last looked",
                )
            self.job_provider.allow_jobs_for([job.workteam_arn for job in self.jobs.values()])
