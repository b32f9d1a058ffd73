"""The sample data (the fashion images and the even/odd numbers) copied into the input bucket on
deploy: opt-in, so a new user can deploy and start labeling in minutes."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from .nag import (
    LAMBDA_BASIC_EXECUTION,
    LAMBDA_BASIC_EXECUTION_REASON,
    acknowledge,
    acknowledge_framework_policy,
)

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
_COPY_FUNCTION_REASON = (
    "CDK BucketDeployment's copy function, dev-only opt-in sample upload: it reads CDK's asset bucket "
    "and writes the sample files into the input bucket."
)


class SampleDataUpload(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            sources=[s3deploy.Source.asset(str(SAMPLE_DATA), exclude=["README.md"])],
            destination_bucket=bucket,
            prune=False,  # never delete the user's own data beside the samples
            memory_limit=256,
            # An explicit log group, destroyed with the stack (an implicit one would outlive it).
            log_group=logs.LogGroup(
                self, "Logs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=cdk.RemovalPolicy.DESTROY
            ),
        )
        # CDK's own copy function, a singleton at stack level: its grants and runtime are CDK's.
        role = self.deployment.handler_role
        acknowledge(role, LAMBDA_BASIC_EXECUTION, LAMBDA_BASIC_EXECUTION_REASON)
        acknowledge_framework_policy(role.node.find_child("DefaultPolicy"), _COPY_FUNCTION_REASON)
        stack = cdk.Stack.of(self)
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                acknowledge(
                    child, "AwsSolutions-L1", "CDK pins the runtime of its BucketDeployment function."
                )
