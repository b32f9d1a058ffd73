"""Labeling: input manifests and labeling jobs from config, and job-state emails to their owners.

Run by the execution role of the storage stack, for the work teams of the workforce stack. This
stack depends on the workforce stack, so `cdk destroy` removes (stops) jobs before their teams.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_rules.naming import job_name_prefix
from gt_rules.request import job_workteam_arn
from gt_rules.spec import DeployContext, JobSpec, job_context, private_team
from gt_rules.task_types import TASK_TYPES
from gt_rules.validation import MIN_OBJECTS_FOR_AUTOMATED_LABELING, spec_bool
from labeling_constructs.input_manifest import InputManifest, InputManifestProvider
from labeling_constructs.job_notifications import JobOwnerNotifications
from labeling_constructs.labeling_job import LabelingJob, LabelingJobProvider

from .base import EnvironmentStack


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
            bucket_name=cdk.Fn.import_value(config.export_name("input-bucket")),
            encryption_key=encryption_key,
        )
        self.output_bucket = s3.Bucket.from_bucket_attributes(
            self,
            "OutputBucket",
            bucket_name=cdk.Fn.import_value(config.export_name("output-bucket")),
            encryption_key=encryption_key,
        )
        self.encryption_key, self.execution_role = encryption_key, execution_role
        self.workteam_arns = workteam_arns
        self.job_arn_pattern = self.format_arn(
            service="sagemaker",
            resource="labeling-job",
            resource_name=f"{job_name_prefix(config.name_prefix)}*",
        )
        specs = config.job_specs()  # in creation order: a job after the job whose output it reads
        self.job_provider: LabelingJobProvider | None = None
        self.manifest_provider: InputManifestProvider | None = None
        if specs:
            self.job_provider = LabelingJobProvider(
                self,
                "LabelingJobs",
                job_arn_pattern=self.job_arn_pattern,
                execution_role=execution_role,
                output_bucket=self.output_bucket,
                encryption_key=encryption_key,
                workteam_arns=self._used_workteam_arns(specs),
            )
        if any(spec["input"]["kind"] == "prefix" for spec in specs.values()):
            self.manifest_provider = InputManifestProvider(
                self, "InputManifests", input_bucket=self.input_bucket, encryption_key=encryption_key
            )
        self.notifications = JobOwnerNotifications(
            self,
            "JobNotifications",
            topic_name=f"{config.name_prefix}-job-owners",
            job_arn_prefix=self.format_arn(
                service="sagemaker",
                resource="labeling-job",
                resource_name=job_name_prefix(config.name_prefix),
            ),
            job_arn_pattern=self.job_arn_pattern,
            owner_emails=config.notifications.job_owner_emails,
            encryption_key=encryption_key,
        )
        self.jobs: dict[str, LabelingJob] = {}
        self.manifests: dict[str, InputManifest] = {}
        for name, spec in specs.items():
            self.jobs[name] = self._job(name, spec)
            cdk.CfnOutput(
                self,
                f"JobStatus-{name}",
                value=self.jobs[name].status,
                description=f"Labeling job {name}: its state when this deploy last looked",
            )
        cdk.CfnOutput(self, "JobOwnerTopicArn", value=self.notifications.topic.topic_arn)

    def _context(self, spec: JobSpec, manifest_uri: str) -> DeployContext:
        team = private_team(spec)
        return job_context(
            partition=self.partition,
            region=self.region,
            account=self.account,
            name_prefix=self.config.name_prefix,
            input_bucket=self.input_bucket.bucket_name,
            output_bucket=self.output_bucket.bucket_name,
            role_arn=self.execution_role.role_arn,
            workteam_arns={team: self.workteam_arns[team]} if team else {},
            manifest_uri=manifest_uri,
            output_kms_key_id=self.encryption_key.key_arn if self.encryption_key else None,
        )

    def _used_workteam_arns(self, specs: Mapping[str, JobSpec]) -> list[str]:
        """Exactly the work teams the jobs' requests name, each once, in job order."""
        arns = [job_workteam_arn(spec, self._context(spec, manifest_uri="")) for spec in specs.values()]
        return list(dict.fromkeys(arns))

    def _job(self, name: str, spec: JobSpec) -> LabelingJob:
        assert self.job_provider is not None  # created whenever there is a job
        source = spec["input"]
        if source["kind"] == "prefix":
            assert self.manifest_provider is not None  # created whenever a job reads a prefix
            manifest = InputManifest(
                self,
                f"Manifest-{name}",
                provider=self.manifest_provider,
                job_name=name,
                input_bucket=self.input_bucket,
                source=source,
                max_objects=TASK_TYPES[spec["task_type"]].max_objects,
                min_objects=MIN_OBJECTS_FOR_AUTOMATED_LABELING
                if spec_bool(spec.get("automated_labeling"))
                else 1,
                revision=spec.get("revision", 0),
            )
            self.manifests[name] = manifest
            manifest_uri = manifest.manifest_uri
        elif source["kind"] == "job_output":
            # Chaining: the earlier job's output manifest (created first: see job_specs()).
            manifest_uri = self.jobs[source["job"]].output_manifest_uri
        else:
            manifest_uri = source["manifest_uri"]
        return LabelingJob(
            self,
            f"Job-{name}",
            provider=self.job_provider,
            spec=spec,
            context=self._context(spec, manifest_uri),
        )
