"""Storage: the buckets, the customer-managed key (when configured) and the execution role.

The execution role lives here, with the data it reads and writes: its grants, the key policy
that admits it, and the buckets are decided together.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_config.models import Encryption
from gt_rules.spec import manifest_bucket
from labeling_constructs.encryption import DataKey
from labeling_constructs.execution_role import GroundTruthExecutionRole
from labeling_constructs.sample_data import SampleDataUpload
from labeling_constructs.storage import LabelingBuckets

from .base import EnvironmentStack


class StorageStack(EnvironmentStack):
    def __init__(self, scope: Construct, *, config: EnvironmentConfig) -> None:
        super().__init__(
            scope, config=config, component="storage", description="data buckets and execution role"
        )
        storage = config.storage
        data_key = None
        self.encryption_key: kms.IKey | None = None
        if storage.encryption is Encryption.KMS:
            data_key = DataKey(
                self, "DataKey", alias=config.data_key_alias, removal_policy=self.removal_policy
            )
            self.encryption_key = data_key.key
        self.buckets = LabelingBuckets(
            self,
            "Buckets",
            retain_data=config.retain_data,
            encryption_key=self.encryption_key,
            video_and_point_cloud_cors=storage.video_and_point_cloud_cors,
            abort_incomplete_uploads_after_days=storage.abort_incomplete_uploads_after_days,
            access_log_retention_days=storage.access_log_retention_days,
        )
        self.execution_role = GroundTruthExecutionRole(
            self,
            "ExecutionRole",
            role_name=config.execution_role_name,
            input_bucket=self.buckets.input,
            output_bucket=self.buckets.output,
            encryption_key=self.encryption_key,
            automated_labeling=any(job.automated_labeling for job in config.jobs),
            custom_task_functions=[
                arn
                for job in config.jobs
                if job.custom is not None
                for arn in (job.custom.pre_lambda_arn, job.custom.acs_lambda_arn)
            ],
            manifest_buckets=[
                bucket for spec in config.job_specs.values() if (bucket := manifest_bucket(spec))
            ],
        )
        if data_key is not None:
            data_key.admit_execution_role(self.execution_role.role)
        if storage.upload_sample_data:
            SampleDataUpload(self, "SampleData", bucket=self.buckets.input)
        # Named exports: other stacks import the buckets by these names (see LabelingStack).
        cdk.CfnOutput(
            self,
            "InputBucketName",
            value=self.buckets.input.bucket_name,
            export_name=config.input_bucket_export,
        )
        cdk.CfnOutput(
            self,
            "OutputBucketName",
            value=self.buckets.output.bucket_name,
            export_name=config.output_bucket_export,
        )
        cdk.CfnOutput(
            self,
            "ExecutionRoleArn",
            value=self.execution_role.role.role_arn,
            export_name=config.execution_role_export,
        )
