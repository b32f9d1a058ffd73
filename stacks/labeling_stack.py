"""Labeling: input manifests and labeling jobs, run by the execution role of the storage stack."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_config import EnvironmentConfig

from .base import EnvironmentStack


class LabelingStack(EnvironmentStack):
    def __init__(
        self,
        scope: Construct,
        *,
        config: EnvironmentConfig,
        input_bucket: s3.IBucket,
        output_bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
        execution_role: iam.IRole,
        workteam_arns: dict[str, str],
    ) -> None:
        super().__init__(
            scope, config=config, component="labeling", description="manifests and labeling jobs"
        )
        self.input_bucket = input_bucket
        self.output_bucket = output_bucket
        self.encryption_key = encryption_key
        self.execution_role = execution_role
        self.workteam_arns = workteam_arns
