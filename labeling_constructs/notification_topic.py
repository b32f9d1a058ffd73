"""A Standard SNS topic with email subscribers that nobody may reach without TLS, and that an AWS
service may publish to when one is named."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


class NotificationTopic(Construct):
    """Standard, not FIFO: FIFO topics accept only SQS subscribers, never email
    (docs/ground-truth.md#notifications)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic_name: str,
        display_name: str,
        publisher_service: str | None = None,
        publisher_source_arn: str | None = None,
        encryption_key: kms.IKey | None,
        emails: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=topic_name,
            display_name=display_name,
            master_key=encryption_key,
            enforce_ssl=True,
        )
        if publisher_service is None:
            if publisher_source_arn is not None:
                raise ValueError("publisher_source_arn needs publisher_service")
        else:
            self._allow_service(publisher_service, publisher_source_arn or "")
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))

    def _allow_service(self, publisher_service: str, publisher_source_arn: str) -> None:
        # docs/ground-truth.md#notifications: the service publishes for our own account's resources only.
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowServicePublish",
                principals=[iam.ServicePrincipal(publisher_service)],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
                    "ArnLike": {"aws:SourceArn": publisher_source_arn},
                },
            )
        )
