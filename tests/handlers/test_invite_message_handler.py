"""The Cognito CustomMessage trigger adds the portal URL, and never blocks an invitation."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from .conftest import load_handler

handler_module = load_handler("invite_message")
TEAM_ARN = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/gtlab-dev-super-labelers"


def event(trigger: str = "CustomMessage_AdminCreateUser") -> dict[str, Any]:
    return {
        "triggerSource": trigger,
        "request": {"usernameParameter": "{username}", "codeParameter": "{####}"},
        "response": {"emailSubject": None, "emailMessage": None},
    }


@pytest.fixture
def sagemaker(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    monkeypatch.setenv("WORKTEAM_NAME", "gtlab-dev-super-labelers")
    client = boto3.client("sagemaker", region_name="us-east-1")
    monkeypatch.setattr(handler_module, "_CLIENT", client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def workteam(subdomain: str) -> dict[str, Any]:
    return {
        "Workteam": {
            "WorkteamName": "gtlab-dev-super-labelers",
            "MemberDefinitions": [
                {
                    "CognitoMemberDefinition": {
                        "UserPool": "us-east-1_AbC123",
                        "UserGroup": "g",
                        "ClientId": "c",
                    }
                }
            ],
            "WorkteamArn": TEAM_ARN,
            "Description": "d",
            "SubDomain": subdomain,
        }
    }


def test_invitation_links_the_worker_portal(sagemaker: Stubber) -> None:
    sagemaker.add_response(
        "describe_workteam",
        workteam("abc.labeling.us-east-1.sagemaker.aws"),
        {"WorkteamName": "gtlab-dev-super-labelers"},
    )
    result = handler_module.handler(event(), None)
    assert "https://abc.labeling.us-east-1.sagemaker.aws" in result["response"]["emailMessage"]
    assert "{####}" in result["response"]["emailMessage"]


def test_invitation_still_goes_out_when_the_team_cannot_be_read(sagemaker: Stubber) -> None:
    sagemaker.add_client_error("describe_workteam", "ResourceNotFound", "no such team")
    result = handler_module.handler(event(), None)
    assert "{username}" in result["response"]["emailMessage"]
    assert "href" not in result["response"]["emailMessage"]


def test_other_messages_keep_cognitos_text(sagemaker: Stubber) -> None:
    result = handler_module.handler(event("CustomMessage_ForgotPassword"), None)
    assert result["response"]["emailMessage"] is None
