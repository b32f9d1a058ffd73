"""Shared by the status and pull tests: credentials set up or taken away, the environment's
config, and SageMaker answers through botocore's Stubber (moto has no Ground Truth)."""

from __future__ import annotations

import argparse
import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from gt_config import EnvironmentConfig, load_environment
from gt_rules.pricing import price_to_usd_amount
from gt_rules.project import JOB_TAG_KEY
from gt_rules.task_types import public_workteam_arn
from tests.sagemaker_fakes import describe_response, job_summary

ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TEAM = "gtlab-dev-super-labelers"
PRIVATE_TEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{TEAM}"
MTURK_ARN = public_workteam_arn(REGION)
VENDOR_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/vendor-crowd/acme-labeling"
OUTPUT_BUCKET = "gtlab-dev-output"
INPUT_BUCKET = "gtlab-dev-input"
OUTPUT_PATH = f"s3://{OUTPUT_BUCKET}/labels/"
# Small tiers, so a handful of objects already crosses from the first tier into the second.
TIERS = [{"up_to_objects": 3, "usd_per_object": "0.08"}, {"usd_per_object": "0.04"}]


@functools.cache
def dev_config() -> EnvironmentConfig:
    """The dev environment as shipped, with the small fee tiers above."""
    return load_environment("dev", environ={}, overrides={"pricing": {"fee_tiers": TIERS}})


def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def stubbed_sagemaker() -> tuple[Any, Stubber]:
    client = boto3.client("sagemaker", region_name=REGION)
    stub = Stubber(client)
    stub.activate()
    return client, stub


def summary(name: str, status: str = "InProgress", created: datetime = NOW) -> dict[str, Any]:
    return job_summary(name, account=ACCOUNT, created=created, status=status)


def describe(
    name: str,
    *,
    status: str = "InProgress",
    created: datetime = NOW,
    modified: datetime | None = None,
    config_job: str | None = None,
    counters: dict[str, int] | None = None,
    workteam_arn: str = PRIVATE_TEAM_ARN,
    workers: int = 1,
    price: str | None = None,
    output_path: str = OUTPUT_PATH,
    output_dataset_uri: str | None = None,
    failure_reason: str | None = None,
) -> dict[str, Any]:
    """A DescribeLabelingJob response as Ground Truth gives it for one of our jobs."""
    response = describe_response(
        name,
        status=status,
        account=ACCOUNT,
        created=created,
        output_path=output_path,
        label_counters=counters,
        output_dataset_uri=output_dataset_uri,
        failure_reason=failure_reason,
    )
    response["LastModifiedTime"] = modified or created
    if config_job is not None:
        response["Tags"] = [
            {"Key": "gt-labeling-stack:environment", "Value": "dev"},
            {"Key": JOB_TAG_KEY, "Value": config_job},
        ]
    human = response["HumanTaskConfig"]
    human["WorkteamArn"] = workteam_arn
    human["NumberOfHumanWorkersPerDataObject"] = workers
    if price is not None:
        human["PublicWorkforceTaskPrice"] = {"AmountInUsd": price_to_usd_amount(price)}
    return response


def expect_jobs(stub: Stubber, prefix: str, pages: list[list[dict[str, Any]]]) -> None:
    """ListLabelingJobs (every status, one response per page) for the environment's prefix."""
    for index, page in enumerate(pages):
        params: dict[str, Any] = {"NameContains": prefix, "MaxResults": 100}
        response: dict[str, Any] = {"LabelingJobSummaryList": page}
        if index > 0:
            params["NextToken"] = f"page-{index}"
        if index + 1 < len(pages):
            response["NextToken"] = f"page-{index + 1}"
        stub.add_response("list_labeling_jobs", response, params)


def expect_describes(stub: Stubber, responses: list[dict[str, Any]]) -> None:
    for response in responses:
        stub.add_response("describe_labeling_job", response, {"LabelingJobName": response["LabelingJobName"]})


def expect_workteam(stub: Stubber, team: str, subdomain: str) -> None:
    stub.add_response(
        "describe_workteam",
        {
            "Workteam": {
                "WorkteamName": team,
                "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
                "Description": "team",
                "MemberDefinitions": [
                    {
                        "CognitoMemberDefinition": {
                            "UserPool": "us-east-1_abc",
                            "UserGroup": "g",
                            "ClientId": "c",
                        }
                    }
                ],
                "SubDomain": subdomain,
            }
        },
        {"WorkteamName": team},
    )


def status_args(**values: Any) -> argparse.Namespace:
    defaults: dict[str, Any] = {"env": "dev", "job": None, "watch": False, "interval": 30.0}
    return argparse.Namespace(**{**defaults, **values})


def pull_args(**values: Any) -> argparse.Namespace:
    defaults: dict[str, Any] = {"env": "dev", "job": None, "to": None, "max_sources": 300}
    return argparse.Namespace(**{**defaults, **values})


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))
