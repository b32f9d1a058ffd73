"""One private work team: its Cognito group or OIDC groups, notification topic and workers."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .notification_topic import NotificationTopic
from .worker_portal import WorkforcePortal


class PrivateWorkTeam(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workteam_name: str,
        topic_name: str,
        description: str,
        workforce_name: str | None,
        user_pool_id: str | None,
        client_id: str | None,
        oidc_groups: list[str],
        workers: list[str],
        topic_encryption_key: kms.IKey | None,
        portal: WorkforcePortal,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.notifications = NotificationTopic(
            self,
            "Notifications",
            topic_name=topic_name,
            display_name="Ground Truth tasks",
            publisher_service="sagemaker.amazonaws.com",
            publisher_source_arn=stack.format_arn(
                service="sagemaker", resource="workteam", resource_name="*"
            ),
            encryption_key=topic_encryption_key,
            # Only the console subscribes workers itself; with the API we do it
            # (docs/ground-truth.md#notifications).
            emails=workers,
        )
        if user_pool_id is not None:
            if client_id is None:
                raise ValueError("a Cognito work team needs the app client id")
            self.group: cognito.CfnUserPoolGroup | None = cognito.CfnUserPoolGroup(
                self,
                "Group",
                user_pool_id=user_pool_id,
                group_name=workteam_name,
                description=description[:2048],
            )
            members = [
                sagemaker.CfnWorkteam.MemberDefinitionProperty(
                    cognito_member_definition=sagemaker.CfnWorkteam.CognitoMemberDefinitionProperty(
                        cognito_user_pool=user_pool_id,
                        cognito_client_id=client_id,
                        cognito_user_group=self.group.ref,
                    )
                )
            ]
        else:
            self.group = None
            members = [
                sagemaker.CfnWorkteam.MemberDefinitionProperty(
                    oidc_member_definition=sagemaker.CfnWorkteam.OidcMemberDefinitionProperty(
                        oidc_groups=oidc_groups
                    )
                )
            ]
        self.workteam = sagemaker.CfnWorkteam(
            self,
            "Workteam",
            workteam_name=workteam_name,
            workforce_name=workforce_name,
            # An empty description fails although the spec calls it optional (CFN docs PR #462).
            description=description,
            member_definitions=members,
            notification_configuration=sagemaker.CfnWorkteam.NotificationConfigurationProperty(
                notification_topic_arn=self.notifications.topic.topic_arn
            ),
        )
        self.workteam_arn = (
            self.workteam.ref
        )  # Ref is the work team ARN (docs/ground-truth.md#cloudformation-resources)
        self.portal_url = portal.portal_url(self, workteam=self.workteam, workteam_name=workteam_name)

    @property
    def group_name(self) -> str:
        """The team's Cognito group (a CloudFormation reference); OIDC teams have none."""
        if self.group is None:
            raise ValueError(f"{self.node.path} is an OIDC team: its members are IdP groups")
        return self.group.ref
