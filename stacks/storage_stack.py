"""Storage: the buckets, the customer-managed key (when configured) and the execution role.

The execution role lives here, with the data it reads and writes: its grants, the key policy
that admits it, and the buckets are decided together, and cdk-nag's findings on its wildcards
name this stack's own resources.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_config.models import Encryption
from gt_rules.request import JOB_CONFIG_PREFIX
from labeling_constructs.encryption import DataKey
from labeling_constructs.execution_role import GroundTruthExecutionRole
from labeling_constructs.python_function import REPO_ROOT
from labeling_constructs.storage import LABELS_PREFIX, LabelingBuckets

from .base import EnvironmentStack
from .nag import (
    LAMBDA_BASIC_EXECUTION,
    LAMBDA_BASIC_EXECUTION_REASON,
    acknowledge,
    acknowledge_framework_policy,
    acknowledge_wildcard_resource,
)

SAMPLE_DATA = REPO_ROOT / "sample_data"


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
                self, "DataKey", alias=f"alias/{config.name_prefix}/data", removal_policy=self.removal_policy
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
        acknowledge(
            self.buckets.access_logs,
            "AwsSolutions-S1",
            "This is the server access-log bucket itself; logging it to itself would loop.",
        )
        self.execution_role = GroundTruthExecutionRole(
            self,
            "ExecutionRole",
            role_name=f"{config.name_prefix}-gt-execution",
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
        )
        if data_key is not None:
            data_key.admit_execution_role(self.execution_role.role)
        self._acknowledge_execution_role_wildcards()
        if storage.upload_sample_data:
            self._upload_sample_data()
        # Named exports: other stacks import the buckets by these names (see LabelingStack).
        cdk.CfnOutput(
            self,
            "InputBucketName",
            value=self.buckets.input.bucket_name,
            export_name=config.export_name("input-bucket"),
        )
        cdk.CfnOutput(
            self,
            "OutputBucketName",
            value=self.buckets.output.bucket_name,
            export_name=config.export_name("output-bucket"),
        )
        cdk.CfnOutput(
            self,
            "ExecutionRoleArn",
            value=self.execution_role.role.role_arn,
            export_name=config.export_name("execution-role-arn"),
        )

    def _acknowledge_execution_role_wildcards(self) -> None:
        policy = self.execution_role.policy
        acknowledge(
            policy,
            "AwsSolutions-IAM5[Resource::*]",
            "cloudwatch:PutMetricData has no resource-level permissions; Ground Truth publishes job metrics.",
        )
        buckets = self.buckets
        for resource, reason in [
            (
                self.execution_role.sagemaker_log_groups,
                "Ground Truth creates its log groups under /aws/sagemaker/ (§5.1).",
            ),
            (
                buckets.input.arn_for_objects("*"),
                "Read-only: Ground Truth reads whichever input objects a manifest names.",
            ),
            (
                buckets.output.arn_for_objects(f"{JOB_CONFIG_PREFIX}*"),
                "Read-only: the job templates and label configs.",
            ),
            (
                buckets.output.arn_for_objects(f"{LABELS_PREFIX}*"),
                "Each job writes its labels under labels/<job>/ (§5.1).",
            ),
        ]:
            acknowledge_wildcard_resource(policy, resource, reason)

    def _upload_sample_data(self) -> None:
        # Opt-in: the seeds' examples, so a new user can deploy and start labeling in minutes.
        deployment = s3deploy.BucketDeployment(
            self,
            "SampleData",
            sources=[s3deploy.Source.asset(str(SAMPLE_DATA), exclude=["README.md"])],
            destination_bucket=self.buckets.input,
            prune=False,  # never delete the user's own data beside the samples
            memory_limit=256,
            # An explicit log group, destroyed with the stack (an implicit one would outlive it).
            log_group=logs.LogGroup(
                self,
                "SampleDataLogs",
                retention=logs.RetentionDays.ONE_WEEK,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        # CDK's own copy function (a singleton at stack level): its grants are CDK's, not ours.
        reason = (
            "CDK BucketDeployment's copy function, dev-only opt-in sample upload: it reads CDK's asset "
            "bucket and writes the sample files into the input bucket."
        )
        role = deployment.handler_role
        acknowledge(role, LAMBDA_BASIC_EXECUTION, LAMBDA_BASIC_EXECUTION_REASON)
        acknowledge_framework_policy(role.node.find_child("DefaultPolicy"), reason)
        for child in self.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                acknowledge(
                    child, "AwsSolutions-L1", "CDK pins the runtime of its BucketDeployment function."
                )
