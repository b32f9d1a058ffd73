"""Every Ground Truth task type this project can launch, as one table
(docs/ground-truth.md#label-attribute-name, #human-task-config, #automated-labeling, #task-types,
#label-category-config, #pricing).

Everything that differs between task types lives here, so validation, the request builder, the
templates and the manifest writer read the same facts. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import RuleViolation, Violation
from .limits import (
    DATA_TYPE_EXTENSIONS,
    MAX_OBJECTS,
    MAX_OBJECTS_SEMANTIC_SEGMENTATION,
    MIN_OBJECTS_FOR_AUTOMATED_LABELING,
)
from .regions import (
    ALGORITHM_SPEC_ACCOUNT,
    GT_LAMBDA_ACCOUNTS,
    HUMAN_TASK_UI_ACCOUNT,
    PUBLIC_WORKTEAM_ACCOUNT,
    region_violations,
)

# Binary objects are referenced (`source-ref`), text is inlined (`source`)
# (docs/ground-truth.md#input-manifest).
DATA_TYPE_MANIFEST_KEY: dict[str, str] = {
    "images": "source-ref",
    "videos": "source-ref",
    "text_objects": "source",
    "text_lines": "source",
    "csv_rows": "source",
}
INPUT_KINDS = ("prefix", "manifest", "job_output")

# docs/ground-truth.md#human-task-config: 8 h for custom, image and text tasks; 30 days for video frame and 3D
# point cloud. The API text prints "2952,000", a typo for 2,592,000. The video frame overview
# (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-video-overview.html) says 7 days for video frame; we
# allow the API reference's 30 days and leave the shorter limit to the service.
MAX_TASK_TIME_TEMPLATE = 28_800
MAX_TASK_TIME_LONG = 2_592_000
MIN_TASK_TIME = 30

# USD per worker per task: docs/ground-truth.md#pricing and
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_PublicWorkforceTaskPrice.html
_GENERAL_PRICES = tuple(
    Decimal(p)
    for p in (
        "0.012", "0.024", "0.036", "0.048", "0.060", "0.072", "0.120", "0.240",
        "0.360", "0.480", "0.600", "0.720", "0.840", "0.960", "1.080", "1.200",
    )
)  # fmt: skip
_BOUNDING_BOX_PRICES = _GENERAL_PRICES[2:]  # 0.036 .. 1.200
_SEMANTIC_SEGMENTATION_PRICES = tuple(Decimal(p) for p in ("0.840", "0.960", "1.080", "1.200"))

MAX_LABEL_LENGTH = 256
MAX_LABEL_LENGTH_2020 = 16  # docs/ground-truth.md#video-and-point-cloud: video frame and 3D label names


@dataclass(frozen=True)
class TaskType:
    """One task type. Field comments name the section of the reference each value comes from."""

    key: str
    display_name: str
    family: str  # "image" | "text" | "video" | "video_frame" | "point_cloud" | "custom"
    # PRE-<suffix> / ACS-<suffix> (docs/ground-truth.md#lambda-arns); None: custom brings its own
    lambda_suffix: str | None
    # "template" (UiTemplateS3Uri) | "human_task_ui" (HumanTaskUiArn) (docs/ground-truth.md#worker-ui)
    ui: str
    human_task_ui_name: str | None  # docs/ground-truth.md#worker-ui, NER/video frame/3D only
    # the Crowd HTML element our generated template uses (docs/ground-truth.md#worker-templates)
    crowd_element: str | None
    manifest_key: str  # "source-ref" | "source"; custom: by its data type
    lan_must_end_with_ref: bool  # docs/ground-truth.md#label-attribute-name
    max_task_time_limit_seconds: int  # docs/ground-truth.md#human-task-config
    min_labels: int  # docs/ground-truth.md#label-category-config
    max_labels: int | None  # API quota, None = unlimited (docs/ground-truth.md#label-category-config)
    max_labels_with_auto_labeling: int | None  # semantic segmentation: 20 with auto-labeling
    console_max_labels: int | None  # the console's lower limit, for messages and warnings
    max_label_length: int
    max_objects: int  # docs/ground-truth.md#input-manifest input dataset quota
    # docs/ground-truth.md#automated-labeling; None where automated labeling is not allowed
    auto_labeling_algorithm: str | None
    # docs/ground-truth.md#pricing; None where MTurk is not allowed
    mturk_price_points: tuple[Decimal, ...] | None
    input_kinds: tuple[str, ...]  # which InputSpec kinds the type accepts
    prefix_data_types: tuple[str, ...]  # data types it accepts from a prefix
    label_config_kind: str  # "2018" (2018-11-28 schema) | "2020" (2020-03-01 video frame/3D schema)
    is_audit: bool  # verification or adjustment of an earlier job's labels
    audit_of: tuple[str, ...]  # task types whose output an audit job reads
    default_workers_per_object: int  # console default (docs/ground-truth.md#human-task-config)
    default_task_time_limit_seconds: int
    default_keywords: tuple[str, ...]

    @property
    def uses_template(self) -> bool:
        return self.ui == "template"

    @property
    def allows_mturk(self) -> bool:
        return self.mturk_price_points is not None

    @property
    def allows_auto_labeling(self) -> bool:
        return self.auto_labeling_algorithm is not None

    @property
    def is_custom(self) -> bool:
        return self.lambda_suffix is None


_ALL_KINDS = INPUT_KINDS
# audit jobs need the earlier labels in each line (docs/ground-truth.md#input-manifest)
_AUDIT_KINDS = ("manifest", "job_output")
_TEXT_TYPES = ("text_objects", "text_lines", "csv_rows")


def _t(
    key: str,
    display_name: str,
    family: str,
    suffix: str | None,
    *,
    element: str | None = None,
    ui_name: str | None = None,
    ref: bool = False,
    max_labels: int | None = None,
    min_labels: int = 1,
    algorithm: str | None = None,
    prices: tuple[Decimal, ...] | None = _GENERAL_PRICES,
    audit_of: tuple[str, ...] = (),
    workers: int = 3,
    keywords: tuple[str, ...] = (),
    max_objects: int = MAX_OBJECTS,
    max_labels_al: int | None = None,
    console_max: int | None = None,
) -> TaskType:
    long_running = family in ("video_frame", "point_cloud")
    kinds: tuple[str, ...]
    data_types: tuple[str, ...]
    if family == "text":
        kinds, data_types, key_name = _ALL_KINDS, _TEXT_TYPES, "source"
    elif family == "video":
        kinds, data_types, key_name = _ALL_KINDS, ("videos",), "source-ref"
    elif family == "custom":
        kinds, data_types, key_name = _ALL_KINDS, tuple(DATA_TYPE_EXTENSIONS), "source-ref"
    elif long_running or audit_of:
        # Video frames and point clouds need sequence/frame manifests we do not generate
        # (docs/ground-truth.md#video-and-point-cloud).
        kinds, data_types, key_name = _AUDIT_KINDS, (), "source-ref"
    else:
        kinds, data_types, key_name = _ALL_KINDS, ("images",), "source-ref"
    return TaskType(
        key=key,
        display_name=display_name,
        family=family,
        lambda_suffix=suffix,
        ui="human_task_ui" if ui_name else "template",
        human_task_ui_name=ui_name,
        crowd_element=element,
        manifest_key=key_name,
        lan_must_end_with_ref=ref,
        max_task_time_limit_seconds=MAX_TASK_TIME_LONG if long_running else MAX_TASK_TIME_TEMPLATE,
        min_labels=min_labels,
        max_labels=30 if long_running else max_labels,
        max_labels_with_auto_labeling=max_labels_al,
        console_max_labels=console_max,
        max_label_length=MAX_LABEL_LENGTH_2020 if long_running else MAX_LABEL_LENGTH,
        max_objects=max_objects,
        auto_labeling_algorithm=algorithm,
        mturk_price_points=None if long_running else prices,
        input_kinds=kinds,
        prefix_data_types=data_types,
        label_config_kind="2020" if long_running else "2018",
        is_audit=bool(audit_of),
        audit_of=audit_of,
        default_workers_per_object=1 if long_running else workers,
        # Console defaults: 5 minutes for a task; 3 days for video frame
        # (docs/ground-truth.md#video-and-point-cloud), taken for 3D too (UNVERIFIED for 3D).
        default_task_time_limit_seconds=259_200 if long_running else 300,
        default_keywords=keywords,
    )


_BB = ("bounding_box", "bounding_box_adjustment")
_SS = ("semantic_segmentation", "semantic_segmentation_adjustment")
_VOD = ("video_object_detection", "video_object_detection_adjustment")
_VOT = ("video_object_tracking", "video_object_tracking_adjustment")
_POD = ("point_cloud_object_detection", "point_cloud_object_detection_adjustment")
_POT = ("point_cloud_object_tracking", "point_cloud_object_tracking_adjustment")
_PSS = ("point_cloud_semantic_segmentation", "point_cloud_semantic_segmentation_adjustment")

# Workers per object: console defaults from
# https://docs.aws.amazon.com/sagemaker/latest/dg/sms-annotation-consolidation.html for image/text
# classification (3), bounding box (5), semantic segmentation (3) and NER (3); the others follow their family
# (UNVERIFIED). Price lists: docs/ground-truth.md#pricing names bounding box, semantic segmentation and "image
# classification, text classification, custom"; multi-label, NER, verification and adjustment are not listed
# and take the list of their UI's family (UNVERIFIED).
_TABLE: tuple[TaskType, ...] = (
    _t("image_classification", "Image classification (single label)", "image", "ImageMultiClass",
       element="crowd-image-classifier", min_labels=2, algorithm="image-classification",
       keywords=("image", "classification"), console_max=30),
    _t("image_classification_multilabel", "Image classification (multi-label)", "image",
       "ImageMultiClassMultiLabel", element="crowd-image-classifier-multi-select", min_labels=2,
       max_labels=50, keywords=("image", "classification"), console_max=50),
    # CONFLICT (docs/ground-truth.md#label-category-config): the quota table says 50 bounding-box labels,
    # element docs say 10.
    _t("bounding_box", "Bounding box", "image", "BoundingBox", element="crowd-bounding-box",
       max_labels=50, algorithm="object-detection", prices=_BOUNDING_BOX_PRICES, workers=5,
       keywords=("image", "object detection", "bounding box"), console_max=50),
    _t("semantic_segmentation", "Semantic segmentation", "image", "SemanticSegmentation",
       element="crowd-semantic-segmentation", ref=True, algorithm="semantic-segmentation",
       prices=_SEMANTIC_SEGMENTATION_PRICES, max_objects=MAX_OBJECTS_SEMANTIC_SEGMENTATION,
       max_labels_al=20, keywords=("image", "segmentation"), console_max=10),
    _t("bounding_box_verification", "Bounding box verification", "image", "VerificationBoundingBox",
       element="crowd-image-classifier", audit_of=_BB, keywords=("image", "verification"),
       console_max=30),
    _t("bounding_box_adjustment", "Bounding box adjustment", "image", "AdjustmentBoundingBox",
       element="crowd-bounding-box", max_labels=50, prices=_BOUNDING_BOX_PRICES, audit_of=_BB,
       workers=5, keywords=("image", "bounding box", "adjustment"), console_max=50),
    # docs/ground-truth.md#label-attribute-name: the one segmentation job whose attribute name must NOT end
    # with -ref.
    _t("semantic_segmentation_verification", "Semantic segmentation verification", "image",
       "VerificationSemanticSegmentation", element="crowd-image-classifier", audit_of=_SS,
       max_objects=MAX_OBJECTS_SEMANTIC_SEGMENTATION, keywords=("image", "verification"),
       console_max=30),
    _t("semantic_segmentation_adjustment", "Semantic segmentation adjustment", "image",
       "AdjustmentSemanticSegmentation", element="crowd-semantic-segmentation", ref=True,
       prices=_SEMANTIC_SEGMENTATION_PRICES, audit_of=_SS, max_objects=MAX_OBJECTS_SEMANTIC_SEGMENTATION,
       keywords=("image", "segmentation", "adjustment"), console_max=10),
    _t("text_classification", "Text classification (single label)", "text", "TextMultiClass",
       element="crowd-classifier", min_labels=2, algorithm="text-classification",
       keywords=("text", "classification"), console_max=30),
    _t("text_classification_multilabel", "Text classification (multi-label)", "text",
       "TextMultiClassMultiLabel", element="crowd-classifier-multi-select", min_labels=2, max_labels=50,
       keywords=("text", "classification"), console_max=50),
    _t("named_entity_recognition", "Named entity recognition", "text", "NamedEntityRecognition",
       ui_name="NamedEntityRecognition", keywords=("text", "named entity recognition"), console_max=30),
    # Video classification is a template task, not a "video frame" one, so
    # docs/ground-truth.md#human-task-config gives it neither limit explicitly: we apply the 8 h template
    # limit (UNVERIFIED). MTurk is excluded only for video frame in docs/ground-truth.md#mturk; we still
    # refuse it here to be safe (UNVERIFIED), as for all video.
    _t("video_classification", "Video classification", "video", "VideoMultiClass",
       element="crowd-classifier", max_labels=30, prices=None, keywords=("video", "classification"),
       console_max=30),
    _t("video_object_detection", "Video frame object detection", "video_frame", "VideoObjectDetection",
       ui_name="VideoObjectDetection", ref=True, keywords=("video", "object detection")),
    _t("video_object_detection_adjustment", "Video frame object detection adjustment", "video_frame",
       "AdjustmentVideoObjectDetection", ui_name="VideoObjectDetection", ref=True, audit_of=_VOD,
       keywords=("video", "object detection", "adjustment")),
    _t("video_object_tracking", "Video frame object tracking", "video_frame", "VideoObjectTracking",
       ui_name="VideoObjectTracking", ref=True, keywords=("video", "object tracking")),
    _t("video_object_tracking_adjustment", "Video frame object tracking adjustment", "video_frame",
       "AdjustmentVideoObjectTracking", ui_name="VideoObjectTracking", ref=True, audit_of=_VOT,
       keywords=("video", "object tracking", "adjustment")),
    # docs/ground-truth.md#label-attribute-name lists 3D semantic segmentation and object tracking, not object
    # detection, among the types whose attribute name must end with -ref; we follow the list literally.
    _t("point_cloud_object_detection", "3D point cloud object detection", "point_cloud",
       "3DPointCloudObjectDetection", ui_name="PointCloudObjectDetection",
       keywords=("point cloud", "object detection")),
    _t("point_cloud_object_detection_adjustment", "3D point cloud object detection adjustment",
       "point_cloud", "Adjustment3DPointCloudObjectDetection", ui_name="PointCloudObjectDetection",
       audit_of=_POD, keywords=("point cloud", "object detection", "adjustment")),
    _t("point_cloud_object_tracking", "3D point cloud object tracking", "point_cloud",
       "3DPointCloudObjectTracking", ui_name="PointCloudObjectTracking", ref=True,
       keywords=("point cloud", "object tracking")),
    _t("point_cloud_object_tracking_adjustment", "3D point cloud object tracking adjustment",
       "point_cloud", "Adjustment3DPointCloudObjectTracking", ui_name="PointCloudObjectTracking",
       ref=True, audit_of=_POT, keywords=("point cloud", "object tracking", "adjustment")),
    _t("point_cloud_semantic_segmentation", "3D point cloud semantic segmentation", "point_cloud",
       "3DPointCloudSemanticSegmentation", ui_name="PointCloudSemanticSegmentation", ref=True,
       keywords=("point cloud", "segmentation")),
    _t("point_cloud_semantic_segmentation_adjustment", "3D point cloud semantic segmentation adjustment",
       "point_cloud", "Adjustment3DPointCloudSemanticSegmentation",
       ui_name="PointCloudSemanticSegmentation", ref=True, audit_of=_PSS,
       keywords=("point cloud", "segmentation", "adjustment")),
    # Custom: the user's template and PRE/ACS Lambdas; 8 h limit (docs/ground-truth.md#human-task-config); 1
    # worker by default.
    _t("custom", "Custom", "custom", None, workers=1, keywords=("labeling",)),
)  # fmt: skip

TASK_TYPES: dict[str, TaskType] = {t.key: t for t in _TABLE}


def get_task_type(task_type_key: str, field: str = "task_type") -> TaskType:
    """The TaskType for `task_type_key`, or RuleViolation naming the known keys."""
    task_type = TASK_TYPES.get(task_type_key)
    if task_type is None:
        raise RuleViolation([unknown_task_type_violation(task_type_key, field)])
    return task_type


def unknown_task_type_violation(value: object, field: str = "task_type") -> Violation:
    return Violation(field, value, "task type must be one of: " + ", ".join(TASK_TYPES))


def manifest_object_bounds(task_type_key: str, *, automated_labeling: bool) -> tuple[int, int]:
    """(fewest, most) items a job's input manifest may hold: the task type's object quota, and automated
    labeling's minimum when it is on (docs/ground-truth.md#automated-labeling)."""
    minimum = MIN_OBJECTS_FOR_AUTOMATED_LABELING if automated_labeling else 1
    return minimum, get_task_type(task_type_key).max_objects


def needs_wide_cors(task_type_key: str) -> bool:
    """Video frame and 3D point cloud tasks need the wider CORS rule on the input and output buckets
    (docs/ground-truth.md#cors)."""
    return get_task_type(task_type_key).family in ("video_frame", "point_cloud")


def default_label_attribute_name(task_type_key: str, job_name: str) -> str:
    """The console's default: the job name, plus `-ref` where the type requires it
    (docs/ground-truth.md#label-attribute-name)."""
    task_type = get_task_type(task_type_key)
    return f"{job_name}-ref" if task_type.lan_must_end_with_ref else job_name


def effective_label_attribute_name(spec: Mapping[str, Any]) -> str:
    """The spec's attribute name, or the console default (job name, `-ref` where required)."""
    given = spec.get("label_attribute_name")
    if given:
        return str(given)
    task_type = str(spec.get("task_type", ""))
    name = str(spec.get("name", ""))
    return default_label_attribute_name(task_type, name) if task_type in TASK_TYPES else name


def _require_region(region: str) -> str:
    violations = region_violations(region)
    if violations:
        raise RuleViolation(violations)
    return GT_LAMBDA_ACCOUNTS[region]


def pre_acs_arns(task_type_key: str, region: str, partition: str = "aws") -> tuple[str, str]:
    """AWS-owned PRE-/ACS- Lambda ARNs of a built-in type in `region` (docs/ground-truth.md#lambda-arns)."""
    task_type = get_task_type(task_type_key)
    account = _require_region(region)
    if task_type.lambda_suffix is None:
        raise RuleViolation(
            [Violation("task_type", task_type_key, "custom tasks name their own PRE and ACS Lambda ARNs")]
        )
    base = f"arn:{partition}:lambda:{region}:{account}:function:"
    return f"{base}PRE-{task_type.lambda_suffix}", f"{base}ACS-{task_type.lambda_suffix}"


def human_task_ui_arn(task_type_key: str, region: str, partition: str = "aws") -> str:
    """The AWS-provided worker UI of NER, video frame and 3D types (docs/ground-truth.md#worker-ui)."""
    task_type = get_task_type(task_type_key)
    _require_region(region)
    if task_type.human_task_ui_name is None:
        raise RuleViolation(
            [
                Violation(
                    "task_type", task_type_key, "this task type uses a worker template, not a HumanTaskUiArn"
                )
            ]
        )
    name = task_type.human_task_ui_name
    return f"arn:{partition}:sagemaker:{region}:{HUMAN_TASK_UI_ACCOUNT}:human-task-ui/{name}"


def algorithm_spec_arn(task_type_key: str, region: str, partition: str = "aws") -> str:
    """The automated-labeling algorithm ARN (docs/ground-truth.md#automated-labeling); RuleViolation where it
    is not allowed."""
    task_type = get_task_type(task_type_key)
    _require_region(region)
    if task_type.auto_labeling_algorithm is None:
        raise RuleViolation(
            [
                Violation(
                    "automated_labeling",
                    task_type_key,
                    "automated data labeling is only available for single-label image and text "
                    "classification, bounding box and semantic segmentation",
                )
            ]
        )
    return (
        f"arn:{partition}:sagemaker:{region}:{ALGORITHM_SPEC_ACCOUNT}:"
        f"labeling-job-algorithm-specification/{task_type.auto_labeling_algorithm}"
    )


def public_workteam_arn(region: str, partition: str = "aws") -> str:
    """The Amazon Mechanical Turk work team (docs/ground-truth.md#mturk)."""
    _require_region(region)
    return f"arn:{partition}:sagemaker:{region}:{PUBLIC_WORKTEAM_ACCOUNT}:workteam/public-crowd/default"
