"""Builds the CDK app of one environment: every stack, wired, with cdk-nag on all of them."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from gt_config import EnvironmentConfig

from .labeling_stack import LabelingStack
from .storage_stack import StorageStack
from .teardown_stack import TeardownStack
from .workforce_stack import WorkforceStack


class EnvironmentStacks:
    def __init__(self, app: cdk.App, config: EnvironmentConfig) -> None:
        self.storage = StorageStack(app, config=config)
        self.workforce = WorkforceStack(app, config=config, topic_key=self.storage.encryption_key)
        self.labeling = LabelingStack(
            app,
            config=config,
            encryption_key=self.storage.encryption_key,
            execution_role=self.storage.execution_role.role,
            workteam_arns={name: team.workteam_arn for name, team in self.workforce.teams.items()},
        )
        # Jobs stop before the work team they use is deleted: destroy removes labeling first.
        self.labeling.add_dependency(self.workforce)
        self.labeling.add_dependency(self.storage)  # the bucket imports carry no implicit dependency
        self.teardown = TeardownStack(
            app,
            config=config,
            job_arn_pattern=self.labeling.job_arn_pattern,
            report_topic=self.labeling.notifications.topic,
            topic_key=self.storage.encryption_key,
        )
        # Destroyed first: its clean-up stops running jobs while their work teams still exist.
        for stack in (self.labeling, self.workforce, self.storage):
            self.teardown.add_dependency(stack)

    @property
    def all(self) -> list[cdk.Stack]:
        return [self.storage, self.workforce, self.labeling, self.teardown]


# Feature flags live here rather than in cdk.json, so tests that build the app directly get the
# same behaviour as `cdk synth`.
FEATURE_FLAGS = {
    # Grant S3 log delivery through the bucket policy, not the legacy LogDeliveryWrite ACL.
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:enablePartitionLiterals": True,
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption": True,
    "@aws-cdk/customresources:installLatestAwsSdkDefault": False,
}


def build_app(
    config: EnvironmentConfig, *, outdir: str | None = None, nag: bool = True
) -> tuple[cdk.App, EnvironmentStacks]:
    app = cdk.App(outdir=outdir, context={**FEATURE_FLAGS, "env": config.name})
    stacks = EnvironmentStacks(app, config)
    if nag:
        # cdk-nag 3: a validation plugin; unacknowledged findings make synth raise ValidationFailed.
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stacks
