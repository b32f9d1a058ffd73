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
    ) -> None:
        """`custom_task_functions`: the pre-annotation and consolidation Lambda ARNs of this
        environment's custom jobs, which Ground Truth invokes as this role. Built-in task types use
        AWS's own functions and need no grant."""
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
        statements = [
            iam.PolicyStatement(
                sid="ListBuckets",
                actions=["s3:ListBucket", "s3:GetBucketLocation"],
                resources=[input_bucket.bucket_arn, output_bucket.bucket_arn],
            ),
            # Input data and manifests: read only.
            iam.PolicyStatement(
                sid="ReadInput", actions=["s3:GetObject"], resources=[input_bucket.arn_for_objects("*")]
            ),
            # Worker templates and label category configs the labeling-job resource writes.
            iam.PolicyStatement(
                sid="ReadJobConfig",
                actions=["s3:GetObject"],
                resources=[output_bucket.arn_for_objects(f"{JOB_CONFIG_PREFIX}*")],
            ),
            # Labels: Ground Truth writes and re-reads its intermediate output under S3OutputPath.
            iam.PolicyStatement(
                sid="WriteLabels",
                actions=["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
                resources=[output_bucket.arn_for_objects(f"{LABELS_PREFIX}*")],
            ),
            # CloudWatch: PutMetricData has no resource-level permissions; logs are scoped to
            # SageMaker's own log groups (/aws/sagemaker/LabelingJobs and friends).
            iam.PolicyStatement(sid="Metrics", actions=["cloudwatch:PutMetricData"], resources=["*"]),
            iam.PolicyStatement(
                sid="Logs",
                actions=[
                    "logs:CreateLogStream",
                    "logs:CreateLogGroup",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                resources=[self.sagemaker_log_groups],
            ),
        ]
        if encryption_key is not None:
            statements.append(
                iam.PolicyStatement(
                    sid="UseDataKey",
                    actions=KEY_USE_ACTIONS,
                    resources=[encryption_key.key_arn],
                )
            )
        if custom_task_functions:
            # Ground Truth calls a custom task's own PRE and ACS functions as this role: exactly
            # the configured ARNs, never a wildcard.
            statements.append(
                iam.PolicyStatement(
                    sid="InvokeCustomTaskFunctions",
                    actions=["lambda:InvokeFunction"],
                    resources=sorted(set(custom_task_functions)),
                )
            )
        if automated_labeling:
            # Automated data labeling runs training and inference as this same role
            # (docs/ground-truth.md#automated-labeling).
            statements.append(
                iam.PolicyStatement(
                    sid="PassSelfForAutomatedLabeling",
                    actions=["iam:PassRole"],
                    resources=[self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                )
            )
        self.policy = iam.Policy(self, "Policy", statements=statements)
        self.policy.attach_to_role(self.role)
