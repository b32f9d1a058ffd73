"""Every reader against AWS's documented examples, real public output and the pitfalls of real output."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.results import builders
from tools.results.errors import UsageError
from tools.results.model import Box, Item, Kind
from tools.results.read.jobdir import JobInput, job_root_of, manifest_in
from tools.results.read.manifest import (
    ReadOptions,
    choose_attribute,
    iter_lines,
    label_attributes,
    read_items,
)

DATA = Path(__file__).parent / "data"


def items(path: Path, attribute: str, job: JobInput | None = None) -> list[Item]:
    options = ReadOptions(job=job or JobInput(manifest=path, root=job_root_of(path)))
    return [item for _, _, item in read_items(path, attribute, options) if item is not None]


def job_items(folder: Path, attribute: str) -> list[Item]:
    manifest = manifest_in(folder)
    return items(manifest, attribute, JobInput(manifest=manifest, root=job_root_of(manifest)))


# --- AWS documentation examples (tests/results/data/docs) ----------------------------------------


def test_docs_image_classification_int_and_string_class_ids() -> None:
    path = DATA / "docs" / "image_classification.manifest"
    (sport,) = items(path, "sport")
    (species,) = items(path, "species")
    assert (sport.kind, sport.labels[0].name, sport.labels[0].class_id) == (
        Kind.CLASSIFICATION,
        "football",
        "0",
    )
    assert species.labels[0].class_id == "0" and species.labels[0].name == "dog"  # "0" written as a string
    assert sport.labels[0].confidence == 0.0 and sport.job_name == "identify-sport"


def test_docs_text_classification_keeps_the_inline_text() -> None:
    (item,) = items(DATA / "docs" / "text_classification.manifest", "mood")
    assert item.source == "The food was delicious" and item.source_ref is None
    assert (item.labels[0].name, item.labels[0].confidence) == ("positive", 0.8)


@pytest.mark.parametrize(
    ("name", "attribute", "expected"),
    [
        (
            "image_classification_multilabel",
            "image-label-attribute-name",
            [("bicycle", 0.95), ("person", 0.77), ("clothing", 0.2)],
        ),
        (
            "text_classification_multilabel",
            "text-label-attribute-name",
            [("approving", 0.95), ("sad", 0.77), ("critical", 0.2)],
        ),
    ],
)  # fmt: skip
def test_docs_multilabel(name: str, attribute: str, expected: list[tuple[str, float]]) -> None:
    (item,) = items(DATA / "docs" / f"{name}.manifest", attribute)
    assert item.kind is Kind.MULTILABEL
    assert [(label.name, label.confidence) for label in item.labels] == expected


def test_docs_bounding_box_and_its_adjustment() -> None:
    path = DATA / "docs" / "bounding_box_adjustment.manifest"
    (original,) = items(path, "bounding-box")
    (adjusted,) = items(path, "adjusted-bounding-box")
    assert original.image_size == (500, 400, 3)
    assert [(label.name, label.box) for label in original.labels] == [
        ("dog", Box(111, 134, 61, 128)),
        ("bone", Box(161, 250, 30, 30)),
        ("bone", Box(20, 20, 30, 30)),
    ]
    assert [label.confidence for label in original.labels] == [0.8, 0.9, 0.9]
    assert adjusted.adjustment_status == "adjusted" and adjusted.type == "groundtruth/object-detection"
    assert adjusted.labels[0].box == Box(110, 135, 61, 128) and original.adjustment_status is None


def test_docs_label_verification_keeps_worker_feedback() -> None:
    (item,) = items(DATA / "docs" / "bounding_box_verification.manifest", "verify-bounding-box")
    assert item.type == "groundtruth/label-verification" and item.labels[0].name == "bad"
    assert item.comments[1] == "The bird on the upper right is not labeled."


def test_docs_named_entities_with_offsets_and_integer_confidence() -> None:
    (item,) = items(DATA / "docs" / "named_entity.manifest", "example-ner-labeling-job")
    assert item.kind is Kind.SPANS and len(item.labels) == 7
    first = item.labels[0]
    assert (first.name, first.span, first.confidence) == ("Thing", (22, 53), 0.0)
    assert item.source is not None and first.span is not None
    assert item.source[first.span[0] : first.span[1]] == "cloud machine-learning platform"


def test_docs_segmentation_without_its_mask_is_counted_not_guessed() -> None:
    (item,) = items(DATA / "docs" / "semantic_segmentation_verification.manifest", "city-streets-ref")
    assert item.kind is Kind.SEGMENTATION and item.ref_missing and item.labels == []
    assert item.class_colors == {"BACKGROUND": "#ffffff", "buildings": "#2acf59", "road": "#f28333"}


def test_docs_video_detection_and_tracking_sequence_files() -> None:
    detection = job_items(DATA / "docs" / "jobs" / "video-detection-job", "CarObjectDetection-ref")[0]
    tracking = job_items(DATA / "docs" / "jobs" / "video-tracking-job", "CarObjectTracking-ref")[0]
    assert not detection.ref_missing
    assert [(label.frame, label.name, label.box) for label in detection.labels][:2] == [
        (0, "bus", Box(339, 152, 53, 41)),
        (0, "car", Box(183, 148, 37, 24)),
    ]
    car = [label for label in tracking.labels if label.name == "car"]
    assert {label.object_id for label in car} == {"480dc450-c0ca-11ea-961f-a9b1c5c97972"}
    assert [label.frame for label in car] == [0, 1]


def test_docs_point_cloud_detection_inline_with_class_map_underscore() -> None:
    (item,) = items(DATA / "docs" / "point_cloud_object_detection.manifest", "3d-bounding-box")
    assert item.kind is Kind.CUBOIDS and [label.name for label in item.labels] == ["Car", "Car"]
    cuboid = item.labels[1].cuboid
    assert cuboid is not None and cuboid.size == (4, 2, 2) and cuboid.yaw == pytest.approx(1.6243170732068055)
    # source-ref-metadata (frame data, no type) is not taken for a label attribute
    line = next(iter_lines(DATA / "docs" / "point_cloud_object_detection.manifest"))[2]
    assert label_attributes(line) == ["3d-bounding-box"]


def test_docs_point_cloud_tracking_with_the_older_lidar_type_name() -> None:
    (item,) = job_items(DATA / "docs" / "jobs" / "point-cloud-tracking-job", "lidar-label-attribute-ref")
    assert item.type == "groundtruth/point_cloud_object_tracking" and item.kind is Kind.CUBOIDS
    assert len(item.labels) == 6 and {label.frame for label in item.labels} == {0, 1}
    assert len({label.object_id for label in item.labels}) == 3


def test_docs_point_cloud_segmentation_counts_points_per_class() -> None:
    (item,) = job_items(
        DATA / "docs" / "jobs" / "point-cloud-segmentation-job", "lidar-ss-label-attribute-ref"
    )
    assert {label.name: label.pixels for label in item.labels} == {
        "Car": 27,
        "Background": 12,
        "Pedestrian": 11,
    }


# --- shapes seen in public output, in files of our own (tests/results/data/shapes) ---------------

SHAPES = DATA / "shapes"


def plain_json(path: Path) -> list[Any]:
    """The fixture's lines as json.loads sees them: to check that a file really holds its quirk."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_shape_classification_by_several_workers_keeps_each_confidence() -> None:
    read = items(SHAPES / "classification_several_workers.manifest", "shelf-stock")
    assert [(item.labels[0].name, item.labels[0].confidence) for item in read] == [
        ("Full", 0.95),
        ("Half empty", 0.5),
        ("Half empty", 0.77),
        ("Empty", 0.95),
        ("Full", 0.62),
    ]
    assert {item.job_name for item in read} == {"shelf-stock"}  # "labeling-job/" dropped


def test_shape_integer_class_ids_zero_to_four_are_read_as_strings() -> None:
    path = SHAPES / "classification_numeric_class_ids.manifest"
    assert sorted(line["parcel-condition"] for line in plain_json(path)) == [0, 1, 2, 3, 4]
    read = items(path, "parcel-condition")
    assert [(label.class_id, label.name) for item in read for label in item.labels] == [
        ("2", "Torn"),
        ("0", "Intact"),
        ("4", "Crushed"),
        ("1", "Dented"),
        ("3", "Wet"),
    ]


def test_shape_classification_without_any_confidence() -> None:
    path = SHAPES / "classification_without_confidence.manifest"
    assert not any("confidence" in line["leaf-health-metadata"] for line in plain_json(path))
    read = items(path, "leaf-health")
    assert [(item.labels[0].name, item.labels[0].confidence) for item in read] == [
        ("Healthy", None),
        ("Rust", None),
        ("Healthy", None),
    ]
    assert {item.job_name for item in read} == {"leaf-health-20240917"}


def test_shape_bounding_boxes_with_an_empty_box_list_and_class_map() -> None:
    boxes = items(SHAPES / "bounding_box_empty_image.manifest", "pallet-boxes")
    assert [len(item.labels) for item in boxes] == [1, 0, 3, 2]
    empty = boxes[1]
    assert empty.labeled and empty.kind is Kind.BOXES and empty.image_size == (1280, 720, 3)
    assert [(label.name, label.confidence) for label in boxes[2].labels] == [
        ("Pallet", 0.41),
        ("Pallet", 0.63),
        ("Pallet", 0.52),
    ]


def test_shape_chained_adjustment_with_non_ascii_keys_and_integer_zero_confidence() -> None:
    path = SHAPES / "chained_adjustment_non_ascii_keys.manifest"
    lines = plain_json(path)
    both = ["receipt-fields", "receipt-fields-review"]  # a job and its chained adjustment job
    assert [sorted(label_attributes(line)) for line in lines] == [both, both]
    original = items(path, "receipt-fields")
    review = items(path, "receipt-fields-review")
    assert [item.adjustment_status for item in review] == ["adjusted", "unadjusted"]
    assert [item.adjustment_status for item in original] == [None, None]
    assert {item.job_name for item in original} == {"receipt-fields"}
    assert {item.job_name for item in review} == {"receipt-fields-review"}
    assert review[0].source_ref == "s3://gtlab-dev-input-example/scans/편의점_영수증_03.png"
    # The class-map keys are out of order: each box is named by its id, not by its place in the map.
    assert [label.name for label in review[0].labels] == [
        "store_name",
        "item_line",
        "item_line",
        "total",
        "tax",
    ]
    assert [label.name for label in original[1].labels] == ["total", "store_name", "item_line"]
    # Adjusted: one box moved and one added. Unadjusted: every box as the first job left it.
    assert review[0].labels[3].box == Box(96, 1372, 890, 96) != original[0].labels[3].box
    assert [label.box for label in review[1].labels] == [label.box for label in original[1].labels]
    written = [
        score["confidence"] for line in lines for score in line["receipt-fields-review-metadata"]["objects"]
    ]
    assert written == [0] * 8 and all(type(score) is int for score in written)  # 0, not 0.0
    assert {label.confidence for item in original + review for label in item.labels} == {0}


# --- real public output (tests/results/data/real) ------------------------------------------------


REAL_MASK_PIXELS = {"BACKGROUND": 1593284, "IC": 27558, "resistor1": 2677, "resistor2": 2945}


def test_real_segmentation_mask_decoded_by_colour() -> None:
    (item,) = job_items(DATA / "real" / "jobs" / "S10-label3", "S10-label3-ref")
    assert {label.name: label.pixels for label in item.labels} == REAL_MASK_PIXELS


def test_label_files_are_found_under_raw_key_names_too(tmp_path: Path) -> None:
    """A folder copied with `aws s3 sync` keeps the colons that `pull` encodes."""
    job = tmp_path / "S10-label3"
    shutil.copytree(DATA / "real" / "jobs" / "S10-label3", job)
    output = job / "annotations" / "consolidated-annotation" / "output"
    (output / "0_2022-09-09T17%3A25%3A31.918770.png").rename(output / "0_2022-09-09T17:25:31.918770.png")
    (item,) = job_items(job, "S10-label3-ref")
    assert {label.name: label.pixels for label in item.labels} == REAL_MASK_PIXELS


def test_real_custom_task_keeps_its_value() -> None:
    (first, _) = items(
        DATA / "real" / "custom_legal_entities.manifest",
        "legal-entity-label-job-labeling-job-20220104T172242",
    )
    assert first.kind is Kind.CUSTOM and first.labels == []
    assert first.value == {
        "annotation-ref": "s3://legal-entity-blog/annotations/Letter 36-1-21e16c6e-ann.json"
    }


def test_real_classification_by_several_workers() -> None:
    path = DATA / "real" / "image_classification_hands_several_workers.manifest"
    raw = plain_json(path)
    read = items(path, "lab1-labeling-job")
    assert [(item.labels[0].class_id, item.labels[0].name, item.labels[0].confidence) for item in read] == [
        (
            str(line["lab1-labeling-job"]),
            line["lab1-labeling-job-metadata"]["class-name"],
            line["lab1-labeling-job-metadata"]["confidence"],
        )
        for line in raw
    ]
    assert {label.confidence for item in read for label in item.labels} == {0.95, 0.68, 0.57, 0.84}
    assert {label.name for item in read for label in item.labels} == {"RH", "LH"}
    assert {item.job_name for item in read} == {"lab1-labeling-job"}


def test_real_boxes_merged_from_several_workers_keep_fractional_pixels() -> None:
    path = DATA / "real" / "bounding_box_birds_several_workers.manifest"
    raw = plain_json(path)
    read = items(path, "category")
    assert [len(item.labels) for item in read] == [len(line["category"]["annotations"]) for line in raw]
    second = read[1]
    assert second.image_size == (1024, 768, 3)
    assert [(label.name, label.confidence) for label in second.labels] == [
        ("Bird", 0.88),
        ("Bird", 0.75),
        ("Bird", 0.84),
    ]
    assert second.labels[0].box == Box(left=455.6, top=187.39999999999998, width=257.4, height=245)


def test_real_boxes_with_integer_zero_confidence_and_an_empty_image() -> None:
    path = DATA / "real" / "bounding_box_integer_confidence_empty_image.manifest"
    raw = plain_json(path)
    confidences = [o["confidence"] for line in raw for o in line["zegar-labeling-test-metadata"]["objects"]]
    assert confidences and all(type(c) is int and c == 0 for c in confidences)
    read = items(path, "zegar-labeling-test")
    assert [len(item.labels) for item in read] == [4, 6, 0, 3]
    empty = read[2]
    assert empty.labeled and empty.kind is Kind.BOXES and empty.image_size == (905, 1024, 3)
    assert {label.confidence for item in read for label in item.labels} == {0.0}
    # Each line's class-map names only its own classes: the last line has class 1 and no class 0.
    assert {label.name for label in read[3].labels} == {"Davidoff"}
    assert {label.name for label in read[0].labels} == {"Arturo Fuente"}


# --- generated pitfalls ---------------------------------------------------------------------------


def test_failure_reason_lines_have_no_label(tmp_path: Path) -> None:
    job = builders.classification_job(tmp_path, with_sources=False)
    read = job_items(job, "fashion")
    assert len(read) == 5  # the never-labeled line has no attribute at all
    failed = [item for item in read if item.failure]
    assert [(item.index, item.failure, item.labels) for item in failed] == [
        (3, "ClientError: task timed out for every worker", [])
    ]


def test_labels_are_kept_exactly_trailing_spaces_and_non_ascii(tmp_path: Path) -> None:
    read = job_items(builders.classification_job(tmp_path, with_sources=False), "fashion")
    names = [item.labels[0].name for item in read if item.labels]
    assert names == ["Bag", "Watch", "Flipflop ", "Ñandú"]
    assert [item.labels[0].class_id for item in read if item.labels] == ["0", "1", "3", "4"]  # gap at 2
    assert {item.job_name for item in read} == {"fashion"}  # "labeling-job/fashion" and "fashion"


def test_segmentation_decodes_by_hex_colour_not_palette_index(tmp_path: Path) -> None:
    job, expected = builders.segmentation_job(tmp_path)
    decoded, missing = job_items(job, "streets-ref")
    assert {label.name: label.pixels for label in decoded.labels} == expected
    assert missing.ref_missing and missing.labels == []


def test_point_cloud_zlib_that_is_not_zlib_is_a_clear_error(tmp_path: Path) -> None:
    source = DATA / "docs" / "jobs" / "point-cloud-segmentation-job"
    job = tmp_path / "point-cloud-segmentation-job"
    manifest = job / "manifests" / "output" / "output.manifest"
    manifest.parent.mkdir(parents=True)
    manifest.write_bytes((source / "manifests" / "output" / "output.manifest").read_bytes())
    label_file = job / "annotations" / "consolidated-annotation" / "output" / "0" / "filename.zlib"
    label_file.parent.mkdir(parents=True)
    label_file.write_bytes(b"not zlib")
    with pytest.raises(
        UsageError, match=r"output\.manifest, line 1: point labels .*filename\.zlib: not a zlib"
    ):
        job_items(job, "lidar-ss-label-attribute-ref")
    label_file.write_bytes(zlib.compress(bytes([3, 3, 0])))
    (item,) = job_items(job, "lidar-ss-label-attribute-ref")
    assert {label.name: label.pixels for label in item.labels} == {"Tree": 2, "Background": 1}


# --- bad input: one line naming the file, the line and the problem -----------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"source-ref": "s3://b/k"}\n{"source-ref": "s3://b/k",\n', r"line 2: not JSON Lines \("),
        ('["a list"]\n', r"line 1: not JSON Lines \(a JSON object per line expected, found list\)"),
        (
            '{"a": 1, "a-metadata": {"type": "groundtruth/keypoints-ish", "class-name": "x"}}\n',
            r"line 1: 'a-metadata' has an unknown type 'groundtruth/keypoints-ish' \(known: ",
        ),
        (
            '{"a-metadata": {"type": "groundtruth/image-classification", "class-name": "x"}}\n',
            r"line 1: 'a' is missing although 'a-metadata' has type 'groundtruth/image-classification'",
        ),
        (
            '{"a": 0, "a-metadata": {"type": "groundtruth/image-classification"}}\n',
            r"line 1: 'a-metadata' has no 'class-name' \(type groundtruth/image-classification\)",
        ),
        (
            '{"a": {"annotations": [{"class_id": 0, "left": "ten", "top": 1, "width": 1, "height": 1}]},'
            ' "a-metadata": {"type": "groundtruth/object-detection", "class-map": {"0": "x"}}}\n',
            r"line 1: left = 'ten': a number expected",
        ),
        (
            '{"a": {"annotations": [{"class_id": 0, "top": 1, "width": 1, "height": 1}]},'
            ' "a-metadata": {"type": "groundtruth/object-detection"}}\n',
            r"line 1: 'a.annotations\[0\]' has no 'left'",
        ),
        (
            '{"a": [0, 9], "a-metadata": {"type": "groundtruth/image-classification-multilabel",'
            ' "class-map": {"0": "x"}}}\n',
            r"line 1: class id 9 of 'a' is not in its class-map",
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_line_and_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "bad.manifest"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        list(read_items(path, "a"))
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{path}, ")
    assert __import__("re").search(problem, message), message


def test_not_utf8_is_reported_as_not_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "latin1.manifest"
    path.write_bytes(b'{"source": "caf\xe9"}\n')
    with pytest.raises(UsageError, match=r"latin1\.manifest, line 1: not JSON Lines"):
        list(iter_lines(path))


def test_blank_lines_are_skipped_but_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.manifest"
    line = json.dumps(builders.classification_line("a.jpg", 0))
    path.write_text(f"{line}\n\n{line}\n", encoding="utf-8")
    assert [item.line_no for _, _, item in read_items(path, "fashion") if item is not None] == [1, 3]


def test_choose_attribute_requested_single_several(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    found = {"first": "groundtruth/object-detection", "second": "groundtruth/label-verification"}
    assert choose_attribute(path, {"only": "t"}, None) == "only"
    assert choose_attribute(path, found, "second") == "second"
    with pytest.raises(
        UsageError, match=r"no label attribute 'third' \(found: first \(groundtruth/object-detection\)"
    ):
        choose_attribute(path, found, "third")
    with pytest.raises(
        UsageError, match=r"several label attributes: first .*, second .*; pick one with --attribute NAME"
    ):
        choose_attribute(path, found, None, interactive=False)
    assert choose_attribute(path, found, None, interactive=True, ask=lambda _: "2") == "second"
    assert choose_attribute(path, found, None, interactive=True, ask=lambda _: "first") == "first"
    with pytest.raises(UsageError, match="'9' is not one of: first, second"):
        choose_attribute(path, found, None, interactive=True, ask=lambda _: "9")


def test_job_folder_layout_and_newest_intermediate_manifest(tmp_path: Path) -> None:
    job = tmp_path / "my-job"
    for number in (1, 2, 10):
        builders.write_lines(job / "manifests" / "intermediate" / str(number) / "output.manifest", [])
    assert manifest_in(job) == job / "manifests" / "intermediate" / "10" / "output.manifest"
    assert job_root_of(manifest_in(job)) == job.resolve()
    builders.write_lines(builders.manifest_path(job), [])
    assert manifest_in(job) == builders.manifest_path(job)
    with pytest.raises(UsageError, match="no output manifest"):
        manifest_in(tmp_path / "empty")
    assert job_root_of(tmp_path / "loose.manifest") is None


def test_sources_never_leave_their_folder(tmp_path: Path) -> None:
    (tmp_path / "sources" / "bucket").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "sources" / "bucket" / "a b.jpg").write_text("x")
    job = JobInput(manifest=tmp_path / "m", root=tmp_path, sources=tmp_path / "sources")
    assert job.local_source("s3://bucket/../../secret.txt") is None
    assert job.local_source("s3://bucket/a b.jpg") == tmp_path / "sources" / "bucket" / "a b.jpg"
    assert job.local_source("s3://bucket/a%20b.jpg") == tmp_path / "sources" / "bucket" / "a b.jpg"
    assert job.local_source("https://example.com/a.jpg") is None
