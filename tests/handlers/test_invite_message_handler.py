"""The Cognito CustomMessage trigger adds the portal URL, and never blocks an invitation."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from .conftest import load_handler

TEAM_ARN = "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/gtlab-dev-super-labelers"


def event(trigger: str = "CustomMessage_AdminCreateUser") -> dict[str, Any]:
    return {
        "triggerSource": trigger,
        "request": {"usernameParameter": "{username}", "codeParameter": "{####}"},
        "response": {"emailSubject": None, "emailMessage": None},
    }


@pytest.fixture
def handler_module() -> ModuleType:
    # Loaded per test, after the fake AWS environment is set: the module makes its client at load.
    return load_handler("invite_message")


@pytest.fixture
def sagemaker(monkeypatch: pytest.MonkeyPatch, handler_module: ModuleType) -> Stubber:
    monkeypatch.setenv("WORKTEAM_NAME", "gtlab-dev-super-labelers")
    client = boto3.client("sagemaker", region_name="us-east-1")
    handler_module.CLIENTS.use("sagemaker", client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
    handler_module.CLIENTS.clear()


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


def test_invitation_links_the_worker_portal(sagemaker: Stubber, handler_module: ModuleType) -> None:
    sagemaker.add_response(
        "describe_workteam",
        workteam("abc.labeling.us-east-1.sagemaker.aws"),
        {"WorkteamName": "gtlab-dev-super-labelers"},
    )
    result = handler_module.handler(event(), None)
    assert "https://abc.labeling.us-east-1.sagemaker.aws" in result["response"]["emailMessage"]
    assert "{####}" in result["response"]["emailMessage"]


def test_invitation_still_goes_out_when_the_team_cannot_be_read(
    sagemaker: Stubber, handler_module: ModuleType
) -> None:
    sagemaker.add_client_error("describe_workteam", "ResourceNotFound", "no such team")
    result = handler_module.handler(event(), None)
    assert "{username}" in result["response"]["emailMessage"]
    assert "href" not in result["response"]["emailMessage"]


def test_other_messages_keep_cognitos_text(sagemaker: Stubber, handler_module: ModuleType) -> None:
    result = handler_module.handler(event("CustomMessage_ForgotPassword"), None)
    assert result["response"]["emailMessage"] is None


def test_the_client_is_made_at_load_with_short_timeouts_and_no_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Any] = []
    real_client = boto3.client

    def counting(*args: Any, **kwargs: Any) -> Any:
        client = real_client(*args, **kwargs)
        made.append(client)
        return client

    monkeypatch.setattr(boto3, "client", counting)
    module = load_handler("invite_message")
    assert len(made) == 1  # at load, not inside Cognito's 5 seconds
    config = made[0].meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries["total_max_attempts"] == 1
    # Cognito's limit, with the rest of the invocation: one attempt of at most 3 seconds.
    assert config.connect_timeout + config.read_timeout < 5
    monkeypatch.setenv("WORKTEAM_NAME", "gtlab-dev-super-labelers")
    with Stubber(made[0]) as stubber:
        stubber.add_client_error("describe_workteam", "ThrottlingException", "Rate exceeded")
        module.handler(event(), None)
    assert len(made) == 1  # the invocation reused it


class _TimingOut:
    def describe_workteam(self, **_: Any) -> dict[str, Any]:
        from botocore.exceptions import ReadTimeoutError

        raise ReadTimeoutError(endpoint_url="https://api.sagemaker.us-east-1.amazonaws.com/")


def test_a_timeout_still_sends_the_invitation_without_the_link(
    monkeypatch: pytest.MonkeyPatch, handler_module: ModuleType
) -> None:
    monkeypatch.setenv("WORKTEAM_NAME", "gtlab-dev-super-labelers")
    handler_module.CLIENTS.use("sagemaker", _TimingOut())
    try:
        result = handler_module.handler(event(), None)
    finally:
        handler_module.CLIENTS.clear()
    assert "{####}" in result["response"]["emailMessage"]
    assert "href" not in result["response"]["emailMessage"]
