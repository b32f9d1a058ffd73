"""The environment's customer-managed key, used only when config asks for KMS (it costs $1/month)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

# https://docs.aws.amazon.com/sagemaker/latest/dg/sms-security-kms-permissions.html lists Encrypt, Decrypt,
# ReEncrypt*, GenerateDataKey*, DescribeKey; spelled out so no wildcard action is granted.
KEY_USE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
]
# Services that publish to our encrypted SNS topics: SageMaker (work team notices,
# docs/ground-truth.md#notifications) and EventBridge (job state changes). The AWS-managed aws/sns key cannot
# admit them.
PUBLISHING_SERVICES = ("sagemaker.amazonaws.com", "events.amazonaws.com")


class DataKey(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, alias: str, removal_policy: cdk.RemovalPolicy
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=alias,
            description="Encrypts labeling data, outputs and notification topics",
            enable_key_rotation=True,
            removal_policy=removal_policy,
            pending_window=cdk.Duration.days(7),
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ServicePublishersToEncryptedTopics",
                principals=[iam.ServicePrincipal(service) for service in PUBLISHING_SERVICES],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )

    def admit_execution_role(self, role: iam.IRole) -> None:
        """The key policy itself must let the execution role use the key (docs/ground-truth.md#kms)."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="GroundTruthExecutionRoleUse",
                principals=[role],
                actions=KEY_USE_ACTIONS,
                resources=["*"],
            )
        )


# What S3 and SNS need of a customer key for each kind of use, without wildcard actions.
READ_ACTIONS = ["kms:Decrypt"]
WRITE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"]  # Decrypt: S3 multipart uploads need it


def allow_key_use(grantee: iam.IGrantable, key: kms.IKey | None, actions: list[str]) -> None:
    """Grant exactly `actions` on the key (CDK's grant_* helpers grant wildcard actions)."""
    if key is None:
        return
    grantee.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=sorted(set(actions)), resources=[key.key_arn])
    )
