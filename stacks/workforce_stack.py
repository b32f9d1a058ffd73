"""Workforce: the Cognito pool (or OIDC), the private workforce, work teams, topics and workers."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_config.models import WorkforceMode
from labeling_constructs.work_team import PrivateWorkTeam
from labeling_constructs.worker_directory import TeamMembers, WorkerDirectory
from labeling_constructs.worker_pool import WorkerUserPool
from labeling_constructs.worker_portal import WorkforcePortal
from labeling_constructs.workforce import CognitoWorkforce, OidcWorkforce

from .base import EnvironmentStack


class WorkforceStack(EnvironmentStack):
    def __init__(self, scope: Construct, *, config: EnvironmentConfig, topic_key: kms.IKey | None) -> None:
        """`topic_key`: the environment's customer key, or None. Not the AWS-managed aws/sns key:
        its key policy cannot admit SageMaker, whose publishes would then fail (toolchain notes).
        None (dev) means no SSE: the topics carry task-availability notices, no labeling data."""
        super().__init__(
            scope, config=config, component="workforce", description="private workforce and teams"
        )
        mode = config.workforce.mode
        self.portal = WorkforcePortal(self, "Portal")
        workforce_name: str | None = None
        dependency: cdk.CfnResource | None = None
        pool_id: str | None = None
        client_id: str | None = None
        self.pool: WorkerUserPool | None = None

        if mode is WorkforceMode.COGNITO:
            self.pool = WorkerUserPool(
                self,
                "Workers",
                pool_name=config.user_pool_name,
                domain_prefix=config.cognito_domain_prefix(self.account),
                retain=config.retain_data,
                portal_workteam_name=config.workteam_name(config.teams[0].name) if config.teams else "none",
            )
            pool_id, client_id = self.pool.pool.user_pool_id, self.pool.client.user_pool_client_id
            created = CognitoWorkforce(
                self,
                "Workforce",
                workforce_name=config.workforce_name,
                user_pool_id=pool_id,
                client_id=client_id,
                source_ip_cidrs=config.workforce.source_ip_cidrs,
            ).workforce
            # The domain must exist before the workforce ("User pools require a domain",
            # docs/ground-truth.md#workforce).
            created.node.add_dependency(self.pool.domain)
            workforce_name, dependency = config.workforce_name, created
            self.portal.point_app_client_at_portal(
                self,
                pool=self.pool.pool,
                client=self.pool.client,
                client_settings=self.pool.client_settings,
                workforce=created,
            )
        elif mode is WorkforceMode.EXISTING_COGNITO:
            # The account's existing workforce (the console's, or another stack's): teams attach to it.
            pool_id, client_id = config.workforce.user_pool_id, config.workforce.client_id
        else:
            oidc = config.workforce.oidc
            assert oidc is not None  # guaranteed by config validation
            created = OidcWorkforce(
                self,
                "Workforce",
                workforce_name=config.workforce_name,
                issuer=oidc.issuer,
                authorization_endpoint=oidc.authorization_endpoint,
                token_endpoint=oidc.token_endpoint,
                user_info_endpoint=oidc.user_info_endpoint,
                logout_endpoint=oidc.logout_endpoint,
                jwks_uri=oidc.jwks_uri,
                client_id=oidc.client_id,
                client_secret_name=oidc.client_secret_name,
                client_secret_json_key=oidc.client_secret_json_key,
                scope_value=oidc.scope,
                source_ip_cidrs=config.workforce.source_ip_cidrs,
            ).workforce
            workforce_name, dependency = config.workforce_name, created

        self.teams: dict[str, PrivateWorkTeam] = {}
        for team in config.teams:
            work_team = PrivateWorkTeam(
                self,
                f"Team-{team.name}",
                workteam_name=config.workteam_name(team.name),
                topic_name=config.team_topic_name(team.name),
                description=team.description,
                workforce_name=workforce_name,
                user_pool_id=pool_id,
                client_id=client_id,
                oidc_groups=team.oidc_groups,
                workers=team.workers,
                topic_encryption_key=topic_key,
                portal=self.portal,
            )
            if dependency is not None:
                work_team.workteam.add_resource_dependency(dependency)
            self.teams[team.name] = work_team
            cdk.CfnOutput(self, f"WorkteamArn-{team.name}", value=work_team.workteam_arn)
            cdk.CfnOutput(
                self,
                f"WorkerPortalUrl-{team.name}",
                value=work_team.portal_url,
                description=f"Where the {team.name} workers sign in",
            )

        if pool_id is not None:
            WorkerDirectory(
                self,
                "WorkerDirectory",
                user_pool_id=pool_id,
                teams=[
                    TeamMembers(
                        team=team.name, group_name=self.teams[team.name].group_name, emails=team.workers
                    )
                    for team in config.teams
                ],
                invite_after=[work_team.workteam for work_team in self.teams.values()],
            )
        if self.pool is not None:
            cdk.CfnOutput(self, "UserPoolId", value=self.pool.pool.user_pool_id)
