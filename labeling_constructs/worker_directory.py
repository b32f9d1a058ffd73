"""Workers from config: one Cognito user per email, a group membership per team
(docs/ground-truth.md#cognito)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_cognito as cognito
from constructs import Construct, IDependable


@dataclass(frozen=True)
class TeamMembers:
    team: str  # the team's config name
    group_name: str  # its Cognito group (a token when the group is created in the same stack)
    emails: Sequence[str]


def worker_id(email: str) -> str:
    """A stable construct id from a digest: emails are personal data and ids must not change."""
    return hashlib.sha256(email.lower().encode()).hexdigest()[:12]


class WorkerDirectory(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool_id: str,
        teams: Sequence[TeamMembers],
        invite_after: Sequence[IDependable],
    ) -> None:
        super().__init__(scope, construct_id)
        self.users: dict[str, cognito.CfnUserPoolUser] = {}
        for team in teams:
            for email in team.emails:
                user = self._user(user_pool_id, email, invite_after)
                cognito.CfnUserPoolUserToGroupAttachment(
                    self,
                    # From the team's config name, never from the group token: token strings
                    # differ between runs, and the logical id must not.
                    f"Member-{team.team}-{worker_id(email)}",
                    user_pool_id=user_pool_id,
                    group_name=team.group_name,
                    username=user.ref,
                )

    def _user(
        self, user_pool_id: str, email: str, invite_after: Sequence[IDependable]
    ) -> cognito.CfnUserPoolUser:
        key = email.lower()
        if key not in self.users:  # one user even when the worker is in several teams
            user = cognito.CfnUserPoolUser(
                self,
                f"Worker{worker_id(email)}",
                user_pool_id=user_pool_id,
                username=email,
                desired_delivery_mediums=["EMAIL"],
                user_attributes=[
                    cognito.CfnUserPoolUser.AttributeTypeProperty(name="email", value=email),
                    cognito.CfnUserPoolUser.AttributeTypeProperty(name="email_verified", value="true"),
                ],
            )
            # The invitation carries the portal URL, read from a work team: invite after it exists.
            for dependency in invite_after:
                user.node.add_dependency(dependency)
            self.users[key] = user
        return self.users[key]
