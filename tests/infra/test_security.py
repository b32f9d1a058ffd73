"""Each security property holds on the real templates, and its check catches a broken variant."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from tests.every_kind import ACS_LAMBDA as ACS_LAMBDA_ARN
from tests.every_kind import PRE_LAMBDA as PRE_LAMBDA_ARN

from . import checks
from .conftest import Synthesized


def broken(build: Callable[[cdk.Stack], None]) -> dict[str, Any]:
    """A one-stack app holding a deliberately insecure variant."""
    stack = cdk.Stack(cdk.App(), "Broken")
    build(stack)
    return Template.from_stack(stack).to_json()


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_buckets_are_tls_only_private_and_encrypted(synth: Callable[[str], Synthesized], env: str) -> None:
    storage = synth(env).templates["storage"]
    checks.assert_buckets_tls_only(storage)
    checks.assert_buckets_block_public_access(storage)
    checks.assert_buckets_encrypted(storage, kms_key=env == "prod")
    assert len(synth(env).resources("storage", "AWS::S3::Bucket")) == 3


def test_broken_buckets_are_caught() -> None:
    plain = broken(lambda stack: s3.Bucket(stack, "Plain"))
    with pytest.raises(AssertionError, match="TLS-only"):
        checks.assert_buckets_tls_only(plain)
    with pytest.raises(AssertionError, match="Block Public Access"):
        checks.assert_buckets_block_public_access(
            broken(
                lambda stack: s3.Bucket(stack, "Open", block_public_access=s3.BlockPublicAccess.BLOCK_ACLS)
            )
        )
    unencrypted = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {}}}}
    with pytest.raises(AssertionError, match="no default encryption"):
        checks.assert_buckets_encrypted(unencrypted, kms_key=False)
    with pytest.raises(AssertionError, match="SSE-KMS"):
        checks.assert_buckets_encrypted(
            broken(lambda stack: s3.Bucket(stack, "Input", encryption=s3.BucketEncryption.S3_MANAGED)),
            kms_key=True,
        )


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_topics_are_tls_only_and_sagemaker_publish_is_conditioned(
    synth: Callable[[str], Synthesized], env: str
) -> None:
    workforce = synth(env).templates["workforce"]
    checks.assert_topics_tls_only(workforce)
    checks.assert_service_publish_is_conditioned(workforce, "sagemaker.amazonaws.com")


def test_broken_topics_are_caught() -> None:
    def unconditioned(stack: cdk.Stack) -> None:
        topic = sns.Topic(stack, "Topic")
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("sagemaker.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
            )
        )

    template = broken(unconditioned)
    with pytest.raises(AssertionError, match="TLS-only"):
        checks.assert_topics_tls_only(template)
    with pytest.raises(AssertionError, match="aws:SourceAccount"):
        checks.assert_service_publish_is_conditioned(template, "sagemaker.amazonaws.com")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_execution_role_is_scoped(synth: Callable[[str], Synthesized], env: str) -> None:
    result = synth(env)
    storage = result.templates["storage"]
    role_id = cdk.Stack.of(result.stacks.storage).get_logical_id(
        result.stacks.storage.execution_role.role.node.default_child
    )
    checks.assert_role_trusts_only(storage, role_id, "sagemaker.amazonaws.com")
    for component in result.templates:
        checks.assert_no_s3_action_on_any_resource(result.templates[component])


def test_broken_roles_are_caught() -> None:
    def wide(stack: cdk.Stack) -> None:
        role = iam.Role(
            stack,
            "Role",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess")],
        )
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))

    template = broken(wide)
    with pytest.raises(AssertionError, match="Resource '\\*'"):
        checks.assert_no_s3_action_on_any_resource(template)
    role_id = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role")
    with pytest.raises(AssertionError, match="managed policies"):
        checks.assert_role_trusts_only(template, role_id, "sagemaker.amazonaws.com")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_worker_pool_is_admin_only_with_mfa(synth: Callable[[str], Synthesized], env: str) -> None:
    checks.assert_admin_only_sign_up(synth(env).templates["workforce"])


def test_broken_pool_is_caught() -> None:
    template = broken(lambda stack: cognito.UserPool(stack, "Pool", self_sign_up_enabled=True))
    with pytest.raises(AssertionError, match="self sign-up"):
        checks.assert_admin_only_sign_up(template)


def test_plaintext_secret_check() -> None:
    with pytest.raises(AssertionError, match="plain text"):
        checks.assert_no_plaintext_secret(json.dumps({"ClientSecret": "s3cr3t"}), "s3cr3t")


def test_execution_role_may_pass_itself_only_when_a_job_uses_automated_labeling(dev: Synthesized) -> None:
    from gt_config import load_environment
    from stacks.app_factory import FEATURE_FLAGS
    from stacks.storage_stack import StorageStack

    def pass_role_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            statement
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::IAM::Policy"
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]
            if statement["Action"] == "iam:PassRole"
        ]

    assert pass_role_statements(dev.templates["storage"]) == []
    config = load_environment("dev", environ={})
    fashion = config.jobs[0].model_dump(mode="json")
    auto = load_environment("dev", environ={}, overrides={"jobs": [{**fashion, "automated_labeling": True}]})
    app = cdk.App(context=FEATURE_FLAGS)
    stack = StorageStack(app, config=auto)
    (statement,) = pass_role_statements(Template.from_stack(stack).to_json())
    role_id = stack.get_logical_id(stack.execution_role.role.node.default_child)
    assert statement["Resource"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}


def test_job_creation_is_limited_to_the_configured_work_teams(every_kind: Synthesized) -> None:
    from gt_rules.task_types import public_workteam_arn
    from tests.every_kind import REGION, VENDOR_WORKTEAM

    labeling = every_kind.templates["labeling"]
    statement = next(
        s
        for p in every_kind.resources("labeling", "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "sagemaker:CreateLabelingJob" or "sagemaker:CreateLabelingJob" in s["Action"]
    )
    (private,) = [
        a for a in statement["Condition"]["ArnEquals"]["sagemaker:WorkteamArn"] if not isinstance(a, str)
    ]
    checks.assert_job_creation_limited_to(labeling, [private, VENDOR_WORKTEAM, public_workteam_arn(REGION)])
    checks.assert_invokes_exactly(every_kind.templates["storage"], sorted([PRE_LAMBDA_ARN, ACS_LAMBDA_ARN]))


def test_broken_job_creation_grants_are_caught() -> None:
    team = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/t"

    def unconditioned(stack: cdk.Stack) -> None:
        role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateLabelingJob"], resources=["*"]))

    with pytest.raises(AssertionError, match="without a sagemaker:WorkteamArn condition"):
        checks.assert_job_creation_limited_to(broken(unconditioned), [team])

    def wider(stack: cdk.Stack) -> None:
        role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        public = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["sagemaker:CreateLabelingJob", "sagemaker:DescribeLabelingJob"],
                resources=["*"],
                conditions={"ArnEquals": {"sagemaker:WorkteamArn": [team, public]}},
            )
        )

    with pytest.raises(AssertionError, match="also applies to"):
        checks.assert_job_creation_limited_to(broken(wider), [team])

    def any_function(stack: cdk.Stack) -> None:
        role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
        role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=["*"]))

    with pytest.raises(AssertionError, match="lambda:InvokeFunction on"):
        checks.assert_invokes_exactly(broken(any_function), [PRE_LAMBDA_ARN])
