"""The workforce stack's own custom resources, behind one Provider: each team's worker portal URL
(which CloudFormation does not expose) and the app client's callback and sign-out URLs."""

from __future__ import annotations

import json
from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from gt_rules.handler_keys import (
    AppClientUrlsProperties,
    PortalAttributes,
    ResourceTypes,
    WorkerPortalProperties,
)

from .providers import HandlerProvider

# One describe call (and, for the client, one update): seconds. Well under the Provider
# framework's 15 minutes; CloudFormation stops waiting a little after that framework limit.
ON_EVENT_TIMEOUT_SECONDS = 60
SERVICE_TIMEOUT_SECONDS = 16 * 60


class WorkforcePortal(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.handlers = HandlerProvider(
            self,
            "Handlers",
            function_dir="workforce_portal",
            description="Reads work teams' portal URLs and points the app client at the portal",
            on_event_timeout_seconds=ON_EVENT_TIMEOUT_SECONDS,
            memory_size=128,
        )

    def _resource(
        self, scope: Construct, construct_id: str, resource_type: str, properties: Mapping[str, object]
    ) -> cdk.CustomResource:
        return cdk.CustomResource(
            scope,
            construct_id,
            service_token=self.handlers.service_token,
            resource_type=resource_type,
            properties=dict(properties),
            service_timeout=cdk.Duration.seconds(SERVICE_TIMEOUT_SECONDS),
        )

    def portal_url(self, scope: Construct, *, workteam: sagemaker.CfnWorkteam, workteam_name: str) -> str:
        """The team's worker portal (DescribeWorkteam's SubDomain), read once the team exists."""
        self.handlers.on_event.allow("sagemaker:DescribeWorkteam", resources=[workteam.ref])
        lookup = self._resource(
            scope,
            "PortalUrl",
            ResourceTypes.WORKER_PORTAL,
            {WorkerPortalProperties.WORKTEAM_NAME: workteam_name},
        )
        lookup.node.add_dependency(workteam)
        # The grant must be in place before the lookup runs.
        lookup.node.add_dependency(self.handlers.on_event.role)
        return lookup.get_att_string(PortalAttributes.PORTAL_URL)

    def point_app_client_at_portal(
        self,
        scope: Construct,
        *,
        pool: cognito.IUserPool,
        client: cognito.IUserPoolClient,
        client_settings: Mapping[str, object],
        workforce: sagemaker.CfnWorkforce,
    ) -> cdk.CustomResource:
        """Set the client's callback and sign-out URLs from the workforce's sub-domain, keeping its
        other settings (gt_rules.portal), whenever the workforce, the client or its settings change."""
        self.handlers.on_event.allow(
            "cognito-idp:DescribeUserPoolClient",
            "cognito-idp:UpdateUserPoolClient",
            resources=[pool.user_pool_arn],
        )
        urls = self._resource(
            scope,
            "AppClientUrls",
            ResourceTypes.APP_CLIENT_URLS,
            {
                AppClientUrlsProperties.USER_POOL_ID: pool.user_pool_id,
                AppClientUrlsProperties.CLIENT_ID: client.user_pool_client_id,
                AppClientUrlsProperties.SUBDOMAIN: workforce.attr_sub_domain,
                AppClientUrlsProperties.CLIENT_SETTINGS: json.dumps(client_settings, sort_keys=True),
            },
        )
        urls.node.add_dependency(client)
        urls.node.add_dependency(self.handlers.on_event.role)
        return urls
