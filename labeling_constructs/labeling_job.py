"""Labeling jobs as custom resources: one Provider per stack, one resource per configured job.

There is no AWS::SageMaker::LabelingJob in CloudFormation (docs/ground-truth.md#cloudformation-resources),
hence the custom resource."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.handler_keys import LabelingJobAttributes, LabelingJobProperties, ResourceTypes
from gt_rules.request import JOB_CONFIG_PREFIX, job_workteam_arn
from gt_rules.spec import DeployContext, JobSpec

from .encryption import WRITE_ACTIONS, allow_key_use
from .providers import HandlerProvider

# on_event retries CreateLabelingJob for about 2 minutes while a fresh role propagates; the
# Provider framework's own Lambda allows 15 minutes, so this leaves it ample time to answer.
ON_EVENT_TIMEOUT_SECONDS = 300
# The waiter polls until the job leaves Initializing; then CloudFormation gets its answer.
WAIT_TOTAL_MINUTES = 15
# If the framework itself never answers, CloudFormation gives up after this instead of an hour:
# on_event plus the whole wait plus margin.
SERVICE_TIMEOUT_SECONDS = ON_EVENT_TIMEOUT_SECONDS + WAIT_TOTAL_MINUTES * 60 + 300
_OWN_JOBS = (
    "Labeling job names are generated per definition (<prefix>-<job>-<hash>); the wildcard is this "
    "environment's name prefix only."
)


class LabelingJobProvider(Construct):
    """The functions behind every labeling job of a stack, each with only what it calls.

    CreateLabelingJob is allowed only for the work teams given to `allow_jobs_for`
    (sagemaker:WorkteamArn): exactly those the jobs use, so the function can never send data to a
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
    ) -> None:
        super().__init__(scope, construct_id)
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
        on_event = self.handlers.on_event
        on_event.allow(
            "sagemaker:DescribeLabelingJob",
            "sagemaker:StopLabelingJob",  # Delete stops a running job
            "sagemaker:AddTags",  # CreateLabelingJob with Tags (docs/ground-truth.md#iam-caller)
            resources=[job_arn_pattern],
            reason=_OWN_JOBS,
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
            reason=_OWN_JOBS,
            sid="DescribeOwnJobs",
        )
        self._work_teams_allowed = False

    def allow_jobs_for(self, workteam_arns: Sequence[str]) -> None:
        """Let on_event create jobs for exactly these work teams (each once), and for no other."""
        if self._work_teams_allowed:
            raise ValueError(f"{self.node.path}: the jobs' work teams are allowed once, all together")
        self._work_teams_allowed = True
        self.handlers.on_event.allow(
            "sagemaker:CreateLabelingJob",
            resources=[self.job_arn_pattern],
            reason=_OWN_JOBS,
            # docs/ground-truth.md#iam-caller: ARN condition operators for this key.
            conditions={"ArnEquals": {"sagemaker:WorkteamArn": list(dict.fromkeys(workteam_arns))}},
            sid="CreateForOurWorkTeams",
        )


class LabelingJob(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: LabelingJobProvider,
        spec: JobSpec,
        context: DeployContext,
    ) -> None:
        super().__init__(scope, construct_id)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.handlers.service_token,
            resource_type=ResourceTypes.LABELING_JOB,
            properties={
                # A JSON string, so CloudFormation keeps the spec's numbers and booleans intact.
                LabelingJobProperties.SPEC_JSON: json.dumps(spec, sort_keys=True),
                LabelingJobProperties.CONTEXT: dict(context),
            },
            # Jobs cannot be deleted (docs/ground-truth.md#job-lifecycle); Delete stops a running one, and
            # never fails.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            service_timeout=cdk.Duration.seconds(SERVICE_TIMEOUT_SECONDS),
        )
        self.job_arn = self.resource.get_att_string(LabelingJobAttributes.ARN)
        self.job_name = self.resource.get_att_string(LabelingJobAttributes.NAME)
        self.output_manifest_uri = self.resource.get_att_string(LabelingJobAttributes.OUTPUT_MANIFEST_URI)
        self.status = self.resource.get_att_string(LabelingJobAttributes.STATUS)
        # The work team the job's request names: the provider allows exactly these.
        self.workteam_arn = job_workteam_arn(spec, context)
