"""What the results commands work on: one labeled object (`Item`) and its labels (`Label`).

Readers turn each output-manifest line into one `Item` per label attribute; stats, exports and the
report only ever see these, so a new output type needs a reader and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """How the labels of one output type are shaped; chosen from `<attr>-metadata.type`."""

    CLASSIFICATION = "classification"  # one class per object (image, text, video, verification)
    MULTILABEL = "multilabel"  # a set of classes per object
    BOXES = "boxes"  # 2D boxes in pixels
    SEGMENTATION = "segmentation"  # a PNG mask per image
    SPANS = "spans"  # named entities: character offsets in `source`
    VIDEO = "video"  # a sequence file of per-frame boxes/polygons (SeqLabel.json)
    CUBOIDS = "cuboids"  # 3D boxes, inline or in a sequence file
    POINT_SEGMENTATION = "point_segmentation"  # one class per point, zlib-compressed
    CUSTOM = "custom"  # whatever the consolidation Lambda wrote


# Every `type` Ground Truth writes, per the "Labeling job output data" page
# (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html). Older 3D jobs wrote
# `lidar_*` names; `normalise_type` maps them onto the point_cloud_* names.
TYPE_KINDS: dict[str, Kind] = {
    "groundtruth/image-classification": Kind.CLASSIFICATION,
    "groundtruth/text-classification": Kind.CLASSIFICATION,
    # Not on the output data page: assumed from the other classification types' naming; if video
    # classification output says otherwise, reading stops with "unknown type" naming it.
    "groundtruth/video-classification": Kind.CLASSIFICATION,
    "groundtruth/label-verification": Kind.CLASSIFICATION,
    "groundtruth/image-classification-multilabel": Kind.MULTILABEL,
    "groundtruth/text-classification-multilabel": Kind.MULTILABEL,
    "groundtruth/object-detection": Kind.BOXES,
    "groundtruth/semantic-segmentation": Kind.SEGMENTATION,
    "groundtruth/text-span": Kind.SPANS,
    "groundtruth/video-object-detection": Kind.VIDEO,
    "groundtruth/video-object-tracking": Kind.VIDEO,
    "groundtruth/point_cloud_object_detection": Kind.CUBOIDS,
    "groundtruth/point_cloud_object_tracking": Kind.CUBOIDS,
    "groundtruth/point_cloud_single_frame_semantic_segmentation": Kind.POINT_SEGMENTATION,
    "groundtruth/custom": Kind.CUSTOM,
}
_OLD_TYPE_NAMES = {
    "groundtruth/lidar_object_detection": "groundtruth/point_cloud_object_detection",
    "groundtruth/lidar_object_tracking": "groundtruth/point_cloud_object_tracking",
    "groundtruth/lidar_single_frame_semantic_segmentation": (
        "groundtruth/point_cloud_single_frame_semantic_segmentation"
    ),
    "groundtruth/lidar_semantic_segmentation": "groundtruth/point_cloud_single_frame_semantic_segmentation",
}

# Kinds whose labels come from a closed class list, so a distribution and agreement make sense.
CLASS_KINDS = frozenset({Kind.CLASSIFICATION, Kind.MULTILABEL})


def normalise_type(raw: str) -> str:
    """`groundtruth/lidar_object_detection` -> `groundtruth/point_cloud_object_detection`; else as is."""
    return _OLD_TYPE_NAMES.get(raw, raw)


def short_job_name(job_name: str) -> str:
    """Ground Truth writes `job-name` as "x" in some outputs and "labeling-job/x" in others."""
    return job_name.removeprefix("labeling-job/")


@dataclass(frozen=True, slots=True)
class Box:
    """A 2D box in pixels, top-left corner and size, as Ground Truth writes it."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Cuboid:
    """A 3D box: centre, size and yaw (radians, as written: see the output data page)."""

    center: tuple[float, float, float]
    size: tuple[float, float, float]  # length, width, height
    yaw: float


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made reading
# 100,000 box lines measurably slower (docs/performance.md).
@dataclass(slots=True)
class Label:
    """One label of one object: a class, a box of a class, an entity, a class present in a mask.

    A box is kept as four numbers rather than a Box object: reading 100,000 lines of five boxes
    then builds half as many objects (docs/performance.md); `box` gives the Box.
    """

    name: str  # exactly as written: trailing spaces and non-ASCII kept
    class_id: str | None = None  # as a string: real output writes ints, some docs strings
    confidence: float | None = None
    left: float | None = None  # a 2D box, in pixels (all four set, or none)
    top: float = 0
    width: float = 0
    height: float = 0
    span: tuple[int, int] | None = None  # named entities: start and end offsets
    frame: int | None = None  # video and point cloud sequences
    object_id: str | None = None  # tracking: the same object across frames
    cuboid: Cuboid | None = None
    points: tuple[tuple[float, float], ...] | None = None  # video polygons, polylines, keypoints
    pixels: int | None = None  # segmentation: pixels (or 3D points) of this class

    @property
    def box(self) -> Box | None:
        return None if self.left is None else Box(self.left, self.top, self.width, self.height)


@dataclass(slots=True)
class Item:
    """One output-manifest line seen through one label attribute."""

    line_no: int  # 1-based line number in the manifest (for messages)
    index: int  # 0-based; Ground Truth's datasetObjectId for this line
    attribute: str
    type: str  # normalised `type`; "" when a failed line has none
    kind: Kind | None  # None when the line failed before a type was written
    source_ref: str | None
    source: str | None  # inline text (text tasks)
    labels: list[Label] = field(default_factory=list)
    failure: str | None = None  # `failure-reason`: no label
    image_size: tuple[int, int, int] | None = None  # width, height, depth
    label_ref: str | None = None  # `-ref` value: mask PNG, SeqLabel.json, zlib file
    ref_missing: bool = False  # the `-ref` file is not in the local job folder
    job_name: str | None = None
    adjustment_status: str | None = None
    human_annotated: str | None = None
    creation_date: str | None = None
    class_colors: dict[str, str] | None = None  # segmentation: class name -> "#rrggbb"
    value: object = None  # the raw label value (custom tasks keep only this)
    comments: tuple[str, ...] = ()  # verification `worker-feedback`

    @property
    def labeled(self) -> bool:
        return self.failure is None and self.kind is not None
