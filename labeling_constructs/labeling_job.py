"""Labeling jobs as custom resources: one Provider per stack, one resource per configured job.

There is no AWS::SageMaker::LabelingJob in CloudFormation (§6.6), hence the custom resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.handler_keys import LabelingJobAttributes, LabelingJobProperties
from gt_rules.request import JOB_CONFIG_PREFIX
from gt_rules.spec import JobSpec

from .encryption import WRITE_ACTIONS, allow_key_use
from .providers import HandlerProvider

RESOURCE_TYPE = "Custom::GroundTruthLabelingJob"


# on_event retries CreateLabelingJob for about 2 minutes while a fresh role propagates; the
# Provider framework's own Lambda allows 15 minutes, so this leaves it ample time to answer.
ON_EVENT_TIMEOUT_SECONDS = 300
# The waiter polls until the job leaves Initializing; then CloudFormation gets its answer.
WAIT_TOTAL_MINUTES = 15
# If the framework itself never answers, CloudFormation gives up after this instead of an hour:
# on_event plus the whole wait plus margin.
SERVICE_TIMEOUT_SECONDS = ON_EVENT_TIMEOUT_SECONDS + WAIT_TOTAL_MINUTES * 60 + 300


class LabelingJobProvider(Construct):
    """The functions behind every labeling job of a stack, each with only what it calls.

    `workteam_arns`: exactly the work teams this environment's jobs use. CreateLabelingJob is
    allowed for those alone (sagemaker:WorkteamArn), so the function can never send data to a
    work team nobody configured, such as the public Mechanical Turk crowd.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        job_arn_pattern: str,
        execution_role: iam.IRole,
        output_bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
        workteam_arns: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        if not workteam_arns:
            raise ValueError("a labeling-job provider needs the work teams its jobs may use")
        self.handlers = HandlerProvider(
            self,
            "Handlers",
            function_dir="labeling_job",
            description="Creates, replaces and stops Ground Truth labeling jobs",
            on_event_timeout_seconds=ON_EVENT_TIMEOUT_SECONDS,
            wait=True,
            total_timeout_minutes=WAIT_TOTAL_MINUTES,
        )
        self.job_arn_pattern = job_arn_pattern  # this environment's jobs: labeling-job/<prefix>-*
        own_jobs = (
            "Labeling job names are generated per definition (<prefix>-<job>-<hash>); the wildcard is this "
            "environment's name prefix only."
        )
        on_event = self.handlers.on_event
        on_event.allow(
            "sagemaker:CreateLabelingJob",
            resources=[job_arn_pattern],
            reason=own_jobs,
            # docs/ground-truth.md#iam-caller: ARN condition operators for this key.
            conditions={"ArnEquals": {"sagemaker:WorkteamArn": list(workteam_arns)}},
            sid="CreateForOurWorkTeams",
        )
        on_event.allow(
            "sagemaker:DescribeLabelingJob",
            "sagemaker:StopLabelingJob",  # Delete stops a running job
            "sagemaker:AddTags",  # CreateLabelingJob with Tags (docs/ground-truth.md#iam-caller)
            resources=[job_arn_pattern],
            reason=own_jobs,
            sid="ManageOwnJobs",
        )
        on_event.allow(
            "iam:PassRole",
            resources=[execution_role.role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            sid="PassExecutionRole",
        )
        # The worker template and label category config the job reads.
        self.config_objects = output_bucket.arn_for_objects(f"{JOB_CONFIG_PREFIX}*")
        on_event.allow(
            "s3:PutObject",
            resources=[self.config_objects],
            reason="Writes only the job-config/ prefix of the output bucket: templates and label configs.",
            sid="WriteJobConfig",
        )
        allow_key_use(on_event.role, encryption_key, WRITE_ACTIONS)
        # is_complete only reads the job's state.
        self.handlers.waiter.allow(
            "sagemaker:DescribeLabelingJob",
            resources=[job_arn_pattern],
            reason=own_jobs,
            sid="DescribeOwnJobs",
        )


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
                LabelingJobProperties.SPEC_JSON: json.dumps(spec, sort_keys=True),
                LabelingJobProperties.CONTEXT: dict(context),
            },
            # Jobs cannot be deleted (docs/ground-truth.md#job-lifecycle); Delete stops a running
            # one, and never fails.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            service_timeout=cdk.Duration.seconds(SERVICE_TIMEOUT_SECONDS),
        )
        self.job_arn = self.resource.get_att_string(LabelingJobAttributes.ARN)
        self.job_name = self.resource.get_att_string(LabelingJobAttributes.NAME)
        self.output_manifest_uri = self.resource.get_att_string(LabelingJobAttributes.OUTPUT_MANIFEST_URI)
        self.status = self.resource.get_att_string(LabelingJobAttributes.STATUS)
