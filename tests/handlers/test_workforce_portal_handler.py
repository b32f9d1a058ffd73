"""The workforce stack's custom resources: worker portal URLs and the app client's URLs.

Events are shaped as CloudFormation sends them through the Provider framework; SageMaker and
Cognito answer through botocore's Stubber, so every request is checked against the service model.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from gt_rules.portal import app_client_update, callback_urls
from tests.handlers.conftest import load_handler

REGION, ACCOUNT = "us-east-1", "111122223333"
POOL, CLIENT = "us-east-1_AbC123", "4l1c2e3n4t5i6d"
SUBDOMAIN = "x1y2z3.labeling.us-east-1.sagemaker.aws"
TEAM = "gtlab-dev-super-labelers"
TEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{TEAM}"

# What DescribeUserPoolClient answers for the client the stack creates, after Ground Truth may have
# added something of its own (here an extra scope): every setting must survive the update.
DESCRIBED_CLIENT: dict[str, Any] = {
    "UserPoolId": POOL,
    "ClientName": "gtlab-dev-workers-client",
    "ClientId": CLIENT,
    "ClientSecret": "s3cr3t-0123456789abcdefghij",
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"RefreshToken": "days"},
    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": ["https://localhost/set-when-the-workforce-exists"],
    "LogoutURLs": ["https://localhost/set-when-the-workforce-exists"],
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": True,
}


def cfn_event(
    request_type: str, resource_type: str, properties: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    token = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gtlab-dev-workforce-PortalHandlersProvider-1A2B"
    return {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
        "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/gtlab-dev-workforce/0a1b",
        "RequestId": "9f8e7d6c",
        "LogicalResourceId": "PortalResource",
        "ResourceType": resource_type,
        "ResourceProperties": {"ServiceToken": token, **properties},
        **extra,
    }


@pytest.fixture
def handler() -> Iterator[ModuleType]:
    module = load_handler("workforce_portal")
    yield module
    module.CLIENTS.clear()


@pytest.fixture
def sagemaker(handler: ModuleType) -> Iterator[Stubber]:
    client = boto3.client("sagemaker", region_name=REGION)
    handler.CLIENTS.use("sagemaker", client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def cognito(handler: ModuleType) -> Iterator[Stubber]:
    client = boto3.client("cognito-idp", region_name=REGION)
    handler.CLIENTS.use("cognito-idp", client)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def workteam(subdomain: str | None) -> dict[str, Any]:
    team: dict[str, Any] = {
        "WorkteamName": TEAM,
        "MemberDefinitions": [
            {"CognitoMemberDefinition": {"UserPool": POOL, "UserGroup": TEAM, "ClientId": CLIENT}}
        ],
        "WorkteamArn": TEAM_ARN,
        "Description": "Labels",
    }
    if subdomain:
        team["SubDomain"] = subdomain
    return {"Workteam": team}


def updatable() -> set[str]:
    model = boto3.client("cognito-idp", region_name=REGION).meta.service_model
    return set(model.operation_model("UpdateUserPoolClient").input_shape.members)


# --- pure: what the update sends ---


def test_the_update_keeps_every_setting_and_replaces_only_the_urls() -> None:
    request = app_client_update(DESCRIBED_CLIENT, subdomain=SUBDOMAIN, updatable=updatable())
    assert request["CallbackURLs"] == [f"https://{SUBDOMAIN}/oauth2/idpresponse"]
    assert request["LogoutURLs"] == [f"https://{SUBDOMAIN}/logout"]
    kept = {k: v for k, v in DESCRIBED_CLIENT.items() if k not in ("CallbackURLs", "LogoutURLs")}
    # Everything the update call accepts is passed on unchanged (an omitted one would be reset).
    for key, value in kept.items():
        if key in updatable():
            assert request[key] == value, key
    # What the call does not accept is not sent (the secret above all).
    assert "ClientSecret" not in request and set(request) <= updatable()


def test_a_default_redirect_outside_the_new_callbacks_is_moved_to_the_portal() -> None:
    described = {**DESCRIBED_CLIENT, "DefaultRedirectURI": "https://localhost/set-when-the-workforce-exists"}
    request = app_client_update(described, subdomain=SUBDOMAIN, updatable=updatable())
    assert request["DefaultRedirectURI"] == callback_urls(SUBDOMAIN)[0][0]


# --- handler ---


def test_worker_portal_reads_the_teams_subdomain(handler: ModuleType, sagemaker: Stubber) -> None:
    sagemaker.add_response("describe_workteam", workteam(SUBDOMAIN), {"WorkteamName": TEAM})
    event = cfn_event("Create", "Custom::GroundTruthWorkerPortal", {"WorkteamName": TEAM})
    answer = handler.on_event(event, None, sleep=lambda _: None)
    assert answer == {"PhysicalResourceId": f"{TEAM}-portal", "Data": {"PortalUrl": f"https://{SUBDOMAIN}"}}


def test_a_team_without_a_portal_yet_fails_with_a_clear_message(
    handler: ModuleType, sagemaker: Stubber
) -> None:
    sagemaker.add_response("describe_workteam", workteam(None), {"WorkteamName": TEAM})
    event = cfn_event("Create", "Custom::GroundTruthWorkerPortal", {"WorkteamName": TEAM})
    with pytest.raises(RuntimeError, match=f"{TEAM} has no worker portal"):
        handler.on_event(event, None, sleep=lambda _: None)


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_app_client_urls_describe_then_update_with_everything_kept(
    handler: ModuleType, cognito: Stubber, request_type: str
) -> None:
    properties = {"UserPoolId": POOL, "ClientId": CLIENT, "SubDomain": SUBDOMAIN, "ClientSettings": "{}"}
    cognito.add_response(
        "describe_user_pool_client",
        {"UserPoolClient": DESCRIBED_CLIENT},
        {"UserPoolId": POOL, "ClientId": CLIENT},
    )
    expected = app_client_update(DESCRIBED_CLIENT, subdomain=SUBDOMAIN, updatable=updatable())
    cognito.add_response("update_user_pool_client", {"UserPoolClient": DESCRIBED_CLIENT}, expected)
    extra = {"PhysicalResourceId": f"{CLIENT}-portal-urls", "OldResourceProperties": properties}
    event = cfn_event(
        request_type,
        "Custom::GroundTruthAppClientUrls",
        properties,
        **(extra if request_type == "Update" else {}),
    )

    answer = handler.on_event(event, None, sleep=lambda _: None)

    assert answer["PhysicalResourceId"] == f"{CLIENT}-portal-urls"
    assert answer["Data"] == {"CallbackUrl": f"https://{SUBDOMAIN}/oauth2/idpresponse"}


@pytest.mark.parametrize(
    "resource_type", ["Custom::GroundTruthWorkerPortal", "Custom::GroundTruthAppClientUrls"]
)
def test_delete_changes_nothing_and_keeps_the_id(handler: ModuleType, resource_type: str) -> None:
    event = cfn_event("Delete", resource_type, {"WorkteamName": TEAM}, PhysicalResourceId="some-id")
    assert handler.on_event(event, None) == {"PhysicalResourceId": "some-id"}
