"""What every stack of an environment shares: naming, tags and the deployment environment."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from gt_config import EnvironmentConfig
from gt_rules.project import ENVIRONMENT_TAG_KEY, PROJECT_TAG_KEY


class EnvironmentStack(cdk.Stack):
    def __init__(
        self, scope: Construct, *, config: EnvironmentConfig, component: str, description: str
    ) -> None:
        super().__init__(
            scope,
            config.stack_name(component),
            stack_name=config.stack_name(component),
            description=f"gt-labeling-stack {config.name}: {description}",
            env=cdk.Environment(account=config.account, region=config.region),
        )
        self.config = config
        cdk.Tags.of(self).add(PROJECT_TAG_KEY, config.project_prefix)
        cdk.Tags.of(self).add(ENVIRONMENT_TAG_KEY, config.name)
        for key, value in config.tags.items():
            cdk.Tags.of(self).add(key, value)

    @property
    def removal_policy(self) -> cdk.RemovalPolicy:
        return cdk.RemovalPolicy.RETAIN if self.config.retain_data else cdk.RemovalPolicy.DESTROY
