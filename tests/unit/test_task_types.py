"""The task-type table against the reference (docs/ground-truth.md#label-attribute-name, #human-task-config,
#automated-labeling, #lambda-arns, #mturk, #label-category-config, #pricing).

The expected values below are transcribed from the reference independently of gt_rules, so a
typo in either place fails a test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gt_rules.errors import RuleViolation
from gt_rules.regions import SUPPORTED_REGIONS
from gt_rules.task_types import (
    DATA_TYPE_EXTENSIONS,
    TASK_TYPES,
    algorithm_spec_arn,
    default_label_attribute_name,
    get_task_type,
    human_task_ui_arn,
    pre_acs_arns,
    public_workteam_arn,
)

# docs/ground-truth.md#lambda-arns, Region -> account of the PRE-/ACS- functions (transcribed from the
# reference table).
EXPECTED_ACCOUNTS = {
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

# key -> (PRE/ACS suffix, HumanTaskUi name or None, manifest key), from docs/ground-truth.md#lambda-arns,
# #worker-ui, #input-manifest.
EXPECTED = {
    "image_classification": ("ImageMultiClass", None, "source-ref"),
    "image_classification_multilabel": ("ImageMultiClassMultiLabel", None, "source-ref"),
    "bounding_box": ("BoundingBox", None, "source-ref"),
    "semantic_segmentation": ("SemanticSegmentation", None, "source-ref"),
    "bounding_box_verification": ("VerificationBoundingBox", None, "source-ref"),
    "bounding_box_adjustment": ("AdjustmentBoundingBox", None, "source-ref"),
    "semantic_segmentation_verification": ("VerificationSemanticSegmentation", None, "source-ref"),
    "semantic_segmentation_adjustment": ("AdjustmentSemanticSegmentation", None, "source-ref"),
    "text_classification": ("TextMultiClass", None, "source"),
    "text_classification_multilabel": ("TextMultiClassMultiLabel", None, "source"),
    "named_entity_recognition": ("NamedEntityRecognition", "NamedEntityRecognition", "source"),
    "video_classification": ("VideoMultiClass", None, "source-ref"),
    "video_object_detection": ("VideoObjectDetection", "VideoObjectDetection", "source-ref"),
    "video_object_detection_adjustment": (
        "AdjustmentVideoObjectDetection",
        "VideoObjectDetection",
        "source-ref",
    ),
    "video_object_tracking": ("VideoObjectTracking", "VideoObjectTracking", "source-ref"),
    "video_object_tracking_adjustment": (
        "AdjustmentVideoObjectTracking",
        "VideoObjectTracking",
        "source-ref",
    ),
    "point_cloud_object_detection": (
        "3DPointCloudObjectDetection",
        "PointCloudObjectDetection",
        "source-ref",
    ),
    "point_cloud_object_detection_adjustment": (
        "Adjustment3DPointCloudObjectDetection",
        "PointCloudObjectDetection",
        "source-ref",
    ),
    "point_cloud_object_tracking": ("3DPointCloudObjectTracking", "PointCloudObjectTracking", "source-ref"),
    "point_cloud_object_tracking_adjustment": (
        "Adjustment3DPointCloudObjectTracking",
        "PointCloudObjectTracking",
        "source-ref",
    ),
    "point_cloud_semantic_segmentation": (
        "3DPointCloudSemanticSegmentation",
        "PointCloudSemanticSegmentation",
        "source-ref",
    ),
    "point_cloud_semantic_segmentation_adjustment": (
        "Adjustment3DPointCloudSemanticSegmentation",
        "PointCloudSemanticSegmentation",
        "source-ref",
    ),
}
BUILT_IN = sorted(EXPECTED)
# docs/ground-truth.md#label-attribute-name: must end with -ref (verification of semantic segmentation is the
# exception).
EXPECTED_REF = {
    "semantic_segmentation",
    "semantic_segmentation_adjustment",
    "video_object_detection",
    "video_object_detection_adjustment",
    "video_object_tracking",
    "video_object_tracking_adjustment",
    "point_cloud_semantic_segmentation",
    "point_cloud_semantic_segmentation_adjustment",
    "point_cloud_object_tracking",
    "point_cloud_object_tracking_adjustment",
}
# docs/ground-truth.md#automated-labeling
EXPECTED_ALGORITHMS = {
    "image_classification": "image-classification",
    "text_classification": "text-classification",
    "bounding_box": "object-detection",
    "semantic_segmentation": "semantic-segmentation",
}


def test_table_has_exactly_the_agreed_keys() -> None:
    assert set(TASK_TYPES) == {*EXPECTED, "custom"}
    assert all(key == task_type.key for key, task_type in TASK_TYPES.items())


@pytest.mark.parametrize("region", SUPPORTED_REGIONS)
@pytest.mark.parametrize("key", BUILT_IN)
def test_pre_and_acs_arns_per_region(key: str, region: str) -> None:
    suffix = EXPECTED[key][0]
    account = EXPECTED_ACCOUNTS[region]
    pre, acs = pre_acs_arns(key, region)
    assert pre == f"arn:aws:lambda:{region}:{account}:function:PRE-{suffix}"
    assert acs == f"arn:aws:lambda:{region}:{account}:function:ACS-{suffix}"


def test_supported_regions_are_the_twelve_of_the_reference() -> None:
    assert set(SUPPORTED_REGIONS) == set(EXPECTED_ACCOUNTS)


@pytest.mark.parametrize("key", BUILT_IN)
def test_ui_kind_and_human_task_ui_name(key: str) -> None:
    ui_name = EXPECTED[key][1]
    task_type = TASK_TYPES[key]
    assert task_type.human_task_ui_name == ui_name
    assert task_type.ui == ("human_task_ui" if ui_name else "template")
    if ui_name:
        assert human_task_ui_arn(key, "eu-west-1") == (
            f"arn:aws:sagemaker:eu-west-1:394669845002:human-task-ui/{ui_name}"
        )
        assert task_type.crowd_element is None
    else:
        assert task_type.crowd_element and task_type.crowd_element.startswith("crowd-")
        with pytest.raises(RuleViolation, match="worker template"):
            human_task_ui_arn(key, "eu-west-1")


@pytest.mark.parametrize("key", BUILT_IN)
def test_manifest_key(key: str) -> None:
    assert TASK_TYPES[key].manifest_key == EXPECTED[key][2]


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_label_attribute_ref_rule(key: str) -> None:
    task_type = TASK_TYPES[key]
    assert task_type.lan_must_end_with_ref is (key in EXPECTED_REF)
    assert default_label_attribute_name(key, "signs").endswith("-ref") is (key in EXPECTED_REF)


def test_semantic_segmentation_verification_is_the_ref_exception() -> None:
    assert TASK_TYPES["semantic_segmentation"].lan_must_end_with_ref
    assert not TASK_TYPES["semantic_segmentation_verification"].lan_must_end_with_ref


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_limits_per_family(key: str) -> None:
    task_type = TASK_TYPES[key]
    long_running = key.startswith(("video_object", "point_cloud"))
    assert task_type.max_task_time_limit_seconds == (2_592_000 if long_running else 28_800)
    assert task_type.label_config_kind == ("2020" if long_running else "2018")
    assert task_type.min_labels == (2 if "classification" in key and "video" not in key else 1)
    if long_running:
        assert task_type.max_labels == 30
        assert task_type.max_label_length == 16
        assert task_type.mturk_price_points is None  # docs/ground-truth.md#mturk, #video-and-point-cloud
        assert task_type.input_kinds == ("manifest", "job_output")
    else:
        assert task_type.max_label_length == 256
    assert task_type.max_objects == (20_000 if key.startswith("semantic_segmentation") else 100_000)
    assert task_type.is_audit is key.endswith(("_verification", "_adjustment"))
    assert bool(task_type.audit_of) is task_type.is_audit


def test_label_quotas_from_the_table() -> None:
    assert TASK_TYPES["image_classification"].max_labels is None
    assert TASK_TYPES["image_classification_multilabel"].max_labels == 50
    assert TASK_TYPES["bounding_box"].max_labels == 50
    assert TASK_TYPES["text_classification_multilabel"].max_labels == 50
    assert TASK_TYPES["named_entity_recognition"].max_labels is None
    assert TASK_TYPES["semantic_segmentation"].max_labels is None
    assert TASK_TYPES["semantic_segmentation"].max_labels_with_auto_labeling == 20


def test_console_default_workers_per_object() -> None:
    defaults = {key: t.default_workers_per_object for key, t in TASK_TYPES.items()}
    assert defaults["text_classification"] == 3
    assert defaults["image_classification"] == 3
    assert defaults["bounding_box"] == 5
    assert defaults["semantic_segmentation"] == 3
    assert defaults["named_entity_recognition"] == 3


def test_mturk_price_points() -> None:
    general = TASK_TYPES["image_classification"].mturk_price_points
    assert general is not None and general[0] == Decimal("0.012") and general[-1] == Decimal("1.2")
    assert len(general) == 16
    assert TASK_TYPES["text_classification"].mturk_price_points == general
    assert TASK_TYPES["custom"].mturk_price_points == general
    box = TASK_TYPES["bounding_box"].mturk_price_points
    assert box is not None and Decimal("0.024") not in box and box[0] == Decimal("0.036") and len(box) == 14
    assert TASK_TYPES["semantic_segmentation"].mturk_price_points == tuple(
        Decimal(p) for p in ("0.84", "0.96", "1.08", "1.2")
    )
    assert TASK_TYPES["video_classification"].mturk_price_points is None  # conservative, UNVERIFIED


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_automated_labeling_algorithms(key: str) -> None:
    if key in EXPECTED_ALGORITHMS:
        assert algorithm_spec_arn(key, "ap-south-1") == (
            "arn:aws:sagemaker:ap-south-1:027400017018:labeling-job-algorithm-specification/"
            + EXPECTED_ALGORITHMS[key]
        )
    else:
        assert TASK_TYPES[key].auto_labeling_algorithm is None
        with pytest.raises(RuleViolation, match="automated data labeling is only available"):
            algorithm_spec_arn(key, "ap-south-1")


@pytest.mark.parametrize("region", SUPPORTED_REGIONS)
def test_public_workteam(region: str) -> None:
    assert (
        public_workteam_arn(region)
        == f"arn:aws:sagemaker:{region}:394669845002:workteam/public-crowd/default"
    )


@pytest.mark.parametrize("region", ["us-west-1", "us-gov-west-1", "cn-north-1", ""])
def test_unsupported_region_raises(region: str) -> None:
    for call in (
        lambda: pre_acs_arns("bounding_box", region),
        lambda: human_task_ui_arn("named_entity_recognition", region),
        lambda: algorithm_spec_arn("bounding_box", region),
        lambda: public_workteam_arn(region),
    ):
        with pytest.raises(RuleViolation) as caught:
            call()
        (violation,) = caught.value.violations
        assert violation.field == "region" and violation.value == region
        assert "us-east-1" in violation.rule


def test_partition_is_used_in_every_arn() -> None:
    assert pre_acs_arns("bounding_box", "us-east-1", "aws-x")[0].startswith("arn:aws-x:lambda:")
    assert human_task_ui_arn("video_object_tracking", "us-east-1", "aws-x").startswith("arn:aws-x:sagemaker:")


def test_custom_has_no_built_in_lambdas_and_unknown_types_are_refused() -> None:
    with pytest.raises(RuleViolation, match="custom tasks name their own"):
        pre_acs_arns("custom", "us-east-1")
    with pytest.raises(RuleViolation, match="task type must be one of"):
        get_task_type("image_clasification")


def test_data_type_extensions() -> None:
    assert DATA_TYPE_EXTENSIONS == {
        "images": (".jpg", ".jpeg", ".png"),
        "videos": (".mp4", ".ogg", ".webm"),
        "text_objects": (".txt",),
        "text_lines": (".txt",),
        "csv_rows": (".csv",),
    }


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_prefix_data_types_exist_and_audits_need_earlier_labels(key: str) -> None:
    task_type = TASK_TYPES[key]
    assert set(task_type.prefix_data_types) <= set(DATA_TYPE_EXTENSIONS)
    assert ("prefix" in task_type.input_kinds) is bool(task_type.prefix_data_types)
    if task_type.is_audit:
        assert "prefix" not in task_type.input_kinds
        assert all(TASK_TYPES[source].family == task_type.family for source in task_type.audit_of)
