"""`--format csv` and `--format jsonl`: one flat row per object and label, for any output type.

An object labeled with nothing (an image without boxes) still gets one row, with an empty label,
so negatives are not lost. Label names are written exactly (trailing spaces, non-ASCII).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO

from tools.results.model import Item, Label

COLUMNS = (
    "line", "dataset_object_id", "source_ref", "source", "attribute", "type", "label", "class_id",
    "confidence", "left", "top", "width", "height", "start_offset", "end_offset", "frame", "object_id",
    "center_x", "center_y", "center_z", "length", "cuboid_width", "cuboid_height", "yaw", "points",
    "pixels", "image_width", "image_height", "adjustment_status", "human_annotated", "job_name",
    "label_ref", "value",
)  # fmt: skip

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
Cell = str | int | float | None


def rows(item: Item) -> list[dict[str, Cell]]:
    base: dict[str, Cell] = {
        "line": item.line_no,
        "dataset_object_id": item.index,
        "source_ref": item.source_ref,
        "source": item.source,
        "attribute": item.attribute,
        "type": item.type,
        "image_width": item.image_size[0] if item.image_size else None,
        "image_height": item.image_size[1] if item.image_size else None,
        "adjustment_status": item.adjustment_status,
        "human_annotated": item.human_annotated,
        "job_name": item.job_name,
        "label_ref": item.label_ref,
        "value": _ENCODER.encode(item.value) if item.labels == [] and item.value is not None else None,
    }
    if not item.labels:
        return [base]
    return [{**base, **_label_cells(label)} for label in item.labels]


def _label_cells(label: Label) -> dict[str, Cell]:
    cells: dict[str, Cell] = {"label": label.name, "class_id": label.class_id, "confidence": label.confidence}
    if label.box is not None:
        box = label.box
        cells.update(left=box.left, top=box.top, width=box.width, height=box.height)
    if label.span is not None:
        cells.update(start_offset=label.span[0], end_offset=label.span[1])
    if label.frame is not None:
        cells["frame"] = label.frame
    if label.object_id is not None:
        cells["object_id"] = label.object_id
    if label.cuboid is not None:
        (cx, cy, cz), (length, width, height) = label.cuboid.center, label.cuboid.size
        cells.update(
            center_x=cx, center_y=cy, center_z=cz, length=length, cuboid_width=width,
            cuboid_height=height, yaw=label.cuboid.yaw,
        )  # fmt: skip
    if label.points is not None:
        cells["points"] = _ENCODER.encode([list(point) for point in label.points])
    if label.pixels is not None:
        cells["pixels"] = label.pixels
    return cells


class _Outputs:
    """One open file per split (or one file)."""

    def __init__(self, out: Path, splits: tuple[str, ...] | None, extension: str) -> None:
        out.mkdir(parents=True, exist_ok=True)
        names = splits or ("labels",)
        self.paths = {name: out / f"{name}.{extension}" for name in names}
        self.files: dict[str, IO[str]] = {
            name: path.open("w", encoding="utf-8", newline="") for name, path in self.paths.items()
        }

    def file(self, split: str | None) -> IO[str]:
        return self.files[split or "labels"]

    def close(self) -> list[Path]:
        for handle in self.files.values():
            handle.close()
        return list(self.paths.values())


class CsvWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None) -> None:
        self._outputs = _Outputs(out, splits, "csv")
        self._writers = {}
        for name, handle in self._outputs.files.items():
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="raise")
            writer.writeheader()
            self._writers[name] = writer

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        self._writers[split or "labels"].writerows(rows(item))

    def close(self) -> list[Path]:
        return self._outputs.close()


class JsonlWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None) -> None:
        self._outputs = _Outputs(out, splits, "jsonl")

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        handle = self._outputs.file(split)
        for row in rows(item):
            handle.write(_ENCODER.encode({key: value for key, value in row.items() if value is not None}))
            handle.write("\n")

    def close(self) -> list[Path]:
        return self._outputs.close()
