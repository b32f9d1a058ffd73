"""Labeling jobs as custom resources: one Provider per stack, one resource per configured job.

There is no AWS::SageMaker::LabelingJob in CloudFormation (§6.6), hence the custom resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.naming import job_name_prefix
from gt_rules.request import JOB_CONFIG_PREFIX
from gt_rules.spec import JobSpec

from .encryption import WRITE_ACTIONS, allow_key_use
from .providers import HandlerProvider

RESOURCE_TYPE = "Custom::GroundTruthLabelingJob"


class LabelingJobProvider(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        execution_role: iam.IRole,
        output_bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.handlers = HandlerProvider(
            self,
            "Handlers",
            function_dir="labeling_job",
            description="Creates, replaces and stops Ground Truth labeling jobs",
            # on_event retries CreateLabelingJob for about 2 minutes while a fresh role propagates.
            on_event_timeout_seconds=300,
            wait=True,
        )
        stack = cdk.Stack.of(self)
        self.job_arn_pattern = stack.format_arn(
            service="sagemaker", resource="labeling-job", resource_name=f"{job_name_prefix(name_prefix)}*"
        )
        for function in self.handlers.functions:
            role = function.role
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    sid="OwnLabelingJobs",
                    actions=[
                        "sagemaker:CreateLabelingJob",
                        "sagemaker:DescribeLabelingJob",
                        "sagemaker:StopLabelingJob",
                        "sagemaker:AddTags",  # CreateLabelingJob with Tags (§7.2)
                    ],
                    resources=[self.job_arn_pattern],
                )
            )
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    sid="PassExecutionRole",
                    actions=["iam:PassRole"],
                    resources=[execution_role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                )
            )
        # Only on_event uploads the worker template and label category config.
        self.config_objects = output_bucket.arn_for_objects(f"{JOB_CONFIG_PREFIX}*")
        self.handlers.on_event.role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WriteJobConfig", actions=["s3:PutObject"], resources=[self.config_objects]
            )
        )
        allow_key_use(self.handlers.on_event.role, encryption_key, WRITE_ACTIONS)


class LabelingJob(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: LabelingJobProvider,
        spec: JobSpec,
        context: Mapping[str, object],
    ) -> None:
        super().__init__(scope, construct_id)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.handlers.service_token,
            resource_type=RESOURCE_TYPE,
            properties={
                # A JSON string, so CloudFormation keeps the spec's numbers and booleans intact.
                "SpecJson": json.dumps(spec, sort_keys=True),
                "Context": dict(context),
            },
            # Jobs cannot be deleted (§8.2); Delete stops a running one, and never fails.
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.job_arn = self.resource.get_att_string("LabelingJobArn")
        self.job_name = self.resource.get_att_string("LabelingJobName")
        self.output_manifest_uri = self.resource.get_att_string("OutputManifestUri")
