"""Custom resources of the workforce stack (CDK Provider framework, on_event only).

- Custom::GroundTruthWorkerPortal (WorkteamName): the team's worker portal URL, which
  CloudFormation does not expose (DescribeWorkteam's SubDomain), as the attribute PortalUrl.
- Custom::GroundTruthAppClientUrls (UserPoolId, ClientId, SubDomain): points the workforce's
  Cognito app client at the portal (callback and sign-out URLs) and keeps its other settings
  (gt_rules.portal).

Delete changes nothing: the team and the client go with their own resources, and a Delete must
never fail. Pure decisions live in gt_rules.portal; this file reads the event and calls AWS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from gt_rules.handler_keys import (
    AppClientUrlsProperties,
    PortalAttributes,
    ResourceTypes,
    WorkerPortalProperties,
)
from gt_rules.portal import app_client_update, callback_urls, portal_url
from gt_rules.retry import call_with_retries
from gt_runtime.aws import Clients

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

CLIENTS = Clients()

Sleep = Callable[[float], None]


def on_event(
    event: Mapping[str, Any], context: object = None, *, sleep: Sleep = time.sleep
) -> dict[str, Any]:
    request_type, resource_type = event["RequestType"], event["ResourceType"]
    if request_type == "Delete":
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    if request_type not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request_type!r}")
    properties = event["ResourceProperties"]
    if resource_type == ResourceTypes.WORKER_PORTAL:
        return worker_portal(str(properties[WorkerPortalProperties.WORKTEAM_NAME]), sleep)
    if resource_type == ResourceTypes.APP_CLIENT_URLS:
        return point_app_client_at_portal(
            user_pool_id=str(properties[AppClientUrlsProperties.USER_POOL_ID]),
            client_id=str(properties[AppClientUrlsProperties.CLIENT_ID]),
            subdomain=str(properties[AppClientUrlsProperties.SUBDOMAIN]),
            sleep=sleep,
        )
    raise ValueError(f"unknown ResourceType {resource_type!r}")


def worker_portal(workteam_name: str, sleep: Sleep) -> dict[str, Any]:
    sagemaker = CLIENTS("sagemaker")
    team = call_with_retries(lambda: sagemaker.describe_workteam(WorkteamName=workteam_name), sleep=sleep)
    subdomain = team["Workteam"].get("SubDomain")
    if not subdomain:
        raise RuntimeError(f"work team {workteam_name} has no worker portal (SubDomain) yet")
    return {
        "PhysicalResourceId": f"{workteam_name}-portal",
        "Data": {PortalAttributes.PORTAL_URL: portal_url(subdomain)},
    }


def point_app_client_at_portal(
    *, user_pool_id: str, client_id: str, subdomain: str, sleep: Sleep
) -> dict[str, Any]:
    cognito = CLIENTS("cognito-idp")
    described = call_with_retries(
        lambda: cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id), sleep=sleep
    )["UserPoolClient"]
    updatable = cognito.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    request = app_client_update(described, subdomain=subdomain, updatable=updatable)
    call_with_retries(lambda: cognito.update_user_pool_client(**request), sleep=sleep)
    callbacks, _ = callback_urls(subdomain)
    LOG.info("app client %s now calls back to %s", client_id, callbacks[0])
    return {
        "PhysicalResourceId": f"{client_id}-portal-urls",
        "Data": {PortalAttributes.CALLBACK_URL: callbacks[0]},
    }
