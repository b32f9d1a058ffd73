"""Generated Ground Truth job folders for the results tests (see tests/results/data/SOURCES.md).

The shapes follow https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html, the public
output manifests under data/real/ and the shapes in data/shapes/; each builder adds the pitfalls real
output has:
`failure-reason` lines, confidence as the integer 0, class ids with gaps and as strings,
non-ASCII labels and labels with trailing spaces, empty box lists, masks whose palette indices are
wrong while their colours are right, and `job-name` written both ways.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tools.results.keys import local_path, local_segment

BUCKET = "gt-input"


def write_lines(path: Path, lines: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def manifest_path(job: Path) -> Path:
    return job / "manifests" / "output" / "output.manifest"


def image(
    path: Path, size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (90, 140, 200)
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def worker_response(
    job: Path,
    index: int,
    worker: str,
    content: dict[str, object],
    *,
    seconds: float | None = None,
    accepted: str = "2026-11-20T10:00:00.000Z",
    submitted: str = "2026-11-20T10:00:30.000Z",
    iteration: int = 1,
) -> None:
    answer: dict[str, object] = {
        "acceptanceTime": accepted,
        "answerContent": content,
        "submissionTime": submitted,
        "workerId": worker,
        "workerMetadata": {
            "identityData": {
                "identityProviderType": "Cognito",
                "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
                "sub": f"sub-{worker}",
            }
        },
    }
    if seconds is not None:
        answer["timeSpentInSeconds"] = seconds
    folder = job / "annotations" / "worker-response" / f"iteration-{iteration}" / str(index)
    folder.mkdir(parents=True, exist_ok=True)
    # Real file names are timestamps with colons, which `pull` stores encoded; one answer per file.
    name = local_segment(f"{submitted}-{worker}.json")
    (folder / name).write_text(json.dumps({"answers": [answer]}), encoding="utf-8")


CLASSIFICATION_LABELS = {0: "Bag", 1: "Watch", 3: "Flipflop ", 4: "Ñandú"}  # a gap at 2


def classification_line(key: str, class_id: int | str, *, confidence: object = 0) -> dict[str, object]:
    return {
        "source-ref": f"s3://{BUCKET}/fashion/{key}",
        "fashion": class_id,
        "fashion-metadata": {
            "class-name": CLASSIFICATION_LABELS[int(class_id)],
            "job-name": "labeling-job/fashion",
            "confidence": confidence,
            "type": "groundtruth/image-classification",
            "human-annotated": "yes",
            "creation-date": "2026-11-20T10:01:00.000000",
        },
    }


def failed_line(key: str, attribute: str, reason: str) -> dict[str, object]:
    return {
        "source-ref": f"s3://{BUCKET}/fashion/{key}",
        f"{attribute}-metadata": {
            "failure-reason": reason,
            "job-name": "labeling-job/fashion",
            "human-annotated": "yes",
        },
    }


def classification_job(root: Path, *, with_sources: bool = True) -> Path:
    """Job `fashion`: 6 objects, 3 workers; object 3 failed, object 5 never labeled.

    Worker answers and the expected agreement (see test_stats):
      0 Bag:       w1 Bag, w2 Bag, w3 Watch   (workers split)
      1 Watch:     w1 Watch, w2 Watch
      2 Flipflop : w1 "Flipflop ", w3 "Flipflop "
      3 failed:    w2 Bag (no consolidated label to compare with)
      4 Ñandú:     w1 Ñandú
    """
    job = root / "fashion"
    lines: list[dict[str, object]] = [
        classification_line("001.jpg", 0),
        classification_line("002.jpg", 1, confidence=0.95),
        classification_line("003.jpg", "3", confidence=0.0),  # a class id as a string
        failed_line("004.jpg", "fashion", "ClientError: task timed out for every worker"),
        classification_line("005.jpg", 4),
        {"source-ref": f"s3://{BUCKET}/fashion/006.jpg"},  # not labeled yet (intermediate output)
    ]
    lines[4]["fashion-metadata"]["job-name"] = "fashion"  # type: ignore[index]  # the short form
    write_lines(manifest_path(job), lines)
    answers = [
        (0, "w1", "Bag", 12.5), (0, "w2", "Bag", 20.0), (0, "w3", "Watch", None),
        (1, "w1", "Watch", 7.5), (1, "w2", "Watch", 10.0),
        (2, "w1", "Flipflop ", 5.0), (2, "w3", "Flipflop ", 30.0),
        (3, "w2", "Bag", 4.0),
        (4, "w1", "Ñandú", 15.0),
    ]  # fmt: skip
    for index, worker, label, seconds in answers:
        worker_response(job, index, worker, {"crowd-image-classifier": {"label": label}}, seconds=seconds)
    if with_sources:
        for position, key in enumerate(("001.jpg", "002.jpg", "003.jpg", "004.jpg", "005.jpg", "006.jpg")):
            image(job / "sources" / BUCKET / "fashion" / key, colour=(40 * position, 100, 150))
    return job


BOX_CLASSES = {"0": "dog", "5": "bone", "7": "Straße "}


def box_line(
    key: str, boxes: list[tuple[int | str, float, float, float, float]], *, size: tuple[int, int] = (200, 100)
) -> dict[str, object]:
    used = {str(class_id) for class_id, *_ in boxes}
    return {
        "source-ref": f"s3://{BUCKET}/pets/{key}",
        "pets": {
            "image_size": [{"width": size[0], "height": size[1], "depth": 3}],
            "annotations": [
                {"class_id": class_id, "left": left, "top": top, "width": width, "height": height}
                for class_id, left, top, width, height in boxes
            ],
        },
        "pets-metadata": {
            "objects": [{"confidence": 0} for _ in boxes],
            "class-map": {class_id: name for class_id, name in BOX_CLASSES.items() if class_id in used},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2026-11-20T10:01:00.000000",
            "job-name": "labeling-job/pets",
        },
    }


def boxes_job(root: Path, *, with_sources: bool = True) -> Path:
    """Job `pets`: 5 box images (one without boxes, one failed), classes 0, 5, 7 (gaps)."""
    job = root / "pets"
    lines = [
        box_line("a.jpg", [(0, 10, 20, 50, 40), (5, 120, 30, 30, 30)]),
        box_line("b.jpg", [(7, 0, 0, 200, 100)]),  # the whole image
        box_line("c.jpg", []),  # labeled, no boxes
        failed_line("d.jpg", "pets", "ClientError: no worker answered"),
        box_line("sub/a.jpg", [(5, 1.5, 2.25, 10.5, 20.0)]),  # same base name, fractional pixels
    ]
    write_lines(manifest_path(job), lines)
    if with_sources:
        for key in ("a.jpg", "b.jpg", "c.jpg", "d.jpg", "sub/a.jpg"):
            image(job / "sources" / BUCKET / "pets" / key, size=(200, 100))
    return job


SEGMENTATION_COLOURS = {
    "0": ("BACKGROUND", "#ffffff"),
    "1": ("road", "#2ca02c"),
    "2": ("Straße ", "#1f77b4"),
    "3": ("sky", "#ff7f0e"),
}


def segmentation_mask(path: Path, width: int = 40, height: int = 30) -> dict[str, int]:
    """A palette PNG whose palette indices do NOT match the colour map (as mid-2020 jobs wrote)
    while its colours do. Returns the true pixel count per class name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Palette index 0 is road's colour, 1 is white, 2 is blue: deliberately out of order.
    palette = [0x2C, 0xA0, 0x2C, 0xFF, 0xFF, 0xFF, 0x1F, 0x77, 0xB4] + [0] * (256 * 3 - 9)
    pixels = []
    for y in range(height):
        for x in range(width):
            if y < 10:
                pixels.append(1)  # white background on top
            elif x < 25:
                pixels.append(0)  # road
            else:
                pixels.append(2)  # Straße
    mask = Image.new("P", (width, height))
    mask.putpalette(palette)
    mask.putdata(pixels)
    mask.save(path)
    return {"BACKGROUND": 10 * width, "road": 20 * 25, "Straße ": 20 * (width - 25)}


def segmentation_job(root: Path) -> tuple[Path, dict[str, int]]:
    job = root / "streets"
    key = "annotations/consolidated-annotation/output/0_2026-11-20T10:01:00.000000.png"
    pixels = segmentation_mask(local_path(job, key))  # stored as `pull` stores it: `:` -> `%3A`
    line: dict[str, object] = {
        "source-ref": f"s3://{BUCKET}/streets/street.png",
        "streets-ref": f"s3://gt-output/jobs/streets/{key}",
        "streets-ref-metadata": {
            "internal-color-map": {
                index: {"class-name": name, "hex-color": colour, "confidence": 0}
                for index, (name, colour) in SEGMENTATION_COLOURS.items()
            },
            "type": "groundtruth/semantic-segmentation",
            "human-annotated": "yes",
            "creation-date": "2026-11-20T10:01:00.000000",
            "job-name": "labeling-job/streets",
        },
    }
    missing: dict[str, object] = json.loads(json.dumps(line))
    missing["source-ref"] = f"s3://{BUCKET}/streets/other.png"
    missing["streets-ref"] = "s3://gt-output/jobs/streets/annotations/consolidated-annotation/output/1_x.png"
    write_lines(manifest_path(job), [line, missing])
    image(job / "sources" / BUCKET / "streets" / "street.png", size=(40, 30))
    return job, pixels
