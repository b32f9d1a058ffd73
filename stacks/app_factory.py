"""Builds the CDK app of one environment: every stack, wired, with cdk-nag on all of them."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from gt_config import EnvironmentConfig

from .labeling_stack import LabelingStack
from .storage_stack import StorageStack
from .teardown_stack import TeardownStack
from .workforce_stack import WorkforceStack

REPO_ROOT = Path(__file__).resolve().parent.parent


class EnvironmentStacks:
    def __init__(self, app: cdk.App, config: EnvironmentConfig) -> None:
        self.storage = StorageStack(app, config=config)
        self.workforce = WorkforceStack(app, config=config, topic_key=self.storage.encryption_key)
        self.labeling = LabelingStack(
            app,
            config=config,
            encryption_key=self.storage.encryption_key,
            execution_role=self.storage.execution_role.role,
            workteam_arns={name: team.workteam_arn for name, team in self.workforce.teams.items()},
        )
        # Jobs stop before the work team they use is deleted: destroy removes labeling first.
        self.labeling.add_stack_dependency(self.workforce)
        self.labeling.add_stack_dependency(self.storage)  # the bucket imports carry no implicit dependency
        self.teardown = TeardownStack(
            app,
            config=config,
            job_arn_pattern=self.labeling.job_arn_pattern,
            report_topic=self.labeling.notifications.topic,
            topic_key=self.storage.encryption_key,
        )
        # Destroyed first: its clean-up stops running jobs while their work teams still exist.
        for stack in (self.labeling, self.workforce, self.storage):
            self.teardown.add_stack_dependency(stack)

    @property
    def all(self) -> list[cdk.Stack]:
        return [self.storage, self.workforce, self.labeling, self.teardown]


# CDK's feature flags, settled in cdk.json as CDK recommends for a new app (the CLI passes them to
# app.py); read from there too when tests build the app directly, so both behave the same.
# Cross-stack references are set to "strong" on purpose: the stacks deploy and destroy in a fixed
# order, and an export in use protects the data stacks from an accidental single-stack delete.
FEATURE_FLAGS: dict[str, object] = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]


def build_app(
    config: EnvironmentConfig, *, outdir: str | None = None, nag: bool = True
) -> tuple[cdk.App, EnvironmentStacks]:
    app = cdk.App(outdir=outdir, context={**FEATURE_FLAGS, "env": config.name})
    stacks = EnvironmentStacks(app, config)
    if nag:
        # cdk-nag 3: a validation plugin; unacknowledged findings make synth raise ValidationFailed.
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stacks
