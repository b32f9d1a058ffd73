"""Workforce: Cognito pool, app client, work teams, topics, workers, and the three workforce modes."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks

from gt_config import load_environment
from stacks.app_factory import FEATURE_FLAGS
from stacks.workforce_stack import WorkforceStack

from . import checks
from .conftest import Synthesized

OIDC = {
    "issuer": "https://idp.example.com",
    "authorization_endpoint": "https://idp.example.com/authorize",
    "token_endpoint": "https://idp.example.com/token",
    "user_info_endpoint": "https://idp.example.com/userinfo",
    "logout_endpoint": "https://idp.example.com/logout",
    "jwks_uri": "https://idp.example.com/jwks",
    "client_id": "gt_client",
    "client_secret_name": "gtlab/oidc-client-secret",
}


TWO_TEAMS = [
    {"name": "a", "description": "A", "workers": ["x@example.com"]},
    {"name": "b", "description": "B", "workers": ["y@example.com", "X@example.com"]},
]
_VARIANTS: dict[str, dict[str, Any]] = {}


def workforce_template(**overrides: Any) -> dict[str, Any]:
    """Only the workforce stack of a dev variant, with cdk-nag: nag-clean or it raises. Cached."""
    key = json.dumps(overrides, sort_keys=True)
    if key not in _VARIANTS:
        _VARIANTS[key] = _synth_workforce(overrides)
    return _VARIANTS[key]


def _synth_workforce(overrides: dict[str, Any]) -> dict[str, Any]:
    config = load_environment("dev", environ={}, overrides={"jobs": [], **overrides})
    app = cdk.App(context=FEATURE_FLAGS)
    stack = WorkforceStack(app, config=config, topic_key=None)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app.synth().get_stack_by_name(stack.stack_name).template


def resources(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == resource_type]


def test_pool_settings(dev: Synthesized) -> None:
    (pool,) = resources(dev.templates["workforce"], "AWS::Cognito::UserPool")
    props = pool["Properties"]
    assert props["UsernameAttributes"] == ["email"]
    assert props["UserPoolName"] == "gtlab-dev-workers"
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 8 and all(
        policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )
    assert props["LambdaConfig"]["CustomMessage"]  # the invitation carries the portal URL


def test_pool_domain_is_unique_per_environment_and_account(dev: Synthesized) -> None:
    (domain,) = resources(dev.templates["workforce"], "AWS::Cognito::UserPoolDomain")
    assert domain["Properties"]["Domain"] == {"Fn::Join": ["", ["gtlab-dev-", {"Ref": "AWS::AccountId"}]]}


def test_pool_is_destroyed_in_dev_and_retained_in_prod(dev: Synthesized, prod: Synthesized) -> None:
    (dev_pool,) = resources(dev.templates["workforce"], "AWS::Cognito::UserPool")
    (prod_pool,) = resources(prod.templates["workforce"], "AWS::Cognito::UserPool")
    assert dev_pool["DeletionPolicy"] == "Delete"
    assert prod_pool["DeletionPolicy"] == "Retain"
    assert prod_pool["Properties"]["DeletionProtection"] == "ACTIVE"


def test_app_client_has_a_secret_and_constant_properties(dev: Synthesized, prod: Synthesized) -> None:
    """The client never changes with configuration, so a redeploy cannot reset the callback URLs
    Ground Truth writes into it."""

    def client(template: dict[str, Any]) -> dict[str, Any]:
        (found,) = resources(template, "AWS::Cognito::UserPoolClient")
        return {k: v for k, v in found["Properties"].items() if k != "UserPoolId"}

    dev_client = client(dev.templates["workforce"])
    assert dev_client["GenerateSecret"] is True
    assert dev_client["SupportedIdentityProviders"] == ["COGNITO"]
    more_teams = workforce_template(teams=TWO_TEAMS)
    assert client(more_teams) == dev_client == client(prod.templates["workforce"])


def test_work_team_wiring(dev: Synthesized) -> None:
    template = dev.templates["workforce"]
    (team,) = resources(template, "AWS::SageMaker::Workteam")
    (workforce,) = resources(template, "AWS::SageMaker::Workforce")
    (group,) = resources(template, "AWS::Cognito::UserPoolGroup")
    props = team["Properties"]
    assert props["WorkteamName"] == "gtlab-dev-super-labelers"
    assert props["Description"]
    assert props["WorkforceName"] == workforce["Properties"]["WorkforceName"] == "gtlab-dev-workforce"
    member = props["MemberDefinitions"][0]["CognitoMemberDefinition"]
    assert set(member) == {"CognitoUserPool", "CognitoClientId", "CognitoUserGroup"}
    assert group["Properties"]["GroupName"] == "gtlab-dev-super-labelers"
    topic_ref = props["NotificationConfiguration"]["NotificationTopicArn"]
    assert template["Resources"][topic_ref["Ref"]]["Type"] == "AWS::SNS::Topic"
    assert "FifoTopic" not in template["Resources"][topic_ref["Ref"]]["Properties"]


def test_workers_become_users_members_and_subscribers(dev: Synthesized) -> None:
    template = dev.templates["workforce"]
    (user,) = resources(template, "AWS::Cognito::UserPoolUser")
    assert user["Properties"]["Username"] == "labeler@example.com"
    assert user["Properties"]["DesiredDeliveryMediums"] == ["EMAIL"]
    (team_id,) = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::SageMaker::Workteam"]
    assert team_id in user["DependsOn"]  # invited once the portal exists
    assert len(resources(template, "AWS::Cognito::UserPoolUserToGroupAttachment")) == 1
    (subscription,) = resources(template, "AWS::SNS::Subscription")
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "labeler@example.com"


def test_worker_in_two_teams_is_one_user_with_two_memberships() -> None:
    template = workforce_template(teams=TWO_TEAMS)
    assert len(resources(template, "AWS::Cognito::UserPoolUser")) == 2  # x@ (in both teams) and y@
    assert len(resources(template, "AWS::Cognito::UserPoolUserToGroupAttachment")) == 3
    assert len(resources(template, "AWS::SageMaker::Workteam")) == 2


def test_portal_url_is_a_stack_output(dev: Synthesized) -> None:
    outputs = dev.templates["workforce"]["Outputs"]
    portal = outputs["WorkerPortalUrlsuperlabelers"]["Value"]
    (lookup_id, attribute) = portal["Fn::GetAtt"]
    assert attribute == "PortalUrl"
    lookup = dev.templates["workforce"]["Resources"][lookup_id]
    assert lookup["Type"] == "Custom::GroundTruthWorkerPortal"
    assert lookup["Properties"]["WorkteamName"] == "gtlab-dev-super-labelers"
    assert "WorkteamArnsuperlabelers" in outputs


def test_app_client_is_pointed_at_the_workforce_portal(dev: Synthesized) -> None:
    template = dev.templates["workforce"]
    (urls,) = resources(template, "Custom::GroundTruthAppClientUrls")
    (workforce_id,) = [
        k for k, r in template["Resources"].items() if r["Type"] == "AWS::SageMaker::Workforce"
    ]
    (client_id,) = [
        k for k, r in template["Resources"].items() if r["Type"] == "AWS::Cognito::UserPoolClient"
    ]
    props = urls["Properties"]
    assert props["SubDomain"] == {"Fn::GetAtt": [workforce_id, "SubDomain"]}
    assert props["ClientId"] == {"Ref": client_id}
    # The client's own settings travel along: a change to them re-applies the URLs.
    assert json.loads(props["ClientSettings"])["allowedOAuthFlows"] == ["code"]
    assert client_id in urls["DependsOn"]


def test_existing_or_oidc_workforces_leave_the_app_client_alone() -> None:
    existing = workforce_template(
        workforce={"mode": "existing_cognito", "user_pool_id": "us-east-1_AbC123", "client_id": "abc123"}
    )
    assert not resources(existing, "Custom::GroundTruthAppClientUrls")
    assert len(resources(existing, "Custom::GroundTruthWorkerPortal")) == 1


def test_existing_cognito_workforce_attaches_teams_without_creating_one() -> None:
    template = workforce_template(
        workforce={"mode": "existing_cognito", "user_pool_id": "us-east-1_AbC123", "client_id": "abc123"}
    )
    assert not resources(template, "AWS::SageMaker::Workforce")
    assert not resources(template, "AWS::Cognito::UserPool")
    (team,) = resources(template, "AWS::SageMaker::Workteam")
    assert "WorkforceName" not in team["Properties"]
    member = team["Properties"]["MemberDefinitions"][0]["CognitoMemberDefinition"]
    assert member["CognitoUserPool"] == "us-east-1_AbC123" and member["CognitoClientId"] == "abc123"
    assert len(resources(template, "AWS::Cognito::UserPoolUser")) == 1


def test_oidc_workforce_keeps_the_client_secret_out_of_the_template() -> None:
    template = workforce_template(
        workforce={"mode": "oidc", "oidc": OIDC},
        teams=[{"name": "oidc-team", "description": "OIDC", "oidc_groups": ["labelers"]}],
    )
    (workforce,) = resources(template, "AWS::SageMaker::Workforce")
    oidc = workforce["Properties"]["OidcConfig"]
    assert oidc["Issuer"] == OIDC["issuer"] and oidc["ClientId"] == "gt_client"
    checks.assert_no_plaintext_secret(json.dumps(template), "the-real-secret")
    assert "gtlab/oidc-client-secret" in json.dumps(oidc["ClientSecret"])
    (team,) = resources(template, "AWS::SageMaker::Workteam")
    assert team["Properties"]["MemberDefinitions"] == [{"OidcMemberDefinition": {"OidcGroups": ["labelers"]}}]
    assert not resources(template, "AWS::Cognito::UserPool")


@pytest.mark.parametrize("env_fixture", ["dev", "prod"])
def test_topic_encryption_follows_the_environment(env_fixture: str, request: pytest.FixtureRequest) -> None:
    result: Synthesized = request.getfixturevalue(env_fixture)
    topics = [r["Properties"] for r in resources(result.templates["workforce"], "AWS::SNS::Topic")]
    if env_fixture == "prod":
        # A customer key whose policy admits SageMaker; the AWS-managed aws/sns key cannot.
        assert all("KmsMasterKeyId" in t for t in topics)
    else:
        assert all("KmsMasterKeyId" not in t for t in topics)


def test_synthesis_is_deterministic_within_a_process() -> None:
    """Logical ids must not come from token strings, whose numbers depend on what ran before."""
    first = _synth_workforce({"teams": TWO_TEAMS})
    second = _synth_workforce({"teams": TWO_TEAMS})
    assert first == second
