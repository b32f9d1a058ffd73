"""Which CloudFormation resource types bill a fixed monthly price whatever the usage: the walk the
idle-cost tests run over every synthesized template (an idle lab must cost nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

# CloudFormation types that bill every month they exist, used or not (a lab left deployed keeps
# paying). Usage-priced types (S3, SQS, SNS, Lambda, DynamoDB on demand, ...) are not listed.
FIXED_MONTHLY_PRICE_TYPES: dict[str, str] = {
    "AWS::KMS::Key": "1.00 per customer managed key per month, used or not",
    "AWS::KMS::ReplicaKey": "1.00 per multi-Region replica key per month",
    "AWS::EC2::NatGateway": "0.045 per hour (~32.85 a month) plus data processing",
    "AWS::EC2::VPCEndpoint": "interface: 0.01 per hour per AZ (~7.30 a month); gateway endpoints are free",
    "AWS::EC2::EIP": "public IPv4 address: 0.005 per hour (~3.65 a month), attached or not",
    "AWS::EC2::Instance": "billed per instance-hour while running",
    "AWS::EC2::VPNConnection": "0.05 per connection-hour (~36.50 a month)",
    "AWS::EC2::ClientVpnEndpoint": "0.10 per associated subnet-hour",
    "AWS::EC2::TransitGatewayAttachment": "0.05 per attachment-hour",
    "AWS::EC2::TransitGatewayVpcAttachment": "0.05 per attachment-hour",
    "AWS::AutoScaling::AutoScalingGroup": "keeps its desired number of instances running",
    "AWS::SecretsManager::Secret": "0.40 per secret per month",
    "AWS::CloudWatch::Dashboard": "3.00 per dashboard per month beyond the free 3 (counted as fixed here)",
    "AWS::CloudWatch::Alarm": "0.10 per standard alarm per month beyond the free 10",
    "AWS::CloudWatch::CompositeAlarm": "0.50 per composite alarm per month",
    "AWS::RDS::DBInstance": "billed per instance-hour, plus storage",
    "AWS::DocDB::DBInstance": "billed per instance-hour",
    "AWS::Neptune::DBInstance": "billed per instance-hour",
    "AWS::Redshift::Cluster": "billed per node-hour",
    "AWS::ElastiCache::CacheCluster": "billed per node-hour",
    "AWS::ElastiCache::ReplicationGroup": "billed per node-hour",
    "AWS::OpenSearchService::Domain": "billed per instance-hour, plus storage",
    "AWS::Elasticsearch::Domain": "billed per instance-hour, plus storage",
    "AWS::MSK::Cluster": "billed per broker-hour, plus storage",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "~0.0225 per hour (~16.40 a month) plus capacity units",
    "AWS::ElasticLoadBalancing::LoadBalancer": "0.025 per hour (~18.25 a month) plus data",
    "AWS::SageMaker::NotebookInstance": "billed per instance-hour while InService",
    "AWS::SageMaker::Endpoint": "billed per instance-hour while InService",
    "AWS::ECS::Service": "keeps its tasks running (Fargate vCPU/GB-hours or EC2 capacity)",
    "AWS::EKS::Cluster": "0.10 per cluster-hour (~73 a month)",
    "AWS::Kinesis::Stream": "billed per shard-hour (or per stream-hour on demand)",
    "AWS::FSx::FileSystem": "billed for provisioned storage and throughput",
    "AWS::DirectoryService::MicrosoftAD": "billed per directory-hour",
    "AWS::DirectoryService::SimpleAD": "billed per directory-hour",
    "AWS::Route53::HostedZone": "0.50 per hosted zone per month",
    "AWS::WAFv2::WebACL": "5.00 per web ACL per month plus rules",
    "AWS::NetworkFirewall::Firewall": "~0.395 per endpoint-hour",
    "AWS::GlobalAccelerator::Accelerator": "0.025 per accelerator-hour",
    "AWS::ACMPCA::CertificateAuthority": "400 per private CA per month (general-purpose mode)",
}


class FixedPriceResource(NamedTuple):
    logical_id: str
    type: str
    reason: str


def fixed_price_resources(template: Mapping[str, Any]) -> list[FixedPriceResource]:
    """The resources of a synthesized CloudFormation template that carry a fixed monthly price."""
    found: list[FixedPriceResource] = []
    for logical_id, resource in sorted((template.get("Resources") or {}).items()):
        resource_type = str(resource.get("Type", ""))
        reason = FIXED_MONTHLY_PRICE_TYPES.get(resource_type)
        if reason is None:
            continue
        if resource_type == "AWS::EC2::VPCEndpoint":
            # CloudFormation's default VpcEndpointType is Gateway (free); anything else, including an
            # intrinsic we cannot resolve here, is counted as priced.
            endpoint_type = (resource.get("Properties") or {}).get("VpcEndpointType", "Gateway")
            if endpoint_type == "Gateway":
                continue
        found.append(FixedPriceResource(logical_id, resource_type, reason))
    return found
