"""Regions where Ground Truth runs and the AWS accounts that own its built-in resources.

Source: docs/ground-truth.md#lambda-arns and #mturk (botocore's SageMaker model lists 276 PRE- and 277 ACS-
ARNs, one account per Region; us-west-1, GovCloud and China are not among them)."""

from __future__ import annotations

from .errors import Violation

# Region -> account that owns the PRE-<Suffix> and ACS-<Suffix> Lambdas (docs/ground-truth.md#lambda-arns).
GT_LAMBDA_ACCOUNTS: dict[str, str] = {
    "us-east-1": "432418664414",
    "us-east-2": "266458841044",
    "us-west-2": "081040173940",
    "ca-central-1": "918755190332",
    "eu-west-1": "568282634449",
    "eu-west-2": "487402164563",
    "eu-central-1": "203001061592",
    "ap-northeast-1": "477331159723",
    "ap-northeast-2": "845288260483",
    "ap-south-1": "565803892007",
    "ap-southeast-1": "377565633583",
    "ap-southeast-2": "454466003867",
}

SUPPORTED_REGIONS: tuple[str, ...] = tuple(sorted(GT_LAMBDA_ACCOUNTS))

# The same account in every Region (docs/ground-truth.md#automated-labeling, #worker-ui, #mturk).
HUMAN_TASK_UI_ACCOUNT = "394669845002"
PUBLIC_WORKTEAM_ACCOUNT = "394669845002"
ALGORITHM_SPEC_ACCOUNT = "027400017018"


def region_violations(region: str, field: str = "region") -> list[Violation]:
    """An empty list when Ground Truth runs in `region`, else one violation naming the list."""
    if region in GT_LAMBDA_ACCOUNTS:
        return []
    return [
        Violation(
            field,
            region,
            "Ground Truth runs only in these 12 Regions: " + ", ".join(SUPPORTED_REGIONS),
        )
    ]
