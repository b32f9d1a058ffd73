"""`--format yolo`: one label file per image (`class x_center y_center width height`, normalised
to 0..1), in the layout Ultralytics reads: `images/<split>/`, `labels/<split>/` and `data.yaml`.

Class numbers are the job's classes in its own order from 0. An image without boxes gets an
empty label file (a negative example). Pulled images are linked into `images/`; for the others,
the S3 URIs are listed in `images-not-pulled.txt`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tools.results.export.base import ImageNames, copy_source, stem
from tools.results.model import Item
from tools.results.read.jobdir import JobInput

# Ultralytics' data.yaml keys for the usual split names; other names are listed as they are.
_YAML_KEYS = {"train": "train", "training": "train", "validation": "val", "val": "val", "test": "test"}


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


class YoloWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None, classes: list[str], job: JobInput) -> None:
        self._out = out
        self._job = job
        self._splits = splits
        self._classes = {name: position for position, name in enumerate(classes)}
        self._names = ImageNames()
        self._not_pulled: list[str] = []
        self.skipped: Counter[str] = Counter()
        self.images_missing = 0
        for split in splits or (None,):
            self._folder("labels", split).mkdir(parents=True, exist_ok=True)
            self._folder("images", split).mkdir(parents=True, exist_ok=True)

    def _folder(self, kind: str, split: str | None) -> Path:
        return self._out / kind / split if split else self._out / kind

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        if item.image_size is None or not item.image_size[0] or not item.image_size[1]:
            self.skipped["no image_size in the line"] += 1
            return
        width, height = float(item.image_size[0]), float(item.image_size[1])
        name = self._names.name(item)
        lines = []
        for label in item.labels:
            box = label.box
            if box is None:
                continue
            class_number = self._classes.setdefault(label.name, len(self._classes))
            x_centre = _clamp((box.left + box.width / 2) / width)
            y_centre = _clamp((box.top + box.height / 2) / height)
            lines.append(
                f"{class_number} {x_centre:.6f} {y_centre:.6f} "
                f"{_clamp(box.width / width):.6f} {_clamp(box.height / height):.6f}\n"
            )
        (self._folder("labels", split) / f"{stem(name)}.txt").write_text("".join(lines), encoding="utf-8")
        if not copy_source(self._job, item, self._folder("images", split) / name):
            self.images_missing += 1
            self._not_pulled.append(
                f"{item.source_ref}\t{self._folder('images', split).relative_to(self._out) / name}"
            )

    def close(self) -> list[Path]:
        names = sorted(self._classes, key=self._classes.__getitem__)
        lines = ["# Ultralytics YOLO dataset from Amazon SageMaker Ground Truth output\n"]
        lines.append(f"path: {self._out.resolve()}\n")
        if self._splits:
            for split in self._splits:
                key = _YAML_KEYS.get(split.lower())
                lines.append(f"{key}: images/{split}\n" if key else f"# {split}: images/{split}\n")
        else:
            lines.append("train: images\nval: images  # no --split given: point val at a real split\n")
        lines.append("names:\n")
        lines.extend(
            f"  {number}: {json.dumps(name, ensure_ascii=False)}\n" for number, name in enumerate(names)
        )
        data = self._out / "data.yaml"
        data.write_text("".join(lines), encoding="utf-8")
        written = [data]
        if self._not_pulled:
            missing = self._out / "images-not-pulled.txt"
            missing.write_text("".join(f"{line}\n" for line in self._not_pulled), encoding="utf-8")
            written.append(missing)
        return written
