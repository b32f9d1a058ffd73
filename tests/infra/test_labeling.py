"""Labeling stack: the custom resources carry the job definitions; IAM is scoped; events are filtered."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Synthesized


def custom(result: Synthesized, resource_type: str) -> dict[str, dict[str, Any]]:
    return result.resources("labeling", resource_type)


def test_each_configured_job_is_a_custom_resource_carrying_its_spec(dev: Synthesized) -> None:
    jobs = custom(dev, "Custom::GroundTruthLabelingJob")
    specs = dev.config.job_specs
    carried = {
        json.loads(r["Properties"]["SpecJson"])["name"]: json.loads(r["Properties"]["SpecJson"])
        for r in jobs.values()
    }
    assert carried == specs
    assert set(carried) == {"fashion", "numbers"}


def test_job_context_wires_deploy_time_values(dev: Synthesized) -> None:
    jobs = custom(dev, "Custom::GroundTruthLabelingJob")
    manifests = custom(dev, "Custom::GroundTruthInputManifest")
    for resource in jobs.values():
        context: dict[str, Any] = resource["Properties"]["Context"]  # tokens: CloudFormation intrinsics
        assert context["name_prefix"] == "gtlab-dev"
        assert context["input_bucket"] == {"Fn::ImportValue": "gtlab-dev-input-bucket"}
        assert context["output_bucket"] == {"Fn::ImportValue": "gtlab-dev-output-bucket"}
        manifest_id = context["manifest_uri"]["Fn::GetAtt"][0]
        assert manifest_id in manifests and context["manifest_uri"]["Fn::GetAtt"][1] == "ManifestUri"
        (team_arn,) = context["workteam_arns"].values()
        assert "Fn::ImportValue" in team_arn  # the work team of the workforce stack
        assert "output_kms_key_id" not in context  # dev: SSE-S3


def test_manifests_read_their_prefix_with_the_task_type_quota(dev: Synthesized) -> None:
    manifests = {
        r["Properties"]["JobName"]: r["Properties"]
        for r in custom(dev, "Custom::GroundTruthInputManifest").values()
    }
    assert manifests["fashion"]["Prefix"] == "fashion/" and manifests["fashion"]["DataType"] == "images"
    assert manifests["numbers"]["DataType"] == "text_objects"
    assert {m["MaxObjects"] for m in manifests.values()} == {100_000}
    assert {m["MinObjects"] for m in manifests.values()} == {1}


def policies_of(result: Synthesized, role_prefix: str) -> list[dict[str, Any]]:
    statements = []
    for policy in result.resources("labeling", "AWS::IAM::Policy").values():
        roles = [r["Ref"] for r in policy["Properties"]["Roles"]]
        if any(role.startswith(role_prefix) for role in roles):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_job_handler_may_only_touch_this_environments_jobs_and_pass_only_the_execution_role(
    dev: Synthesized,
) -> None:
    statements = policies_of(dev, "LabelingJobsHandlersOnEventRole")
    sagemaker = [s for s in statements if any(str(a).startswith("sagemaker:") for a in s["Action"])]
    assert sagemaker
    for statement in sagemaker:
        resource = json.dumps(statement["Resource"])
        assert "labeling-job/gtlab-dev-*" in resource and '"*"' not in resource
        assert set(statement["Action"]) <= {
            "sagemaker:CreateLabelingJob",
            "sagemaker:DescribeLabelingJob",
            "sagemaker:StopLabelingJob",
            "sagemaker:AddTags",
        }
    (pass_role,) = [s for s in statements if s["Action"] == "iam:PassRole"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    assert "Fn::ImportValue" in json.dumps(pass_role["Resource"])  # the execution role's ARN, nothing wider


def test_job_events_are_filtered_to_this_environment(dev: Synthesized) -> None:
    (rule,) = dev.resources("labeling", "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.sagemaker"]
    assert pattern["detail-type"] == ["SageMaker Ground Truth Labeling Job State Change"]
    (prefix,) = pattern["resources"]
    assert json.dumps(prefix["prefix"]).endswith('labeling-job/gtlab-dev-"]]}')


def test_job_owner_topic_is_tls_only_with_owner_subscriptions(dev: Synthesized) -> None:
    (subscription,) = dev.resources("labeling", "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == "owner@example.com"


def test_destroy_order_jobs_go_before_teams_and_buckets(dev: Synthesized) -> None:
    dependencies = {stack.stack_name for stack in dev.stacks.labeling.dependencies}
    assert dependencies == {"gtlab-dev-workforce", "gtlab-dev-storage"}
