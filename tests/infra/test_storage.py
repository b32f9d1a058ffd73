"""Storage: CORS exactly as Ground Truth documents it, versioning, lifecycle, removal per environment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk.assertions import Match

from .conftest import Synthesized

IMAGE_CORS = {
    "AllowedHeaders": [],
    "AllowedMethods": ["GET"],
    "AllowedOrigins": ["*"],
    "ExposedHeaders": ["Access-Control-Allow-Origin"],
}
WIDE_CORS = {
    "AllowedHeaders": ["*"],
    "AllowedMethods": ["GET", "HEAD", "PUT"],
    "AllowedOrigins": ["*"],
    "ExposedHeaders": ["Access-Control-Allow-Origin"],
    "MaxAge": 3000,
}


def bucket(result: Synthesized, name: str) -> dict:
    matches = [
        r for k, r in result.resources("storage", "AWS::S3::Bucket").items() if k.startswith(f"Buckets{name}")
    ]
    assert len(matches) == 1, name
    return matches[0]


def cors_rules(resource: dict) -> list[dict]:
    rules = resource["Properties"].get("CorsConfiguration", {}).get("CorsRules", [])
    # CloudFormation omits empty lists; docs/ground-truth.md#cors's AllowedHeaders [] is the same as absent.
    return [{"AllowedHeaders": [], **rule} for rule in rules]


def test_dev_input_bucket_has_exactly_the_image_cors_rule(dev: Synthesized) -> None:
    assert cors_rules(bucket(dev, "Input")) == [IMAGE_CORS]


def test_prod_enables_the_video_and_point_cloud_rule_on_input_and_output(prod: Synthesized) -> None:
    assert cors_rules(bucket(prod, "Input")) == [IMAGE_CORS, WIDE_CORS]
    assert cors_rules(bucket(prod, "Output")) == [IMAGE_CORS, WIDE_CORS]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_output_is_versioned_and_uploads_are_aborted(synth: Callable[[str], Synthesized], env: str) -> None:
    result = synth(env)
    assert bucket(result, "Output")["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    for name in ("Input", "Output", "AccessLogs"):
        rules = bucket(result, name)["Properties"]["LifecycleConfiguration"]["Rules"]
        assert any(
            r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation") == 7 for r in rules
        ), name


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_both_data_buckets_log_to_the_access_log_bucket(
    synth: Callable[[str], Synthesized], env: str
) -> None:
    result = synth(env)
    log_bucket_id = next(k for k in result.resources("storage", "AWS::S3::Bucket") if "AccessLogs" in k)
    for name in ("Input", "Output"):
        logging = bucket(result, name)["Properties"]["LoggingConfiguration"]
        assert logging["DestinationBucketName"] == {"Ref": log_bucket_id}


def test_dev_destroys_buckets_with_their_objects_log_bucket_included(dev: Synthesized) -> None:
    buckets = dev.resources("storage", "AWS::S3::Bucket")
    assert {b["DeletionPolicy"] for b in buckets.values()} == {"Delete"}
    emptied = {
        r["Properties"]["BucketName"]["Ref"]
        for r in dev.resources("storage", "Custom::S3AutoDeleteObjects").values()
    }
    assert emptied == set(buckets)


def test_prod_retains_data_buckets(prod: Synthesized) -> None:
    buckets = prod.resources("storage", "AWS::S3::Bucket")
    assert {b["DeletionPolicy"] for b in buckets.values()} == {"Retain"}
    assert not prod.resources("storage", "Custom::S3AutoDeleteObjects")


def test_prod_key_policy_admits_the_execution_role(prod: Synthesized) -> None:
    keys = prod.resources("storage", "AWS::KMS::Key")
    assert len(keys) == 1
    statements = next(iter(keys.values()))["Properties"]["KeyPolicy"]["Statement"]
    role_id = next(k for k in prod.resources("storage", "AWS::IAM::Role") if k.startswith("ExecutionRole"))
    admitted = [s for s in statements if s.get("Principal") == {"AWS": {"Fn::GetAtt": [role_id, "Arn"]}}]
    assert admitted and "kms:GenerateDataKey" in admitted[0]["Action"]
    assert next(iter(keys.values()))["Properties"]["EnableKeyRotation"] is True


def test_dev_has_no_customer_managed_key(dev: Synthesized) -> None:
    assert not dev.resources("storage", "AWS::KMS::Key")


def test_sample_data_upload_is_opt_in(dev: Synthesized, prod: Synthesized) -> None:
    dev.template("storage").resource_count_is("Custom::CDKBucketDeployment", 1)
    prod.template("storage").resource_count_is("Custom::CDKBucketDeployment", 0)
    dev.template("storage").has_resource_properties(
        "Custom::CDKBucketDeployment", {"Prune": False, "DestinationBucketName": Match.any_value()}
    )
