"""Every export format, read back with its own library or parser."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from tests.results import builders
from tools.results import cli
from tools.results.errors import UsageError
from tools.results.export import export
from tools.results.read.jobdir import JobInput, job_root_of
from tools.results.split import parse_split

DATA = Path(__file__).parent / "data"
# pycocotools' decode passes copy=False to numpy 2 (its own deprecation, not ours).
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def job_input(job: Path) -> JobInput:
    manifest = builders.manifest_path(job)
    return JobInput(
        manifest=manifest,
        root=job_root_of(manifest),
        sources=job / "sources" if (job / "sources").is_dir() else None,
    )


def run_export(job: JobInput, fmt: str, out: Path, **kwargs: object) -> dict[str, object]:
    return export(job, fmt, out, log=io.StringIO(), **kwargs)  # type: ignore[arg-type]


def test_coco_boxes_load_in_pycocotools(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path / "jobs")
    result = run_export(job_input(job), "coco", tmp_path / "out")
    assert result["skipped"] == {"failed": 1} and result["images_missing"] == 0
    coco = COCO(str(tmp_path / "out" / "annotations" / "instances.json"))
    assert len(coco.getImgIds()) == 4 and len(coco.getAnnIds()) == 4
    # the job's classes in its own order (ids 0, 5, 7), COCO ids from 1, names exact
    assert [(c["id"], c["name"]) for c in coco.loadCats(coco.getCatIds())] == [
        (1, "dog"),
        (2, "bone"),
        (3, "Straße "),
    ]
    images = {image["source_ref"].rsplit("/pets/", 1)[1]: image for image in coco.loadImgs(coco.getImgIds())}
    assert images["c.jpg"]["file_name"] == "c.jpg" and coco.getAnnIds(imgIds=images["c.jpg"]["id"]) == []
    assert images["sub/a.jpg"]["file_name"] == "4_a.jpg"  # same base name as a.jpg: made unique
    (fractional,) = coco.loadAnns(coco.getAnnIds(imgIds=images["sub/a.jpg"]["id"]))
    assert fractional["bbox"] == [1.5, 2.25, 10.5, 20.0] and fractional["area"] == pytest.approx(210.0)
    assert (tmp_path / "out" / "images" / "4_a.jpg").is_file()  # pulled images are linked in


def test_coco_semantic_segmentation_as_rle(tmp_path: Path) -> None:
    job, pixels = builders.segmentation_job(tmp_path / "jobs")
    result = run_export(job_input(job), "coco", tmp_path / "out")
    assert result["skipped"] == {"mask not pulled": 1}
    coco = COCO(str(tmp_path / "out" / "annotations" / "instances.json"))
    names = {cat["id"]: cat["name"] for cat in coco.loadCats(coco.getCatIds())}
    assert sorted(names.values()) == ["Straße ", "road", "sky"]  # BACKGROUND is not a category
    annotations = coco.loadAnns(coco.getAnnIds())
    decoded = {names[ann["category_id"]]: int(coco.annToMask(ann).sum()) for ann in annotations}
    assert decoded == {"road": pixels["road"], "Straße ": pixels["Straße "]}
    road = next(ann for ann in annotations if names[ann["category_id"]] == "road")
    assert road["bbox"] == [0.0, 10.0, 25.0, 20.0] and road["area"] == pixels["road"]
    assert mask_utils.decode(road["segmentation"]).shape == (30, 40)


def test_yolo_labels_are_normalised(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path / "jobs")
    run_export(job_input(job), "yolo", tmp_path / "out")
    out = tmp_path / "out"
    rows = [line.split() for line in (out / "labels" / "a.txt").read_text().splitlines()]
    # dog at (10, 20, 50x40) in 200x100 -> centre (35/200, 40/100), size (50/200, 40/100)
    assert rows[0] == ["0", "0.175000", "0.400000", "0.250000", "0.400000"]
    assert rows[1][0] == "1"  # bone is class 1 (ids 0, 5, 7 in the job's order)
    for row in rows:
        assert all(0.0 <= float(value) <= 1.0 for value in row[1:])
    assert (out / "labels" / "b.txt").read_text() == "2 0.500000 0.500000 1.000000 1.000000\n"
    assert (out / "labels" / "c.txt").read_text() == ""  # a negative example
    assert (out / "images" / "c.jpg").is_file()
    data = (out / "data.yaml").read_text(encoding="utf-8")
    assert '  0: "dog"\n  1: "bone"\n  2: "Straße "\n' in data


def test_voc_xml_parses_with_one_based_boxes(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path / "jobs")
    run_export(job_input(job), "voc", tmp_path / "out")
    root = ET.parse(tmp_path / "out" / "Annotations" / "a.xml").getroot()
    assert root.findtext("filename") == "a.jpg" and root.findtext("size/width") == "200"
    objects = [
        (o.findtext("name"), [int(o.findtext(f"bndbox/{k}") or 0) for k in ("xmin", "ymin", "xmax", "ymax")])
        for o in root.iter("object")
    ]
    assert objects == [("dog", [11, 21, 60, 60]), ("bone", [121, 31, 150, 60])]
    whole = ET.parse(tmp_path / "out" / "Annotations" / "b.xml").getroot()
    assert [int(whole.findtext(f"object/bndbox/{k}") or 0) for k in ("xmin", "ymin", "xmax", "ymax")] == [
        1,
        1,
        200,
        100,
    ]
    assert whole.findtext("object/name") == "Straße "
    assert (tmp_path / "out" / "ImageSets" / "Main" / "all.txt").read_text().split() == ["a", "b", "c", "4_a"]
    assert (tmp_path / "out" / "labels.txt").read_text(encoding="utf-8") == "dog\nbone\nStraße \n"


def test_manifest_export_keeps_lines_byte_for_byte(tmp_path: Path) -> None:
    source = DATA / "shapes" / "chained_adjustment_non_ascii_keys.manifest"  # UTF-8 keys, two attributes
    run_export(JobInput(manifest=source), "manifest", tmp_path / "out", attribute="receipt-fields-review")
    assert (tmp_path / "out" / "output.manifest").read_bytes() == source.read_bytes()
    job = builders.classification_job(tmp_path / "jobs", with_sources=False)
    run_export(job_input(job), "manifest", tmp_path / "filtered")
    lines = (tmp_path / "filtered" / "output.manifest").read_text(encoding="utf-8").splitlines()
    parsed = [json.loads(line) for line in lines]
    assert [line["source-ref"][-7:] for line in parsed] == ["001.jpg", "002.jpg", "003.jpg", "005.jpg"]
    original = builders.manifest_path(job).read_text(encoding="utf-8").splitlines()
    assert all(line in original for line in lines)


def test_csv_and_jsonl_one_row_per_object_and_label(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path / "jobs")
    run_export(job_input(job), "csv", tmp_path / "csv")
    run_export(job_input(job), "jsonl", tmp_path / "jsonl")
    with (tmp_path / "csv" / "labels.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["dataset_object_id"], row["label"]) for row in rows] == [
        ("0", "dog"), ("0", "bone"), ("1", "Straße "), ("2", ""), ("4", "bone"),
    ]  # fmt: skip
    assert (rows[0]["left"], rows[0]["width"], rows[0]["image_width"]) == ("10", "50", "200")
    records = [
        json.loads(line)
        for line in (tmp_path / "jsonl" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) == len(rows) and records[2]["label"] == "Straße " and "label" not in records[3]
    assert records[4]["left"] == 1.5


def test_flat_export_of_entities_and_tracking(tmp_path: Path) -> None:
    run_export(JobInput(manifest=DATA / "docs" / "named_entity.manifest"), "jsonl", tmp_path / "ner")
    rows = [json.loads(line) for line in (tmp_path / "ner" / "labels.jsonl").read_text().splitlines()]
    assert (rows[0]["label"], rows[0]["start_offset"], rows[0]["end_offset"]) == ("Thing", 22, 53)
    folder = DATA / "docs" / "jobs" / "video-tracking-job"
    run_export(job_input(folder), "csv", tmp_path / "video")
    with (tmp_path / "video" / "labels.csv").open(encoding="utf-8") as handle:
        tracked = list(csv.DictReader(handle))
    assert [(row["frame"], row["label"], row["object_id"][:8]) for row in tracked] == [
        ("0", "car", "480dc450"), ("1", "bus", "98f2b0b0"), ("1", "car", "480dc450"),
    ]  # fmt: skip


def classification_manifest(tmp_path: Path, per_class: dict[int, int]) -> JobInput:
    lines = []
    for class_id, count in per_class.items():
        lines += [builders.classification_line(f"{class_id}-{n}.jpg", class_id) for n in range(count)]
    path = builders.write_lines(tmp_path / "many.manifest", lines)
    return JobInput(manifest=path)


def split_classes(folder: Path, name: str) -> list[str]:
    lines = (folder / f"{name}.manifest").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["fashion-metadata"]["class-name"] for line in lines]


def test_split_is_stratified_reproducible_and_seeded(tmp_path: Path) -> None:
    job = classification_manifest(tmp_path, {0: 50, 1: 10, 3: 5})
    spec = parse_split("train=0.8,validation=0.2")
    run_export(job, "manifest", tmp_path / "a", split=spec, seed=1)
    run_export(job, "manifest", tmp_path / "b", split=spec, seed=1)
    run_export(job, "manifest", tmp_path / "c", split=spec, seed=2)
    validation = split_classes(tmp_path / "a", "validation")
    assert sorted(validation) == sorted(["Bag"] * 10 + ["Watch"] * 2 + ["Flipflop "] * 1)
    assert len(split_classes(tmp_path / "a", "train")) == 52
    assert (tmp_path / "a" / "validation.manifest").read_bytes() == (
        tmp_path / "b" / "validation.manifest"
    ).read_bytes()
    assert (tmp_path / "a" / "validation.manifest").read_bytes() != (
        tmp_path / "c" / "validation.manifest"
    ).read_bytes()


def test_split_applies_to_every_format(tmp_path: Path) -> None:
    job = builders.boxes_job(tmp_path / "jobs")
    spec = parse_split("train=0.5,validation=0.5")
    run_export(job_input(job), "coco", tmp_path / "coco", split=spec, seed=4)
    run_export(job_input(job), "yolo", tmp_path / "yolo", split=spec, seed=4)
    run_export(job_input(job), "csv", tmp_path / "csv", split=spec, seed=4)
    train = COCO(str(tmp_path / "coco" / "annotations" / "instances_train.json"))
    validation = COCO(str(tmp_path / "coco" / "annotations" / "instances_validation.json"))
    assert len(train.getImgIds()) + len(validation.getImgIds()) == 4
    coco_train = sorted(image["file_name"] for image in train.loadImgs(train.getImgIds()))
    yolo_train = sorted(path.stem + ".jpg" for path in (tmp_path / "yolo" / "labels" / "train").iterdir())
    assert coco_train == yolo_train  # the same seed gives the same split in every format
    assert "val: images/validation" in (tmp_path / "yolo" / "data.yaml").read_text()
    assert {path.name for path in (tmp_path / "csv").iterdir()} == {"train.csv", "validation.csv"}


def test_format_that_does_not_fit_the_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        UsageError,
        match=r"--format yolo does not fit 'mood' \(groundtruth/text-classification\); "
        r"formats for it: csv, jsonl, manifest",
    ):
        run_export(
            JobInput(manifest=DATA / "docs" / "text_classification.manifest"), "yolo", tmp_path / "out"
        )


def test_export_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = DATA / "docs" / "bounding_box_verification.manifest"
    code = cli.main(["export", "--manifest", str(manifest), "--format", "csv", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "several label attributes: bounding-box (groundtruth/object-detection), verify-bounding-box" in err
    code = cli.main(
        [
            "export",
            "--manifest",
            str(manifest),
            "--format",
            "csv",
            "--out",
            str(tmp_path / "o"),
            "--split",
            "a=0.5",
        ]
    )
    assert code == 2 and "add up to 0.5, not 1" in capsys.readouterr().err
    code = cli.main(
        [
            "export",
            "--manifest",
            str(manifest),
            "--attribute",
            "bounding-box",
            "--format",
            "voc",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 0 and "Exported 'bounding-box' as voc: all 1 objects" in capsys.readouterr().err
