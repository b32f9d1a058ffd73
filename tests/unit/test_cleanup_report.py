"""Cleanup report: finders on moto (SageMaker through the Stubber), the table, exit codes, and the
no-credentials path."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws

from gt_rules.project import ENVIRONMENT_TAG_KEY, LABELING_JOB_LOG_GROUP, PROJECT_TAG_KEY
from tests.fakes import no_credentials
from tests.sagemaker_fakes import expect_listing, job_summary
from tools import cleanup_report
from tools.cleanup_report import Clients, Finding, classify_arn, render_report, run_report

PREFIX = "gtlab-dev"
ACCOUNT = "123456789012"  # moto's account
NOW = datetime(2026, 11, 22, tzinfo=UTC)
# Kept before any test replaces it, so helpers still build real clients.
BUILD_CLIENTS = cleanup_report.build_clients


def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _fake_credentials(monkeypatch)
    with mock_aws():
        yield


def stubbed_clients(jobs: list[dict[str, Any]] | None = None) -> tuple[Clients, Stubber]:
    """Real (moto) clients, except SageMaker answered by a Stubber with our running-job listing."""
    clients = BUILD_CLIENTS(boto3.Session(region_name="us-east-1"))
    stub = Stubber(clients.sagemaker)
    expect_listing(
        stub,
        prefix=PREFIX,
        initializing=[j for j in jobs or [] if j["LabelingJobStatus"] == "Initializing"],
        in_progress=[j for j in jobs or [] if j["LabelingJobStatus"] == "InProgress"],
    )
    stub.activate()
    return clients, stub


job = partial(job_summary, account=ACCOUNT, created=NOW)


def tags(project: str, env: str) -> list[dict[str, str]]:
    return [
        {"TagKey": PROJECT_TAG_KEY, "TagValue": project},
        {"TagKey": ENVIRONMENT_TAG_KEY, "TagValue": env},
    ]


def create_leftovers() -> dict[str, str]:
    """Resources of gtlab-dev and of neighbours (gtlab-devx, gtlab-prod, others)."""
    s3 = boto3.client("s3", region_name="us-east-1")
    for bucket in (
        "gtlab-dev-storage-inputbucket1a2b-xyz",
        "gtlab-devx-storage-inputbucket-abc",
        "someone-else",
    ):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="gtlab-dev-storage-inputbucket1a2b-xyz", Key="fashion/001.jpg", Body=b"x")
    cognito = boto3.client("cognito-idp", region_name="us-east-1")
    pool_id = cognito.create_user_pool(PoolName="gtlab-dev-workforce")["UserPool"]["Id"]
    cognito.create_user_pool(PoolName="gtlab-prod-workforce")
    sns = boto3.client("sns", region_name="us-east-1")
    sns.create_topic(Name="gtlab-dev-notifications-AB12")
    sns.create_topic(Name="gtlab-devx-notifications")
    sqs = boto3.client("sqs", region_name="us-east-1")
    for queue in (
        "GroundTruth-gtlab-dev-stream-1a2b3c4d",
        "gtlab-dev-dlq",
        "GroundTruth-gtlab-prod-x-1a2b3c4d",
    ):
        sqs.create_queue(QueueName=queue)
    logs = boto3.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/aws/lambda/gtlab-dev-labeling-jobfn-XYZ")
    logs.create_log_group(logGroupName="/aws/lambda/gtlab-devx-fn")
    logs.create_log_group(logGroupName=LABELING_JOB_LOG_GROUP)
    logs.create_log_stream(logGroupName=LABELING_JOB_LOG_GROUP, logStreamName="gtlab-dev-fashion-1a2b3c4d")
    logs.create_log_stream(logGroupName=LABELING_JOB_LOG_GROUP, logStreamName="gtlab-prod-fashion-1a2b3c4d")
    kms = boto3.client("kms", region_name="us-east-1")
    key_arn = kms.create_key(Tags=tags("gtlab", "dev"))["KeyMetadata"]["Arn"]
    kms.create_key(Tags=tags("gtlab", "prod"))
    kms.create_key(Tags=tags("gtlab", "devx"))
    budgets = boto3.client("budgets", region_name="us-east-1")
    for name in ("gtlab-dev-monthly", "gtlab-prod-monthly"):
        budgets.create_budget(
            AccountId=ACCOUNT,
            Budget={
                "BudgetName": name,
                "BudgetLimit": {"Amount": "5", "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
            },
        )
    return {"pool_id": pool_id, "key_arn": key_arn}


def by_kind(findings: list[Finding]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for f in findings:
        grouped.setdefault(f.kind, []).append(f.name)
    return grouped


def test_lists_ours_with_costs_and_not_the_neighbours(aws: None) -> None:
    ids = create_leftovers()
    clients, stub = stubbed_clients([job("gtlab-dev-fashion-1a2b3c4d"), job("gtlab-devx-a-1a2b3c4d")])

    findings, problems = cleanup_report.collect_findings(clients, PREFIX)

    stub.assert_no_pending_responses()
    assert problems == []
    key_id = ids["key_arn"].rsplit("/", 1)[-1]
    assert by_kind(findings) == {
        "s3_bucket": ["gtlab-dev-storage-inputbucket1a2b-xyz"],
        "cognito_user_pool": [f"gtlab-dev-workforce ({ids['pool_id']})"],
        "sns_topic": ["gtlab-dev-notifications-AB12"],
        "sqs_queue": ["gtlab-dev-dlq", "GroundTruth-gtlab-dev-stream-1a2b3c4d"],
        "log_group": ["/aws/lambda/gtlab-dev-labeling-jobfn-XYZ"],
        "log_stream": [f"{LABELING_JOB_LOG_GROUP}:gtlab-dev-fashion-1a2b3c4d"],
        "labeling_job": ["gtlab-dev-fashion-1a2b3c4d"],
        "budget": ["gtlab-dev-monthly"],
        "kms_key": [key_id],
    }
    key = next(f for f in findings if f.kind == "kms_key")
    assert key.monthly_usd == 1.00 and key.blocking
    bucket = next(f for f in findings if f.kind == "s3_bucket")
    assert bucket.note.startswith("holds objects")


def test_report_table_and_exit_code(aws: None) -> None:
    create_leftovers()
    clients, _ = stubbed_clients([job("gtlab-dev-fashion-1a2b3c4d")])
    out = io.StringIO()

    code = run_report(clients, PREFIX, out=out)

    text = out.getvalue()
    assert code == 1
    assert "gtlab-dev-workforce" in text and "gtlab-prod-workforce" not in text
    assert "gtlab-devx" not in text and "someone-else" not in text
    kms_line = next(line for line in text.splitlines() if line.startswith("kms_key"))
    assert " 1.00 " in kms_line
    job_line = next(line for line in text.splitlines() if line.startswith("labeling_job"))
    assert " usage " in job_line
    assert "Total: about 1.00 USD a month + usage-based charges of 1 item(s)" in text
    assert "10 resource(s) of gtlab-dev still in the account." in text


def test_key_pending_deletion_is_not_left(aws: None) -> None:
    kms = boto3.client("kms", region_name="us-east-1")
    key_id = kms.create_key(Tags=tags("gtlab", "dev"))["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    clients, _ = stubbed_clients()
    out = io.StringIO()

    code = run_report(clients, PREFIX, out=out)

    assert code == 0
    assert "scheduled for deletion on" in out.getvalue()
    assert "Total: about 0.00 USD a month" in out.getvalue()


def test_empty_account_exits_0(aws: None) -> None:
    clients, _ = stubbed_clients()
    out = io.StringIO()

    assert run_report(clients, PREFIX, out=out) == 0
    assert out.getvalue() == "Nothing of gtlab-dev found in the account.\n"


def test_access_denied_on_one_service_is_reported_and_the_rest_continues(aws: None) -> None:
    boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="gtlab-dev-dlq")
    clients, _ = stubbed_clients()
    sns_stub = Stubber(clients.sns)
    sns_stub.add_client_error("list_topics", "AuthorizationError", "not authorized to sns:ListTopics")
    sns_stub.activate()
    out = io.StringIO()

    code = run_report(clients, PREFIX, out=out)

    text = out.getvalue()
    assert code == 1
    assert "gtlab-dev-dlq" in text
    assert "- Could not check SNS topics: access denied (AuthorizationError)." in text


def test_main_runs_the_report(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="GroundTruth-gtlab-dev-s-1a2b3c4d")

    def build_with_stubbed_sagemaker(session: Any) -> Clients:
        clients, _ = stubbed_clients()
        assert session.region_name == "eu-west-1"
        return Clients(**{**BUILD_CLIENTS(session).__dict__, "sagemaker": clients.sagemaker})

    monkeypatch.setattr(cleanup_report, "build_clients", build_with_stubbed_sagemaker)

    code = cleanup_report.main(["--name-prefix", PREFIX, "--region", "eu-west-1"])

    assert code == 0  # the queue is in us-east-1, the report looked at eu-west-1
    assert "Nothing of gtlab-dev found" in capsys.readouterr().out


def test_no_credentials_exits_2_with_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_credentials(monkeypatch)

    code = cleanup_report.main(["--name-prefix", PREFIX, "--region", "us-east-1"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip() == cleanup_report.NO_CREDENTIALS
    assert captured.err.startswith(
        "No AWS credentials found: cleanup report needs read access to the account;"
    )
    assert "Traceback" not in captured.err + captured.out
    assert captured.out == ""


def test_no_connection_exits_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class Unreachable:
        def get_caller_identity(self) -> dict[str, Any]:
            raise EndpointConnectionError(endpoint_url="https://sts.us-east-1.amazonaws.com/")

    def build(session: Any) -> Clients:
        return Clients(*([Unreachable()] * 10))

    _fake_credentials(monkeypatch)
    monkeypatch.setattr(cleanup_report, "build_clients", build)

    code = cleanup_report.main(["--name-prefix", PREFIX, "--region", "us-east-1"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Could not connect to AWS (") and err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_prefix_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cleanup_report.main(["--name-prefix", "gtlab-dev-"]) == 2
    assert "--name-prefix" in capsys.readouterr().err


def test_render_report() -> None:
    findings = [
        Finding("kms_key", "abcd", 1.0, "Enabled"),
        Finding("nat_gateway", "nat-1", 32.85, "0.045 per hour"),
        Finding("labeling_job", "gtlab-dev-a-1a2b3c4d", None, "InProgress"),
        Finding("kms_key", "old", 0.0, "scheduled for deletion on 2026-11-29", blocking=False),
    ]
    text = render_report(findings, problems=["Could not check budgets: access denied (AccessDenied)."])
    lines = text.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "USD/MONTH", "NOTE"]
    assert lines[1].split()[:3] == ["kms_key", "abcd", "1.00"]
    assert lines[3].split()[:3] == ["labeling_job", "gtlab-dev-a-1a2b3c4d", "usage"]
    # Columns line up: names start, and costs end, at the same place on every row.
    rows = [line.split(maxsplit=3) for line in lines[:5]]
    assert {line.index(row[1]) for line, row in zip(lines[:5], rows, strict=True)} == {
        len("labeling_job") + 2
    }
    assert (
        len(
            {
                line.index(row[2], line.index(row[1]) + len(row[1])) + len(row[2])
                for line, row in zip(lines[:5], rows, strict=True)
            }
        )
        == 1
    )
    assert "Total: about 33.85 USD a month + usage-based charges of 1 item(s)" in text
    assert "3 resource(s) still in the account." in text
    assert "1 more on their way out" in text
    assert "- Could not check budgets: access denied (AccessDenied)." in text


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/gtlab-dev-a-1a2b3c4d", None),
        (
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k-1",
            ("kms_key", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k-1", "k-1"),
        ),
        ("arn:aws:s3:::gtlab-dev-bucket", ("s3_bucket", "gtlab-dev-bucket", "gtlab-dev-bucket")),
        (
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/f:*",
            ("log_group", "/aws/lambda/f", "/aws/lambda/f"),
        ),
        (
            f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_abc",
            ("cognito_user_pool", "us-east-1_abc", "us-east-1_abc"),
        ),
        (
            f"arn:aws:ec2:us-east-1:{ACCOUNT}:natgateway/nat-1",
            ("nat_gateway", f"arn:aws:ec2:us-east-1:{ACCOUNT}:natgateway/nat-1", "nat-1"),
        ),
        (
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t",
            ("other", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t", "dynamodb:table/t"),
        ),
    ],
)
def test_classify_arn(arn: str, expected: tuple[str, str, str] | None) -> None:
    assert classify_arn(arn) == expected


def test_env_option_reads_prefix_and_region_from_config_and_needs_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert cleanup_report.main(["--env", "dev"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("No AWS credentials found")
    assert "Traceback" not in err


def test_env_option_with_an_unknown_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert cleanup_report.main(["--env", "staging"]) == 2
    assert "unknown environment; known: dev, prod" in capsys.readouterr().err
