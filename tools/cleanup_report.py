"""What of an environment is still in the account, and roughly what it costs a month.

    python -m tools.cleanup_report --name-prefix gtlab-dev --region us-east-1

Finds our resources by name prefix (`<project>-<env>`, the start of every stack and so of every
generated name) and by the environment tags of gt_rules.project; prints a table (kind, name,
rough monthly cost, note) and a total. Exit 0: nothing left; 1: something is left, or a service
could not be checked; 2: no usable credentials or no connection (one sentence, no traceback).
Read-only: it never changes anything.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TextIO

import boto3
from botocore import exceptions as bx
from botocore.config import Config

from gt_rules.cost import PRICING_NOTE, cost_note, monthly_cost
from gt_rules.lifecycle import RUNNING_STATUSES
from gt_rules.naming import is_environment_job
from gt_rules.project import (
    ENVIRONMENT_TAG_KEY,
    LABELING_JOB_LOG_GROUP,
    PROJECT_TAG_KEY,
    STREAMING_QUEUE_PREFIX,
)
from gt_rules.project import (
    name_prefix as make_name_prefix,
)
from gt_rules.reaper import environment_jobs, list_requests, name_prefix_violations
from gt_rules.retry import error_code, error_message
from tools.aws_access import ACCESS_DENIED_CODES, cannot_run_message, no_credentials_message

BOTO_CONFIG = Config(retries={"mode": "standard"})
GB = 1024**3

TOOL = "cleanup report"
NO_CREDENTIALS = no_credentials_message(TOOL)


class CannotRun(Exception):
    """The report cannot run at all (credentials, connection); the message is the one sentence to print."""


@dataclass(frozen=True)
class Finding:
    """One resource of ours still in the account."""

    kind: str  # a key of gt_rules.cost.MONTHLY_COSTS
    name: str
    monthly_usd: float | None  # None: usage-based or unknown, see note
    note: str = ""
    ident: str = ""  # identity used to avoid listing a resource twice (name or ARN)
    blocking: bool = True  # False: already on its way out (a key pending deletion): not "left"


def _finding(kind: str, name: str, *, ident: str = "", note: str = "", stored_gb: float = 0.0) -> Finding:
    return Finding(
        kind, name, monthly_cost(kind, stored_gb=stored_gb), note or cost_note(kind), ident or name
    )


def is_ours(name: str, name_prefix: str) -> bool:
    """`name` is the prefix itself or starts with `<prefix>-` (so `gtlab-devx-...` is not ours).

    Case-insensitive: bucket and job names are lowercased forms of the prefix.
    """
    name, name_prefix = name.lower(), name_prefix.lower()
    return name == name_prefix or name.startswith(name_prefix + "-")


def _pages(client: Any, operation: str, **kwargs: Any) -> Iterable[dict[str, Any]]:
    return client.get_paginator(operation).paginate(**kwargs)


# --- finders: one per service, each takes a boto3 client and returns findings -----------------


def find_buckets(s3: Any, name_prefix: str) -> list[Finding]:
    """Buckets CloudFormation named after our stacks: `<prefix>-<stack>-<logicalid>-<random>`, lowercased."""
    findings = []
    for page in _pages(s3, "list_buckets"):
        for bucket in page.get("Buckets", []):
            name = bucket["Name"]
            if not is_ours(name, name_prefix):
                continue
            try:
                empty = s3.list_objects_v2(Bucket=name, MaxKeys=1).get("KeyCount", 0) == 0
                contents = "empty" if empty else "holds objects"
            except bx.ClientError as exc:
                contents = f"contents not readable ({error_code(exc)})"
            findings.append(_finding("s3_bucket", name, note=f"{contents}; {cost_note('s3_bucket')}"))
    return findings


def find_user_pools(cognito: Any, name_prefix: str) -> list[Finding]:
    findings = []
    for page in _pages(cognito, "list_user_pools", MaxResults=60):
        for pool in page.get("UserPools", []):
            if is_ours(pool["Name"], name_prefix):
                findings.append(
                    _finding(
                        "cognito_user_pool",
                        f"{pool['Name']} ({pool['Id']})",
                        ident=pool["Id"],
                        note=f"CDK keeps pools on destroy by default; {cost_note('cognito_user_pool')}",
                    )
                )
    return findings


def find_topics(sns: Any, name_prefix: str) -> list[Finding]:
    findings = []
    for page in _pages(sns, "list_topics"):
        for topic in page.get("Topics", []):
            arn = topic["TopicArn"]
            if is_ours(arn.rsplit(":", 1)[-1], name_prefix):
                findings.append(_finding("sns_topic", arn.rsplit(":", 1)[-1], ident=arn))
    return findings


def find_queues(sqs: Any, name_prefix: str) -> list[Finding]:
    """Our stacks' queues and the `GroundTruth-<job>` queues streaming jobs leave behind
    (docs/ground-truth.md#stop-and-delete)."""
    findings: dict[str, Finding] = {}
    # SQS prefixes are case-sensitive: stack-named queues keep the prefix's case, job queues are lowercase.
    for list_prefix in dict.fromkeys((name_prefix, STREAMING_QUEUE_PREFIX + name_prefix.lower())):
        for page in _pages(sqs, "list_queues", QueueNamePrefix=list_prefix, MaxResults=1000):
            for url in page.get("QueueUrls", []):
                name = url.rstrip("/").rsplit("/", 1)[-1]
                if is_ours(name.removeprefix(STREAMING_QUEUE_PREFIX), name_prefix):
                    note = (
                        "left by a streaming labeling job" if name.startswith(STREAMING_QUEUE_PREFIX) else ""
                    )
                    findings[name] = _finding("sqs_queue", name, note=note or cost_note("sqs_queue"))
    return list(findings.values())


def find_log_groups(logs: Any, name_prefix: str) -> list[Finding]:
    """Our functions' log groups (`/aws/lambda/<function>`; functions are named after our stacks)."""
    findings = []
    for page in _pages(logs, "describe_log_groups", logGroupNamePrefix=f"/aws/lambda/{name_prefix}"):
        for group in page.get("logGroups", []):
            name = group["logGroupName"]
            if not is_ours(name.removeprefix("/aws/lambda/"), name_prefix):
                continue
            gb = group.get("storedBytes", 0) / GB
            findings.append(
                _finding(
                    "log_group", name, stored_gb=gb, note=f"{gb:.3f} GB stored; {cost_note('log_group')}"
                )
            )
    return findings


def find_job_log_streams(logs: Any, name_prefix: str) -> list[Finding]:
    """Our jobs' streams in the labeling-job log group, which Ground Truth (not CloudFormation) made."""
    findings = []
    try:
        for page in _pages(
            logs,
            "describe_log_streams",
            logGroupName=LABELING_JOB_LOG_GROUP,
            logStreamNamePrefix=name_prefix.lower(),
        ):
            for stream in page.get("logStreams", []):
                name = stream["logStreamName"]
                if is_environment_job(name, name_prefix):
                    findings.append(
                        _finding("log_stream", f"{LABELING_JOB_LOG_GROUP}:{name}", note="a job's log stream")
                    )
    except bx.ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        # No labeling job ever ran in this Region: no group, nothing of ours in it.
    return findings


def find_running_jobs(sagemaker: Any, name_prefix: str) -> list[Finding]:
    """Labeling jobs cannot be deleted (docs/ground-truth.md#stop-and-delete); only running ones matter: they
    bill and hold workers."""
    summaries: list[dict[str, Any]] = []
    for request in list_requests(name_prefix):
        for page in _pages(sagemaker, "list_labeling_jobs", **request):
            summaries.extend(page.get("LabelingJobSummaryList", []))
    return [
        _finding(
            "labeling_job",
            job["LabelingJobName"],
            note=f"{job['LabelingJobStatus']}: stop it; {cost_note('labeling_job')}",
        )
        for job in environment_jobs(summaries, name_prefix)
        if job.get("LabelingJobStatus") in RUNNING_STATUSES
    ]


def find_budgets(budgets: Any, account_id: str, name_prefix: str) -> list[Finding]:
    findings = []
    try:
        for page in _pages(budgets, "describe_budgets", AccountId=account_id):
            for budget in page.get("Budgets", []):
                if is_ours(budget["BudgetName"], name_prefix):
                    findings.append(_finding("budget", budget["BudgetName"]))
    except bx.ClientError as exc:
        # DescribeBudgets answers NotFoundException when the account has no budget at all.
        if error_code(exc) != "NotFoundException":
            raise
    return findings


def classify_arn(arn: str) -> tuple[str, str, str] | None:
    """(cost kind, identity, display name) for a tagged ARN; None for what is never "left over"."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ("other", arn, arn)
    service, resource = parts[2], parts[5]
    kind_by_resource = [
        ("kms", "key/", "kms_key"),
        ("cognito-idp", "userpool/", "cognito_user_pool"),
        ("secretsmanager", "secret:", "secret"),
        ("lambda", "function:", "lambda_function"),
        ("events", "rule/", "eventbridge_rule"),
        ("ec2", "natgateway/", "nat_gateway"),
        ("ec2", "vpc-endpoint/", "interface_endpoint"),
        ("cloudwatch", "alarm:", "cloudwatch_alarm"),
        ("cloudwatch", "dashboard/", "cloudwatch_dashboard"),
        ("budgets", "budget/", "budget"),
        ("sagemaker", "workteam/", "workteam"),
    ]
    if service == "sagemaker" and resource.startswith("labeling-job/"):
        # Jobs cannot be deleted and keep their tags forever (docs/ground-truth.md#stop-and-delete); running
        # ones are listed by SageMaker.
        return None
    if service == "s3":
        return ("s3_bucket", resource, resource)
    if service == "sqs":
        return ("sqs_queue", resource, resource)
    if service == "sns":
        return ("sns_topic", arn, resource)
    if service == "logs" and resource.startswith("log-group:"):
        name = resource.removeprefix("log-group:").removesuffix(":*")
        return ("log_group", name, name)
    for svc, start, kind in kind_by_resource:
        if service == svc and resource.startswith(start):
            short = resource[len(start) :]
            if kind == "cognito_user_pool":
                return (kind, short, short)  # identity = pool id, as find_user_pools uses
            if kind == "budget":
                return (kind, short, short)
            return (kind, arn, short)
    return ("other", arn, f"{service}:{resource}")


def find_tagged_resources(
    tagging: Any, name_prefix: str, *, kms: Any = None, environment: str | None = None
) -> list[Finding]:
    """Everything tagged as this environment (Resource Groups Tagging API), KMS keys above all.

    Assumes the tag values are the project prefix and the environment name, so that
    `<project tag>-<environment tag>` is the name prefix (gt_rules.project.name_prefix).
    """
    tag_filter: dict[str, Any] = {"Key": ENVIRONMENT_TAG_KEY}
    if environment:
        tag_filter["Values"] = [environment]
    findings = []
    for page in _pages(tagging, "get_resources", TagFilters=[tag_filter]):
        for mapping in page.get("ResourceTagMappingList", []):
            tags = {t["Key"]: t["Value"] for t in mapping.get("Tags", [])}
            project, env = tags.get(PROJECT_TAG_KEY), tags.get(ENVIRONMENT_TAG_KEY)
            if project is None or env is None or make_name_prefix(project, env) != name_prefix:
                continue
            arn = mapping["ResourceARN"]
            classified = classify_arn(arn)
            if classified is None:
                continue
            kind, ident, display = classified
            finding = _finding(kind, display, ident=ident, note=f"tagged; {cost_note(kind)}")
            if kind == "kms_key" and kms is not None:
                finding = _key_state(kms, arn, finding)
            findings.append(finding)
    return findings


def _key_state(kms: Any, arn: str, finding: Finding) -> Finding:
    try:
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
    except bx.ClientError as exc:
        return replace(finding, note=f"{finding.note}; state unknown ({error_code(exc)})")
    if meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
        when = meta.get("DeletionDate")
        date = when.strftime("%Y-%m-%d") if hasattr(when, "strftime") else "soon"
        # KMS does not charge for keys scheduled for deletion; nothing more to do but wait.
        return replace(finding, monthly_usd=0.0, note=f"scheduled for deletion on {date}", blocking=False)
    return replace(finding, note=f"{meta.get('KeyState', '?')}; {cost_note('kms_key')}")


# --- collecting and rendering ------------------------------------------------------------------


@dataclass
class Clients:
    sts: Any
    s3: Any
    cognito: Any
    sns: Any
    sqs: Any
    logs: Any
    tagging: Any
    kms: Any
    sagemaker: Any
    budgets: Any


def build_clients(session: Any) -> Clients:
    def make(service: str) -> Any:
        return session.client(service, config=BOTO_CONFIG)

    return Clients(
        sts=make("sts"),
        s3=make("s3"),
        cognito=make("cognito-idp"),
        sns=make("sns"),
        sqs=make("sqs"),
        logs=make("logs"),
        tagging=make("resourcegroupstaggingapi"),
        kms=make("kms"),
        sagemaker=make("sagemaker"),
        budgets=make("budgets"),
    )


def _cannot_run(exc: BaseException) -> CannotRun | None:
    """The one sentence for errors that make the whole report impossible, else None."""
    message = cannot_run_message(exc, TOOL)
    return CannotRun(message) if message else None


def collect_findings(
    clients: Clients, name_prefix: str, *, environment: str | None = None
) -> tuple[list[Finding], list[str]]:
    """(findings, problems). Raises CannotRun when nothing can be checked at all."""
    try:
        account_id = clients.sts.get_caller_identity()["Account"]
    except Exception as exc:
        cannot = _cannot_run(exc)
        if cannot:
            raise cannot from None
        raise

    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("S3 buckets", lambda: find_buckets(clients.s3, name_prefix)),
        ("Cognito user pools", lambda: find_user_pools(clients.cognito, name_prefix)),
        ("SNS topics", lambda: find_topics(clients.sns, name_prefix)),
        ("SQS queues", lambda: find_queues(clients.sqs, name_prefix)),
        ("CloudWatch log groups", lambda: find_log_groups(clients.logs, name_prefix)),
        ("labeling-job log streams", lambda: find_job_log_streams(clients.logs, name_prefix)),
        ("running labeling jobs", lambda: find_running_jobs(clients.sagemaker, name_prefix)),
        ("budgets", lambda: find_budgets(clients.budgets, account_id, name_prefix)),
        (
            "tagged resources (KMS keys and others)",
            lambda: find_tagged_resources(
                clients.tagging, name_prefix, kms=clients.kms, environment=environment
            ),
        ),
    ]
    findings: list[Finding] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for what, check in checks:
        try:
            found = check()
        except Exception as exc:
            cannot = _cannot_run(exc)
            if cannot:
                raise cannot from None
            code = error_code(exc)
            if code in ACCESS_DENIED_CODES:
                problems.append(f"Could not check {what}: access denied ({code}).")
            else:
                problems.append(f"Could not check {what}: {code or type(exc).__name__}: {error_message(exc)}")
            continue
        for finding in found:
            # The tag search finds again what the name searches found: list each resource once.
            key = (finding.kind, finding.ident or finding.name)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings, problems


def _money(value: float | None) -> str:
    return "usage" if value is None else f"{value:.2f}"


def render_report(findings: Sequence[Finding], *, problems: Sequence[str] = (), name_prefix: str = "") -> str:
    """The table (kind, name, rough monthly USD, note), the total and any services not checked."""
    who = f" of {name_prefix}" if name_prefix else ""
    lines: list[str] = []
    if findings:
        header = ("KIND", "NAME", "USD/MONTH", "NOTE")
        rows = [(f.kind, f.name, _money(f.monthly_usd), f.note) for f in findings]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            lines.append(
                f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip()
            )
        total = sum(f.monthly_usd or 0.0 for f in findings)
        usage = sum(1 for f in findings if f.monthly_usd is None)
        left = sum(1 for f in findings if f.blocking)
        extra = f" + usage-based charges of {usage} item(s)" if usage else ""
        lines.append("")
        lines.append(f"Total: about {total:.2f} USD a month{extra} ({PRICING_NOTE}).")
        lines.append(f"{left} resource(s){who} still in the account.")
        if left < len(findings):
            lines.append(f"{len(findings) - left} more on their way out (no further action needed).")
    else:
        lines.append(f"Nothing{who} found in the account.")
    if problems:
        lines.append("")
        lines.append("Not checked, so the report is incomplete:")
        lines.extend(f"- {p}" for p in problems)
    return "\n".join(lines) + "\n"


def run_report(clients: Clients, name_prefix: str, *, out: TextIO, environment: str | None = None) -> int:
    """Print the report; 0 nothing left, 1 something left or not checked. Raises CannotRun."""
    findings, problems = collect_findings(clients, name_prefix, environment=environment)
    out.write(render_report(findings, problems=problems, name_prefix=name_prefix))
    return 1 if problems or any(f.blocking for f in findings) else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.cleanup_report",
        description="List what of an environment is still in the AWS account and its rough monthly cost.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--env", help="an environment of config/ (its prefix and Region come from there)")
    target.add_argument("--name-prefix", help="<project>-<env>, e.g. gtlab-dev")
    parser.add_argument(
        "--region", default=None, help="AWS Region (default: from the AWS profile or AWS_REGION)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    environment = None
    if args.env:
        from gt_config import ConfigError, load_environment

        try:
            config = load_environment(args.env)
        except ConfigError as error:
            print(error, file=sys.stderr)
            return 2
        args.name_prefix, environment = config.name_prefix, config.name
        args.region = args.region or config.region
    violations = name_prefix_violations(args.name_prefix, "--name-prefix")
    if violations:
        print("; ".join(str(v) for v in violations), file=sys.stderr)
        return 2
    try:
        session = boto3.Session(region_name=args.region)
        if not session.region_name:
            print("No AWS Region set: pass --region or set AWS_REGION and try again.", file=sys.stderr)
            return 2
        return run_report(build_clients(session), args.name_prefix, out=sys.stdout, environment=environment)
    except CannotRun as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except Exception as exc:
        cannot = _cannot_run(exc)
        if cannot is None:
            raise
        print(str(cannot), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
