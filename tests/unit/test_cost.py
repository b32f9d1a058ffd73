"""The rough cost table and the fixed-monthly-price resource types."""

from __future__ import annotations

import pytest

from gt_rules.cost import MONTHLY_COSTS, monthly_cost
from tests.infra.idle_cost import FIXED_MONTHLY_PRICE_TYPES, fixed_price_resources


def test_hourly_prices_match_their_monthly_figures() -> None:
    assert monthly_cost("nat_gateway") == pytest.approx(32.85)  # 0.045 an hour, 730 hours a month
    assert monthly_cost("interface_endpoint") == pytest.approx(7.30)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("kms_key", 1.00), ("secret", 0.40), ("sns_topic", 0.0), ("sqs_queue", 0.0), ("lambda_function", 0.0)],
)
def test_fixed_prices(kind: str, expected: float) -> None:
    assert monthly_cost(kind) == expected


def test_storage_is_priced_per_gb() -> None:
    assert monthly_cost("s3_bucket") == 0.0
    assert monthly_cost("s3_bucket", stored_gb=100) == pytest.approx(2.30)
    assert monthly_cost("log_group", stored_gb=10) == pytest.approx(0.30)


def test_labeling_jobs_are_usage_priced() -> None:
    assert monthly_cost("labeling_job") is None
    assert "per labeled object" in MONTHLY_COSTS["labeling_job"].note


def test_unknown_kind_is_an_error_not_free() -> None:
    with pytest.raises(KeyError):
        monthly_cost("s3-bucket")


def test_table_sanity() -> None:
    for kind, cost in MONTHLY_COSTS.items():
        assert cost.kind == kind
        assert cost.fixed_usd is None or cost.fixed_usd >= 0
        assert cost.per_gb_usd >= 0
        assert cost.note and "\n" not in cost.note


def test_fixed_price_types_include_the_usual_suspects() -> None:
    expected = {
        "AWS::KMS::Key",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCEndpoint",
        "AWS::SecretsManager::Secret",
        "AWS::CloudWatch::Dashboard",
        "AWS::CloudWatch::Alarm",
        "AWS::EC2::Instance",
        "AWS::RDS::DBInstance",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::SageMaker::NotebookInstance",
        "AWS::SageMaker::Endpoint",
        "AWS::ECS::Service",
        "AWS::EKS::Cluster",
        "AWS::ElastiCache::CacheCluster",
    }
    assert expected <= set(FIXED_MONTHLY_PRICE_TYPES)
    for resource_type, reason in FIXED_MONTHLY_PRICE_TYPES.items():
        assert resource_type.startswith("AWS::") and resource_type.count("::") == 2
        assert reason and "\n" not in reason


def test_usage_priced_types_are_not_listed() -> None:
    for resource_type in ("AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Lambda::Function"):
        assert resource_type not in FIXED_MONTHLY_PRICE_TYPES


def test_fixed_price_resources_walks_a_template() -> None:
    template = {
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "S3Endpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Gateway"}},
            "DefaultEndpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {}},
            "SmEndpoint": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Interface"}},
        }
    }
    found = fixed_price_resources(template)
    assert [(r.logical_id, r.type) for r in found] == [
        ("Key", "AWS::KMS::Key"),
        ("SmEndpoint", "AWS::EC2::VPCEndpoint"),
    ]
    assert found[0].reason == FIXED_MONTHLY_PRICE_TYPES["AWS::KMS::Key"]


def test_fixed_price_resources_of_an_empty_template() -> None:
    assert fixed_price_resources({}) == []
