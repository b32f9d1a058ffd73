"""plan_job: the CreateLabelingJob request for every task type in every Region
(docs/ground-truth.md#create-labeling-job, #example-request, #task-types, #output-layout).

Every built request must pass the real botocore model's constraints (service_model_violations)
and botocore's own client-side validation (a Stubber), and must come from a spec that passes
validate_job_spec, so validation and planning agree.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from gt_rules.errors import RuleViolation
from gt_rules.naming import physical_job_name
from gt_rules.project import JOB_TAG_KEY
from gt_rules.regions import SUPPORTED_REGIONS
from gt_rules.request import Artifact, JobPlan, plan_job
from gt_rules.service_model import load_sagemaker_model, service_model_violations
from gt_rules.spec import DeployContext, JobSpec
from gt_rules.task_types import TASK_TYPES, default_label_attribute_name
from gt_rules.templates import label_category_config, worker_template
from gt_rules.validation import validate_job_spec

from .test_task_types import EXPECTED, EXPECTED_ACCOUNTS

TEAM = "super-labelers"
TEAM_ARN = "arn:aws:sagemaker:{region}:111122223333:workteam/private-crowd/super-labelers"
CUSTOM_TEMPLATE = (
    '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>\n'
    '<crowd-form><crowd-classifier name="c" categories="{{ task.input.labels | to_json | escape }}" '
    'header="Label it"><classification-target>{{ task.input.taskObject }}</classification-target>'
    "</crowd-classifier></crowd-form>\n"
)


def valid_spec(key: str) -> JobSpec:
    """A spec of task type `key` that passes validate_job_spec (the walk-throughs' examples as data)."""
    task_type = TASK_TYPES[key]
    index = sorted(TASK_TYPES).index(key)
    if task_type.family == "text":
        labels = ["Even", "Odd"]
    elif task_type.family in ("video_frame", "point_cloud"):
        labels = ["Car", "Pedestrian"]
    elif key.startswith("bounding_box") or "segmentation" in key:
        labels = ["yield", "stop", "30 km/h"]
    else:
        labels = ["Bag", "Eyewear", "Flipflop", "Watch"]
    spec: dict[str, Any] = {
        "name": f"job-{index}",
        "revision": 0,
        "task_type": key,
        "labels": labels,
        "title": f"{task_type.display_name}: label the objects",
        "description": "Choose what fits best",
        "instructions": {"short": "Pick one", "full": "Read carefully.\n\nThen pick one."},
        "workforce": {"kind": "private", "team": TEAM},
        "automated_labeling": False,
    }
    if "prefix" in task_type.input_kinds:
        spec["input"] = {"kind": "prefix", "prefix": "data/", "data_type": task_type.prefix_data_types[0]}
    else:
        spec["input"] = {"kind": "manifest", "manifest_uri": "s3://in-bucket/manifests/earlier.manifest"}
    if task_type.is_audit:
        spec["audit_label_attribute_name"] = default_label_attribute_name(task_type.audit_of[0], "earlier")
    if task_type.is_custom:
        spec["custom"] = {
            "template_html": CUSTOM_TEMPLATE,
            "pre_lambda_arn": "arn:aws:lambda:us-east-1:111122223333:function:my-pre",
            "acs_lambda_arn": "arn:aws:lambda:us-east-1:111122223333:function:my-acs",
        }
    return spec  # type: ignore[return-value]


def context(region: str = "us-east-1", **extra: Any) -> DeployContext:
    ctx: dict[str, Any] = {
        "partition": "aws",
        "region": region,
        "account": "111122223333",
        "name_prefix": "gtlab-dev",
        "input_bucket": "in-bucket",
        "output_bucket": "out-bucket",
        "role_arn": "arn:aws:iam::111122223333:role/gtlab-dev-GroundTruthExecution",
        "workteam_arns": {TEAM: TEAM_ARN.format(region=region)},
        "manifest_uri": "s3://in-bucket/manifests/job.manifest",
    }
    ctx.update(extra)
    return ctx  # type: ignore[return-value]


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return load_sagemaker_model()


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_every_test_spec_is_valid(key: str) -> None:
    assert validate_job_spec(valid_spec(key), region="us-east-1", private_teams={TEAM}, other_jobs={}) == []


@pytest.mark.parametrize("region", SUPPORTED_REGIONS)
@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_request_for_every_type_and_region(key: str, region: str, model: dict[str, Any]) -> None:
    spec = valid_spec(key)
    plan = plan_job(spec, context(region))
    request = plan.request
    human = request["HumanTaskConfig"]
    if key == "custom":
        assert human["PreHumanTaskLambdaArn"] == spec["custom"]["pre_lambda_arn"]
        assert (
            human["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"]
            == (spec["custom"]["acs_lambda_arn"])
        )
    else:
        suffix, ui_name, _ = EXPECTED[key]
        account = EXPECTED_ACCOUNTS[region]
        assert human["PreHumanTaskLambdaArn"] == f"arn:aws:lambda:{region}:{account}:function:PRE-{suffix}"
        assert human["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] == (
            f"arn:aws:lambda:{region}:{account}:function:ACS-{suffix}"
        )
    ui_name = EXPECTED.get(key, ("", None, ""))[1]
    if ui_name:
        assert human["UiConfig"] == {
            "HumanTaskUiArn": f"arn:aws:sagemaker:{region}:394669845002:human-task-ui/{ui_name}"
        }
        assert [a.key.rsplit("/", 1)[1] for a in plan.artifacts] == ["label-categories.json"]
    else:
        template = next(a for a in plan.artifacts if a.key.endswith("/template.liquid"))
        assert human["UiConfig"] == {"UiTemplateS3Uri": template.uri}
        assert template.body == worker_template(spec)
    assert human["WorkteamArn"] == TEAM_ARN.format(region=region)
    assert request["LabelAttributeName"] == default_label_attribute_name(key, spec["name"])
    assert service_model_violations(request, model=model) == []


@pytest.fixture(scope="module")
def sagemaker() -> Any:
    return boto3.client("sagemaker", region_name="us-east-1")


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_botocore_accepts_every_request(key: str, sagemaker: Any) -> None:
    """botocore's own client-side validation (required, types, min) through a Stubber."""
    plan = plan_job(valid_spec(key), context())
    client = sagemaker
    arn = f"arn:aws:sagemaker:us-east-1:111122223333:labeling-job/{plan.job_name}"
    with Stubber(client) as stubber:
        stubber.add_response("create_labeling_job", {"LabelingJobArn": arn}, expected_params=plan.request)
        assert client.create_labeling_job(**plan.request)["LabelingJobArn"] == arn


def test_fashion_request_in_full(model: dict[str, Any]) -> None:
    """The seed course's job, checked field by field against docs/ground-truth.md#example-request."""
    spec = valid_spec("image_classification")
    spec["name"], spec["workers_per_object"], spec["task_time_limit_seconds"] = "fashion", 1, 300
    spec["task_availability_lifetime_seconds"] = 864_000
    spec["tags"] = {"Team": "vision"}
    plan = plan_job(spec, context())
    job = physical_job_name("gtlab-dev", spec)
    gt_lambda = "arn:aws:lambda:us-east-1:432418664414:function:"
    assert plan.job_name == job
    assert plan.output_manifest_uri == f"s3://out-bucket/labels/{job}/manifests/output/output.manifest"
    assert plan.request == {
        "LabelingJobName": job,
        "LabelAttributeName": "fashion",
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://in-bucket/manifests/job.manifest"}}
        },
        "OutputConfig": {"S3OutputPath": "s3://out-bucket/labels/"},
        "RoleArn": "arn:aws:iam::111122223333:role/gtlab-dev-GroundTruthExecution",
        "LabelCategoryConfigS3Uri": f"s3://out-bucket/job-config/{job}/label-categories.json",
        "HumanTaskConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/super-labelers",
            "UiConfig": {"UiTemplateS3Uri": f"s3://out-bucket/job-config/{job}/template.liquid"},
            "PreHumanTaskLambdaArn": f"{gt_lambda}PRE-ImageMultiClass",
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"{gt_lambda}ACS-ImageMultiClass"
            },
            "TaskTitle": "Image classification (single label): label the objects",
            "TaskDescription": "Choose what fits best",
            "TaskKeywords": ["image", "classification"],
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "TaskAvailabilityLifetimeInSeconds": 864_000,
            "MaxConcurrentTaskCount": 1000,
        },
        "Tags": [{"Key": "Team", "Value": "vision"}, {"Key": JOB_TAG_KEY, "Value": "fashion"}],
    }
    categories = plan.artifacts[0]
    assert categories == Artifact(
        "out-bucket", f"job-config/{job}/label-categories.json", categories.body, "application/json"
    )
    assert json.loads(categories.body) == label_category_config(spec)
    assert json.loads(categories.body)["labels"] == [
        {"label": "Bag"},
        {"label": "Eyewear"},
        {"label": "Flipflop"},
        {"label": "Watch"},
    ]
    assert service_model_violations(plan.request, model=model) == []


def test_console_defaults_fill_unset_fields() -> None:
    human = plan_job(valid_spec("bounding_box"), context()).request["HumanTaskConfig"]
    assert human["NumberOfHumanWorkersPerDataObject"] == 5
    assert human["TaskTimeLimitInSeconds"] == 300
    assert human["TaskAvailabilityLifetimeInSeconds"] == 864_000
    assert human["MaxConcurrentTaskCount"] == 1000
    assert human["TaskKeywords"] == ["image", "object detection", "bounding box"]
    video = plan_job(valid_spec("video_object_tracking"), context()).request["HumanTaskConfig"]
    assert video["NumberOfHumanWorkersPerDataObject"] == 1
    assert video["TaskTimeLimitInSeconds"] == 259_200


def test_cloudformation_strings_become_numbers() -> None:
    # CloudFormation's form: every number a string.
    spec: Any = valid_spec("text_classification")
    spec.update(workers_per_object="3", task_time_limit_seconds="3600", max_concurrent_task_count="100")
    spec["stopping"] = {"max_percentage_of_input_dataset_labeled": "50"}
    request = plan_job(spec, context()).request
    assert request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] == 3
    assert request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] == 3600
    assert request["HumanTaskConfig"]["MaxConcurrentTaskCount"] == 100
    assert request["StoppingConditions"] == {"MaxPercentageOfInputDatasetLabeled": 50}


def test_mturk_request(model: dict[str, Any]) -> None:
    spec = valid_spec("image_classification")
    spec["workforce"] = {
        "kind": "mturk",
        "price_usd": "0.036",
        "content_classifiers": ["FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent"],
    }
    spec["keywords"] = ["fashion", "image classification"]
    request = plan_job(spec, context("eu-west-1")).request
    human = request["HumanTaskConfig"]
    assert human["WorkteamArn"] == "arn:aws:sagemaker:eu-west-1:394669845002:workteam/public-crowd/default"
    assert human["PublicWorkforceTaskPrice"] == {
        "AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}
    }
    assert human["TaskAvailabilityLifetimeInSeconds"] == 21_600  # MTurk default, 6 h
    assert human["TaskKeywords"] == ["fashion", "image classification"]
    assert request["InputConfig"]["DataAttributes"] == {
        "ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent"]
    }
    assert service_model_violations(request, model=model) == []


def test_vendor_request() -> None:
    spec = valid_spec("bounding_box")
    vendor = "arn:aws:sagemaker:us-east-1:999988887777:workteam/vendor-crowd/acme"
    spec["workforce"] = {"kind": "vendor", "workteam_arn": vendor}
    request = plan_job(spec, context()).request
    assert request["HumanTaskConfig"]["WorkteamArn"] == vendor
    assert "PublicWorkforceTaskPrice" not in request["HumanTaskConfig"]
    assert "DataAttributes" not in request["InputConfig"]


def test_custom_task_uses_the_users_template_and_lambdas() -> None:
    spec = valid_spec("custom")
    plan = plan_job(spec, context())
    template = next(a for a in plan.artifacts if a.key.endswith("template.liquid"))
    assert template.body == CUSTOM_TEMPLATE
    assert template.content_type == "text/html"
    assert plan.request["HumanTaskConfig"]["PreHumanTaskLambdaArn"].endswith(":function:my-pre")


def test_automated_labeling_and_kms(model: dict[str, Any]) -> None:
    spec = valid_spec("bounding_box")
    spec["automated_labeling"] = True
    spec["initial_active_learning_model_arn"] = "arn:aws:sagemaker:ap-south-1:111122223333:model/earlier"
    spec["kms_key_id"] = "arn:aws:kms:ap-south-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    spec["stopping"] = {"max_human_labeled_object_count": 500}
    request = plan_job(spec, context("ap-south-1", output_kms_key_id="alias/env-key")).request
    assert request["LabelingJobAlgorithmsConfig"] == {
        "LabelingJobAlgorithmSpecificationArn": (
            "arn:aws:sagemaker:ap-south-1:027400017018:labeling-job-algorithm-specification/object-detection"
        ),
        "InitialActiveLearningModelArn": "arn:aws:sagemaker:ap-south-1:111122223333:model/earlier",
    }
    assert request["OutputConfig"]["KmsKeyId"] == spec["kms_key_id"]  # the job's key wins
    assert request["StoppingConditions"] == {"MaxHumanLabeledObjectCount": 500}
    assert service_model_violations(request, model=model) == []
    env_key = plan_job(valid_spec("bounding_box"), context(output_kms_key_id="alias/env-key")).request
    assert env_key["OutputConfig"]["KmsKeyId"] == "alias/env-key"
    assert "LabelingJobAlgorithmsConfig" not in env_key and "StoppingConditions" not in env_key


def test_video_adjustment_label_file_names_the_audited_attribute() -> None:
    plan = plan_job(valid_spec("video_object_detection_adjustment"), context())
    categories = json.loads(plan.artifacts[0].body)
    assert categories["document-version"] == "2020-03-01"
    assert categories["auditLabelAttributeName"] == "earlier-ref"


def test_placeholders_for_make_plan(model: dict[str, Any]) -> None:
    ctx = context(
        name_prefix="${NamePrefix}",
        input_bucket="${InputBucket}",
        output_bucket="${OutputBucket}",
        role_arn="${ExecutionRoleArn}",
        manifest_uri="${ManifestUri}",
        workteam_arns={TEAM: "${Workteam.super-labelers}"},
    )
    plan = plan_job(valid_spec("bounding_box"), ctx)
    assert plan.job_name.startswith("${NamePrefix}-")
    assert plan.request["OutputConfig"]["S3OutputPath"] == "s3://${OutputBucket}/labels/"
    assert plan.request["RoleArn"] == "${ExecutionRoleArn}"
    assert service_model_violations(plan.request, model=model) == []


@pytest.mark.parametrize("missing", ["region", "output_bucket", "name_prefix", "role_arn", "manifest_uri"])
def test_missing_context_is_refused(missing: str) -> None:
    ctx = context()
    del ctx[missing]  # type: ignore[misc]
    with pytest.raises(RuleViolation) as caught:
        plan_job(valid_spec("bounding_box"), ctx)
    assert caught.value.violations[0].field == f"deploy_context.{missing}"


def test_missing_team_arn_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        plan_job(valid_spec("bounding_box"), context(workteam_arns={"other": "arn"}))
    (violation,) = caught.value.violations
    assert (violation.field, violation.value) == ("deploy_context.workteam_arns", TEAM)


def test_unsupported_region_is_refused() -> None:
    with pytest.raises(RuleViolation, match="12 Regions"):
        plan_job(valid_spec("bounding_box"), context("us-west-1"))


def test_plan_is_deterministic() -> None:
    spec = valid_spec("semantic_segmentation")
    first, second = plan_job(spec, context()), plan_job(copy.deepcopy(spec), context())
    assert first == second
    assert isinstance(first, JobPlan)


# --- broken variants: the checks botocore skips, caught by service_model_violations ---------------


def _broken(model: dict[str, Any], path: str, value: Any) -> list[Any]:
    request = copy.deepcopy(plan_job(valid_spec("bounding_box"), context()).request)
    *parents, last = path.split(".")
    target: Any = request
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return service_model_violations(request, model=model)


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        ("LabelingJobName", "a" * 64, "at most 63 characters"),
        ("LabelingJobName", "my_job", "must match the pattern"),
        ("LabelAttributeName", "-label", "must match the pattern"),
        ("HumanTaskConfig.TaskKeywords", ["image", "multi-label"], "must match the pattern"),
        ("HumanTaskConfig.TaskKeywords", ["a", "b", "c", "d", "e", "f"], "at most 5 items"),
        ("HumanTaskConfig.TaskTitle", "t" * 129, "at most 128 characters"),
        ("HumanTaskConfig.TaskDescription", "d" * 256, "at most 255 characters"),
        ("HumanTaskConfig.NumberOfHumanWorkersPerDataObject", 10, "at most 9"),
        ("HumanTaskConfig.TaskTimeLimitInSeconds", 29, "at least 30"),
        ("HumanTaskConfig.MaxConcurrentTaskCount", 5001, "at most 5000"),
        (
            "HumanTaskConfig.WorkteamArn",
            "arn:aws:sagemaker:us-east-1:1234:workteam/x",
            "must match the pattern",
        ),
        ("HumanTaskConfig.PublicWorkforceTaskPrice", {"AmountInUsd": {"Dollars": 3}}, "at most 2"),
        ("RoleArn", "arn:aws:iam::111122223333:user/me", "must match the pattern"),
        ("Tags.0.Key", "team#1", "must match the pattern"),
        ("InputConfig.DataAttributes", {"ContentClassifiers": ["FreeOfPII"]}, "must be one of"),
        ("StoppingConditions", {"MaxPercentageOfInputDatasetLabeled": 101}, "at most 100"),
        ("HumanTaskConfig.UiConfig", {"UiTemplateS3Uri": "ftp://bucket/key"}, "must match the pattern"),
        ("OutputConfig.KmsKeyId", "alias/my key", "must match the pattern"),
        ("HumanTaskConfig.TaskTimeLimitInSeconds", "300", "must be a whole number"),
        ("HumanTaskConfig.Unknown", 1, "is not a member of HumanTaskConfig"),
    ],
)
def test_broken_variants_are_caught(model: dict[str, Any], path: str, value: Any, fragment: str) -> None:
    violations = _broken(model, path, value)
    assert violations, f"{path}={value!r} passed"
    assert any(fragment in v.rule for v in violations), violations


def test_missing_required_member_is_caught(model: dict[str, Any]) -> None:
    request = copy.deepcopy(plan_job(valid_spec("bounding_box"), context()).request)
    del request["HumanTaskConfig"]["TaskTitle"]
    violations = service_model_violations(request, model=model)
    assert [(v.field, v.rule) for v in violations] == [
        ("HumanTaskConfig.TaskTitle", "is required by HumanTaskConfig")
    ]
