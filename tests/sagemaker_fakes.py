"""Fake SageMaker Ground Truth responses for tests that answer SageMaker through botocore's Stubber.

moto has no Ground Truth, so the handler and tool tests hand-build ListLabelingJobs and
DescribeLabelingJob responses (the Stubber checks them against botocore's model). The shapes live
here once; each test file keeps its own account, clock, job names and prefix and passes them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from botocore.stub import Stubber


def _job_arn(name: str, account: str) -> str:
    return f"arn:aws:sagemaker:us-east-1:{account}:labeling-job/{name}"


def _workteam_arn(account: str) -> str:
    return f"arn:aws:sagemaker:us-east-1:{account}:workteam/private-crowd/team"


def job_summary(name: str, *, account: str, created: datetime, status: str = "InProgress") -> dict[str, Any]:
    """One LabelingJobSummaryList entry of a ListLabelingJobs response."""
    return {
        "LabelingJobName": name,
        "LabelingJobArn": _job_arn(name, account),
        "CreationTime": created,
        "LastModifiedTime": created,
        "LabelingJobStatus": status,
        "LabelCounters": {},
        "WorkteamArn": _workteam_arn(account),
    }


def describe_response(
    name: str,
    *,
    status: str,
    account: str,
    created: datetime,
    manifest_uri: str = "s3://in/x.manifest",
    output_path: str = "s3://out/labels/",
    label_counters: Mapping[str, int] | None = None,
    output_dataset_uri: str | None = None,
    failure_reason: str | None = None,
) -> dict[str, Any]:
    """A DescribeLabelingJob response; LabelingJobOutput and FailureReason only when given."""
    response: dict[str, Any] = {
        "LabelingJobStatus": status,
        "LabelCounters": dict(label_counters or {}),
        "CreationTime": created,
        "LastModifiedTime": created,
        "JobReferenceCode": "ref",
        "LabelingJobName": name,
        "LabelingJobArn": _job_arn(name, account),
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest_uri}}},
        "OutputConfig": {"S3OutputPath": output_path},
        "RoleArn": f"arn:aws:iam::{account}:role/gt",
        "HumanTaskConfig": {
            "WorkteamArn": _workteam_arn(account),
            "UiConfig": {"UiTemplateS3Uri": "s3://in/t.liquid"},
            "TaskTitle": "t",
            "TaskDescription": "d",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
        },
    }
    if output_dataset_uri is not None:
        response["LabelingJobOutput"] = {"OutputDatasetS3Uri": output_dataset_uri}
    if failure_reason is not None:
        response["FailureReason"] = failure_reason
    return response


def listing_params(status: str, *, prefix: str) -> dict[str, Any]:
    """The ListLabelingJobs request expected for one status (first page)."""
    return {"StatusEquals": status, "NameContains": prefix, "MaxResults": 100}


def expect_listing(
    stub: Stubber,
    *,
    prefix: str,
    initializing: Sequence[dict[str, Any]] = (),
    in_progress: Sequence[dict[str, Any]] = (),
) -> None:
    """Queue the two one-page ListLabelingJobs answers (Initializing, then InProgress) on `stub`."""
    for status, jobs in (("Initializing", initializing), ("InProgress", in_progress)):
        stub.add_response(
            "list_labeling_jobs",
            {"LabelingJobSummaryList": list(jobs)},
            listing_params(status, prefix=prefix),
        )
