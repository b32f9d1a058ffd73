"""The role Ground Truth assumes to run labeling jobs, with least privilege
(docs/ground-truth.md#iam-execution-role).

No AmazonSageMakerFullAccess and no managed Ground Truth policy (its S3 grants match only bucket
names containing "sagemaker"/"groundtruth", which ours need not contain).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.request import JOB_CONFIG_PREFIX

from .encryption import KEY_USE_ACTIONS
from .nag import acknowledge_wildcards
from .storage import LABELS_PREFIX


class GroundTruthExecutionRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        input_bucket: s3.IBucket,
        output_bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
        automated_labeling: bool,
        custom_task_functions: Sequence[str],
        manifest_buckets: Sequence[str],
    ) -> None:
        """`custom_task_functions`: the pre-annotation and consolidation Lambda ARNs of this
        environment's custom jobs, which Ground Truth invokes as this role. Built-in task types use
        AWS's own functions and need no grant. `manifest_buckets`: the buckets of the manifests
        jobs bring themselves (input.kind "manifest")."""
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.ServicePrincipal(
                "sagemaker.amazonaws.com",
                # Against the confused-deputy problem: only SageMaker acting for this account (and
                # Region) may assume the role. Ground Truth is not among the features SageMaker's
                # confused-deputy page lists, so whether it sends these keys is unverified
                # (docs/ground-truth.md#confused-deputy): ...IfExists enforces them whenever they
                # are sent and cannot lock every job out if they are not.
                conditions={
                    "StringEqualsIfExists": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLikeIfExists": {"aws:SourceArn": stack.format_arn(service="sagemaker", resource="*")},
                },
            ),
            description="Assumed by SageMaker Ground Truth to run this environment's labeling jobs",
        )
        self.sagemaker_log_groups = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name="/aws/sagemaker/*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        statements: list[iam.PolicyStatement] = []

        def grant(
            sid: str,
            actions: list[str],
            resources: list[str],
            reason: str | None = None,
            conditions: dict[str, object] | None = None,
        ) -> None:
            statements.append(
                iam.PolicyStatement(sid=sid, actions=actions, resources=resources, conditions=conditions)
            )
            acknowledge_wildcards(self, resources, reason)

        grant(
            "ListBuckets",
            ["s3:ListBucket", "s3:GetBucketLocation"],
            [input_bucket.bucket_arn, output_bucket.bucket_arn],
        )
        grant(
            "ReadInput",
            ["s3:GetObject"],
            [input_bucket.arn_for_objects("*")],
            "Read-only: Ground Truth reads whichever input objects a manifest names.",
        )
        # Worker templates and label category configs the labeling-job resource writes.
        grant(
            "ReadJobConfig",
            ["s3:GetObject"],
            [output_bucket.arn_for_objects(f"{JOB_CONFIG_PREFIX}*")],
            "Read-only: the job templates and label configs.",
        )
        # Labels: Ground Truth writes and re-reads its intermediate output under S3OutputPath.
        grant(
            "WriteLabels",
            ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
            [output_bucket.arn_for_objects(f"{LABELS_PREFIX}*")],
            "Each job writes its labels under labels/<job>/ (docs/ground-truth.md#output-layout).",
        )
        if manifest_buckets:
            # Jobs that bring their own manifest: Ground Truth reads it, and the objects it names,
            # from that bucket (which also needs the CORS rule of docs/ground-truth.md#cors).
            external = sorted(set(manifest_buckets))
            arns = [f"arn:{Aws.PARTITION}:s3:::{bucket}" for bucket in external]
            grant("ListManifestBuckets", ["s3:ListBucket", "s3:GetBucketLocation"], arns)
            grant(
                "ReadManifestBuckets",
                ["s3:GetObject"],
                [f"{arn}/*" for arn in arns],
                "Read-only, in the buckets this environment's jobs name in input.manifest_uri: the manifest "
                "and the objects it lists.",
            )
        # CloudWatch: PutMetricData has no resource-level permissions; logs are scoped to
        # SageMaker's own log groups (/aws/sagemaker/LabelingJobs and friends).
        grant(
            "Metrics",
            ["cloudwatch:PutMetricData"],
            ["*"],
            "cloudwatch:PutMetricData has no resource-level permissions; Ground Truth publishes job metrics.",
        )
        grant(
            "Logs",
            ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            [self.sagemaker_log_groups],
            "Ground Truth creates its log groups under /aws/sagemaker/ (docs/ground-truth.md#output-layout).",
        )
        if encryption_key is not None:
            grant("UseDataKey", KEY_USE_ACTIONS, [encryption_key.key_arn])
        if custom_task_functions:
            # Ground Truth calls a custom task's own PRE and ACS functions as this role: exactly
            # the configured ARNs, never a wildcard.
            grant("InvokeCustomTaskFunctions", ["lambda:InvokeFunction"], sorted(set(custom_task_functions)))
        if automated_labeling:
            # Automated data labeling runs training and inference as this same role
            # (docs/ground-truth.md#automated-labeling).
            grant(
                "PassSelfForAutomatedLabeling",
                ["iam:PassRole"],
                [self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            )
        self.policy = iam.Policy(self, "Policy", statements=statements)
        self.policy.attach_to_role(self.role)
