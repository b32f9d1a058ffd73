"""`make preflight ENV=...`: is this AWS account ready for `make deploy` of an environment?

    python -m tools.preflight --env dev

Read-only checks, one line each with PASS or FAIL and, when it fails, what to do:

1. credentials: whose they are (STS GetCallerIdentity) and whether the account is the config's;
2. the Region is one where Ground Truth runs;
3. CDK bootstrap in that account and Region (SSM parameter /cdk-bootstrap/hnb659fds/version,
   else the CDKToolkit stack), at least the version our templates require;
4. the Region's private workforce (one per account and Region) fits the config's workforce mode;
5. Ground Truth answers this account (ListLabelingJobs, MaxResults=1): it closed to new AWS
   customers on 2026-07-30, so an account that never used it is refused;
6. no placeholder email addresses (example.com and the other RFC 2606 names) left in the config.

Exit 0: every check passed; 1: a check failed; 2: could not run (no credentials, no connection,
invalid config), said in one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import boto3
from botocore import exceptions as bx
from botocore.config import Config

from gt_config import ConfigError, EnvironmentConfig, load_environment
from gt_config.addresses import placeholder_addresses
from gt_config.models import WorkforceMode
from gt_rules.regions import SUPPORTED_REGIONS, region_violations
from gt_rules.retry import error_code, error_message
from tools.aws_access import cannot_run_message

TOOL = "preflight"
NEEDS = "credentials of the account you will deploy to"
# CDK's default bootstrap qualifier; our app does not change it.
BOOTSTRAP_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
BOOTSTRAP_STACK = "CDKToolkit"
# Every synthesized template asserts this minimum (its CheckBootstrapVersion rule).
MIN_BOOTSTRAP_VERSION = 6
# As the SageMaker Developer Guide's Ground Truth pages say, e.g.
# https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data.html
GROUND_TRUTH_CLOSED = (
    "Ground Truth closed to new AWS customers on 2026-07-30: only accounts that used it before can "
    "create labeling jobs. Use such an account; this one cannot run the labeling jobs"
)
# IAM's own denial names the principal and the action; anything else that refuses a harmless
# read is taken as the account being refused the service. ASSUMPTION: AWS does not document the
# exact error a new account gets from Ground Truth; both readings are reported.
_IAM_DENIAL_PHRASE = "is not authorized to perform"
_ACCOUNT_REFUSED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "OptInRequired",
        "SubscriptionRequiredException",
        "UnauthorizedOperation",
    }
)
_HEALTHY_STACK_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"})


class CannotRun(Exception):
    """The checks cannot run at all; the message is the one line to print."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    found: str
    todo: str = ""

    def line(self, width: int = 15) -> str:
        text = f"{'PASS' if self.passed else 'FAIL'}  {self.name:<{width}}  {self.found}"
        return f"{text} -> {self.todo}" if self.todo else text


@dataclass(frozen=True)
class Clients:
    sts: Any
    ssm: Any
    cloudformation: Any
    sagemaker: Any


def build_clients(session: Any) -> Clients:
    config = Config(retries={"mode": "standard"})

    def make(service: str) -> Any:
        return session.client(service, config=config)

    return Clients(make("sts"), make("ssm"), make("cloudformation"), make("sagemaker"))


def _stop_if_cannot_run(exc: BaseException) -> None:
    message = cannot_run_message(exc, TOOL, NEEDS)
    if message is not None:
        raise CannotRun(message) from None


def _could_not_check(name: str, exc: BaseException, permission: str) -> CheckResult:
    _stop_if_cannot_run(exc)
    return CheckResult(
        name,
        False,
        f"could not check ({error_code(exc) or type(exc).__name__}: {error_message(exc)})",
        f"allow {permission} for these credentials and run again",
    )


# --- the checks ---------------------------------------------------------------------------------


def check_credentials(sts: Any, config: EnvironmentConfig) -> CheckResult:
    try:
        identity = sts.get_caller_identity()
    except (bx.BotoCoreError, bx.ClientError) as exc:
        _stop_if_cannot_run(exc)
        return _could_not_check("credentials", exc, "sts:GetCallerIdentity")
    account, arn = str(identity["Account"]), str(identity.get("Arn", ""))
    found = f"account {account} ({arn})"
    if config.account is None:
        return CheckResult(
            "credentials", True, f"{found}; config/{config.name}.toml sets no account, so this one"
        )
    if config.account == account:
        return CheckResult("credentials", True, f"{found}, the account config/{config.name}.toml names")
    return CheckResult(
        "credentials",
        False,
        f"{found}, but config/{config.name}.toml names account {config.account}",
        "use credentials of that account (AWS_PROFILE=...) or change `account` in the config",
    )


def check_region(config: EnvironmentConfig) -> CheckResult:
    if not region_violations(config.region):
        return CheckResult("region", True, f"{config.region}: Ground Truth runs there")
    return CheckResult(
        "region",
        False,
        f"{config.region}: Ground Truth does not run there",
        f"set `region` in config/{config.name}.toml to one of {', '.join(SUPPORTED_REGIONS)}",
    )


def check_bootstrap(ssm: Any, cloudformation: Any, config: EnvironmentConfig) -> CheckResult:
    """CDK's bootstrap version parameter, else its stack (a custom bootstrap may lack the parameter)."""
    name = "cdk bootstrap"
    how = f"run `make bootstrap ENV={config.name}` (once per account and Region)"
    try:
        version = ssm.get_parameter(Name=BOOTSTRAP_PARAMETER)["Parameter"]["Value"]
    except (bx.BotoCoreError, bx.ClientError) as exc:
        _stop_if_cannot_run(exc)
        parameter_problem = error_code(exc)
    else:
        if not str(version).isdigit() or int(version) < MIN_BOOTSTRAP_VERSION:
            return CheckResult(
                name,
                False,
                f"bootstrap version {version} in {config.region}; "
                f"our templates need {MIN_BOOTSTRAP_VERSION} or later",
                how,
            )
        return CheckResult(name, True, f"bootstrap version {version} in {config.region}")
    try:
        stacks = cloudformation.describe_stacks(StackName=BOOTSTRAP_STACK)["Stacks"]
    except (bx.BotoCoreError, bx.ClientError) as exc:
        _stop_if_cannot_run(exc)
        if error_code(exc) == "ValidationError" and "does not exist" in error_message(exc):
            return CheckResult(name, False, f"not bootstrapped in {config.region}", how)
        return _could_not_check(name, exc, "ssm:GetParameter and cloudformation:DescribeStacks")
    status = str(stacks[0].get("StackStatus", "")) if stacks else ""
    if status in _HEALTHY_STACK_STATUSES:
        return CheckResult(
            name,
            True,
            f"{BOOTSTRAP_STACK} stack {status} in {config.region} (version parameter: {parameter_problem})",
        )
    return CheckResult(
        name, False, f"{BOOTSTRAP_STACK} stack is {status or 'missing'} in {config.region}", how
    )


def check_workforce(sagemaker: Any, config: EnvironmentConfig) -> CheckResult:
    """One private workforce per account and Region: does the config's mode fit what is there?"""
    name = "workforce"
    try:
        workforces = sagemaker.list_workforces(MaxResults=10).get("Workforces", [])
    except (bx.BotoCoreError, bx.ClientError) as exc:
        return _could_not_check(name, exc, "sagemaker:ListWorkforces")
    mode = config.workforce.mode
    where = f"{config.region}"
    file = f"config/{config.name}.toml"
    if not workforces:
        if mode is WorkforceMode.EXISTING_COGNITO:
            return CheckResult(
                name,
                False,
                f"no private workforce in {where}, but workforce.mode is 'existing_cognito'",
                f'set workforce.mode = "cognito" in {file} to create one',
            )
        return CheckResult(name, True, f"none in {where} yet: deploy creates {config.workforce_name}")
    existing = workforces[0]
    existing_name = str(existing.get("WorkforceName", ""))
    cognito = existing.get("CognitoConfig") or {}
    oidc = existing.get("OidcConfig") or {}
    pool, client = str(cognito.get("UserPool", "")), str(cognito.get("ClientId", ""))
    if cognito:
        described = f"workforce {existing_name} (Cognito user pool {pool}, app client {client})"
    else:
        described = f"workforce {existing_name} (OIDC issuer {oidc.get('Issuer', '?')})"
    if mode in (WorkforceMode.COGNITO, WorkforceMode.OIDC):
        if existing_name == config.workforce_name:
            return CheckResult(name, True, f"{described} in {where} is ours (an earlier deploy)")
        if cognito:
            todo = (
                f'in {file} set workforce.mode = "existing_cognito", user_pool_id = "{pool}", '
                f'client_id = "{client}"'
            )
        else:
            todo = (
                "this project joins only an existing Cognito workforce: deploy in another Region or "
                "delete that workforce (its work teams first)"
            )
        return CheckResult(
            name,
            False,
            f"{described} already exists in {where}; mode '{mode.value}' would create a second one and "
            "the deploy would fail (one per account and Region)",
            todo,
        )
    if not cognito:
        return CheckResult(
            name,
            False,
            f"{described} in {where} uses OIDC, but workforce.mode is 'existing_cognito'",
            "this project joins only an existing Cognito workforce: deploy in another Region",
        )
    if (config.workforce.user_pool_id, config.workforce.client_id) == (pool, client):
        return CheckResult(name, True, f"{described} in {where} matches the configured ids")
    return CheckResult(
        name,
        False,
        f"{described} in {where}, but {file} names user pool {config.workforce.user_pool_id}, "
        f"app client {config.workforce.client_id}",
        f'set user_pool_id = "{pool}" and client_id = "{client}" in {file}',
    )


def check_ground_truth(sagemaker: Any, config: EnvironmentConfig) -> CheckResult:
    """A harmless read that a refused account cannot make."""
    name = "ground truth"
    try:
        sagemaker.list_labeling_jobs(MaxResults=1)
    except (bx.BotoCoreError, bx.ClientError) as exc:
        _stop_if_cannot_run(exc)
        code, message = error_code(exc), error_message(exc)
        if _IAM_DENIAL_PHRASE in message:
            return CheckResult(
                name,
                False,
                f"IAM denies ListLabelingJobs ({code}: {message})",
                "allow sagemaker:ListLabelingJobs (deploying needs much more: use an administrator role); "
                f"if it is allowed, note: {GROUND_TRUTH_CLOSED}",
            )
        if code in _ACCOUNT_REFUSED_CODES or "customer" in message.lower():
            return CheckResult(
                name, False, f"the account is refused ({code}: {message})", GROUND_TRUTH_CLOSED
            )
        return _could_not_check(name, exc, "sagemaker:ListLabelingJobs")
    return CheckResult(name, True, f"ListLabelingJobs answers in {config.region}: this account can use it")


def check_addresses(config: EnvironmentConfig) -> CheckResult:
    found = placeholder_addresses(config)
    if not found:
        return CheckResult("email addresses", True, "no placeholder addresses in the config")
    listed = ", ".join(f"{path} = {address}" for path, address in found)
    return CheckResult(
        "email addresses",
        False,
        f"placeholder addresses (RFC 2606 names, mail to them never arrives): {listed}",
        f"replace them in config/{config.name}.toml with real addresses (workers, job owners, budget)",
    )


def run_checks(clients: Clients, config: EnvironmentConfig) -> list[CheckResult]:
    """Every check in order; raises CannotRun when AWS cannot be used at all."""
    checks: list[Callable[[], CheckResult]] = [
        lambda: check_credentials(clients.sts, config),
        lambda: check_region(config),
        lambda: check_bootstrap(clients.ssm, clients.cloudformation, config),
        lambda: check_workforce(clients.sagemaker, config),
        lambda: check_ground_truth(clients.sagemaker, config),
        lambda: check_addresses(config),
    ]
    return [check() for check in checks]


def render(results: Sequence[CheckResult], config: EnvironmentConfig) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"Preflight for environment {config.name} ({config.name_prefix}, {config.region}):"]
    lines += [result.line(width) for result in results]
    failed = sum(1 for r in results if not r.passed)
    if failed:
        lines.append(
            f"{failed} of {len(results)} checks failed: fix what each FAIL line says, then run it again."
        )
    else:
        lines.append(f"All {len(results)} checks passed: ready for `make deploy ENV={config.name}`.")
    return "\n".join(lines) + "\n"


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: Clients | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m tools.preflight",
        description="Check that an AWS account is ready for deploying an environment (read-only).",
    )
    parser.add_argument("--env", default=None, help="environment name (default: dev)")
    args = parser.parse_args(argv)
    try:
        config = load_environment(args.env)
    except ConfigError as error:
        print(error, file=err)
        return 2
    try:
        results = run_checks(clients or build_clients(boto3.Session(region_name=config.region)), config)
    except CannotRun as error:
        print(error, file=err)
        return 2
    out.write(render(results, config))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
