"""A Lambda function from `lambda/<folder>/handler.py` bundled with the shared packages.

Every function gets `gt_rules` (the Ground Truth rules) and `gt_runtime` (its AWS clients and
shared calls) beside its handler. Bundling is local (a plain copy), so synth needs neither Docker
nor the network, and the asset hash is taken from the bundled output: a change to a shared
package alone redeploys every function.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .nag import acknowledge_wildcards

REPO_ROOT = Path(__file__).resolve().parent.parent
LAMBDA_ROOT = REPO_ROOT / "lambda"
SHARED_PACKAGES = (REPO_ROOT / "gt_rules", REPO_ROOT / "gt_runtime")
# The newest Python runtime this aws-cdk-lib knows (cdk-nag L1 flags older ones).
PYTHON_RUNTIME = lambda_.Runtime.PYTHON_3_14
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


@jsii.implements(cdk.ILocalBundling)
class _CopyHandlerAndRules:
    def __init__(self, function_dir: Path) -> None:
        self._function_dir = function_dir

    def try_bundle(self, output_dir: str, *, image: cdk.DockerImage, **_: object) -> bool:
        out = Path(output_dir)
        shutil.copytree(self._function_dir, out, dirs_exist_ok=True, ignore=_IGNORED)
        for package in SHARED_PACKAGES:
            shutil.copytree(package, out / package.name, dirs_exist_ok=True, ignore=_IGNORED)
        return True


def bundled_code(function_dir: str) -> lambda_.Code:
    source = LAMBDA_ROOT / function_dir
    if not (source / "handler.py").is_file():
        raise FileNotFoundError(f"no handler.py in {source}")
    return lambda_.Code.from_asset(
        str(source),
        asset_hash_type=cdk.AssetHashType.OUTPUT,
        bundling=cdk.BundlingOptions(
            # Never pulled: local bundling always succeeds. CDK requires an image to be named.
            image=cdk.DockerImage.from_registry("local-bundling-only"),
            local=_CopyHandlerAndRules(source),
        ),
    )


class PythonHandlerFunction(Construct):
    """A handler with its own log group (retention set, removed with the stack)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_dir: str,
        handler: str = "handler.on_event",
        description: str,
        environment: dict[str, str] | None = None,
        timeout_seconds: int = 300,
        memory_size: int = 256,
        ephemeral_storage_mib: int = 512,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        dead_letter_queue: sqs.IQueue | None = None,
        async_retry_attempts: int | None = None,
    ) -> None:
        """`dead_letter_queue` and `async_retry_attempts` only matter for asynchronous invocations
        (EventBridge, S3): the events the function still failed on after its retries go there."""
        super().__init__(scope, construct_id)
        self.function_dir, self.handler = function_dir, handler  # tests check the entry point exists
        self.log_group = logs.LogGroup(
            self, "Logs", retention=log_retention, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        # Our own role, scoped to this function's log group, instead of the AWS managed
        # AWSLambdaBasicExecutionRole (which may write to any log group).
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=description[:1000],
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=PYTHON_RUNTIME,
            code=bundled_code(function_dir),
            handler=handler,
            description=description,
            environment=environment or {},
            timeout=cdk.Duration.seconds(timeout_seconds),
            memory_size=memory_size,
            ephemeral_storage_size=cdk.Size.mebibytes(ephemeral_storage_mib),
            log_group=self.log_group,
            role=self.role,
            architecture=lambda_.Architecture.ARM_64,
            dead_letter_queue=dead_letter_queue,
            retry_attempts=async_retry_attempts,
        )

    def allow(
        self,
        *actions: str,
        resources: Sequence[str],
        reason: str | None = None,
        conditions: Mapping[str, Any] | None = None,
        sid: str | None = None,
    ) -> None:
        """Let the function call `actions` on `resources`. A wildcard resource needs `reason`,
        which becomes the cdk-nag acknowledgement beside the grant."""
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                sid=sid,
                actions=list(actions),
                resources=list(resources),
                conditions=dict(conditions) if conditions else None,
            )
        )
        acknowledge_wildcards(self.role, resources, reason)
