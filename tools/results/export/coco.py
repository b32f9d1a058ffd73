"""`--format coco`: COCO detection JSON for boxes, RLE masks for semantic segmentation.

Written as a stream: image and annotation entries go to two temporary files as the manifest is
read, and the final `annotations/instances_<split>.json` is assembled from them at the end, so
memory stays flat however many lines there are (datumaro builds the whole dataset in memory:
about 1.1 GB for 100,000 box lines). Categories are the job's classes in its own order, ids
from 1; segmentation masks become one RLE annotation per class present (BACKGROUND left out),
encoded with pycocotools. Images pulled with the job are linked into `images/`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tools.results import extras
from tools.results.export.base import ImageNames, copy_source
from tools.results.model import Item, Kind
from tools.results.read import files
from tools.results.read.jobdir import JobInput

_STRING = json.JSONEncoder(ensure_ascii=False).encode
BACKGROUND = "BACKGROUND"
INFO = '{"description":"Amazon SageMaker Ground Truth output"}'


@dataclass
class _Split:
    path: Path
    images: IO[str]
    annotations: IO[str]
    image_count: int = 0
    annotation_count: int = 0


class CocoWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None, classes: list[str], job: JobInput) -> None:
        self._out = out
        self._job = job
        self._names = ImageNames()
        self._categories = {name: position + 1 for position, name in enumerate(classes) if name != BACKGROUND}
        (out / "annotations").mkdir(parents=True, exist_ok=True)
        self._temp = tempfile.TemporaryDirectory(prefix=".coco-parts-", dir=out)
        self._splits: dict[str | None, _Split] = {}
        for name in splits or (None,):
            suffix = f"_{name}" if name else ""
            temp = Path(self._temp.name)
            self._splits[name] = _Split(
                path=out / "annotations" / f"instances{suffix}.json",
                images=(temp / f"images{suffix}").open("w", encoding="utf-8"),
                annotations=(temp / f"annotations{suffix}").open("w", encoding="utf-8"),
            )
        self._next_annotation = 1
        self._next_image = 1
        self.skipped: Counter[str] = Counter()
        self.images_missing = 0

    def _category(self, name: str) -> int:
        category = self._categories.get(name)
        if category is None:  # a class the scan did not see (cannot happen with a consistent file)
            category = self._categories[name] = max(self._categories.values(), default=0) + 1
        return category

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        if item.kind is Kind.SEGMENTATION:
            self._write_segmentation(item, split)
            return
        size = item.image_size
        if size is None:
            self.skipped["no image_size in the line"] += 1
            return
        target = self._splits[split]
        image_id = self._add_image(item, target, size[0], size[1])
        parts = []
        next_id = self._next_annotation
        for label in item.labels:
            box = label.box
            if box is None:
                continue
            # repr() of an int or float is valid JSON (a float bbox may read 239.0); this is the
            # hot loop of the benchmark, so no per-number formatting helper.
            parts.append(
                f'{{"id":{next_id},"image_id":{image_id},"category_id":{self._category(label.name)},'
                f'"bbox":[{box.left!r},{box.top!r},{box.width!r},{box.height!r}],'
                f'"area":{box.width * box.height!r},"iscrowd":0,"segmentation":[]'
                + (f',"score":{label.confidence!r}}}' if label.confidence is not None else "}")
            )
            next_id += 1
        if parts:
            target.annotations.write((",\n" if target.annotation_count else "") + ",\n".join(parts))
            target.annotation_count += len(parts)
            self._next_annotation = next_id

    def _add_image(self, item: Item, target: _Split, width: int, height: int) -> int:
        name = self._names.name(item)
        if self._job.sources is None or not copy_source(self._job, item, self._out / "images" / name):
            self.images_missing += 1
        image_id = self._next_image
        self._next_image += 1
        if target.image_count:
            target.images.write(",\n")
        target.images.write(
            f'{{"id":{image_id},"file_name":{_STRING(name)},"width":{width},"height":{height},'
            f'"source_ref":{_STRING(item.source_ref or "")}}}'
        )
        target.image_count += 1
        return image_id

    def _write_segmentation(self, item: Item, split: str | None) -> None:
        path = self._job.local_output_file(item.label_ref) if item.label_ref else None
        if path is None:
            self.skipped["mask not pulled"] += 1
            return
        np = extras.require("numpy")
        mask_utils = extras.require("pycocotools.mask")
        colours = {name: colour for name, colour in (item.class_colors or {}).items()}
        masks = files.class_masks(path, colours)
        height, width = files.mask_codes(path).shape if not masks else next(iter(masks.values())).shape
        target = self._splits[split]
        image_id = self._add_image(item, target, int(width), int(height))
        confidences = {label.name: label.confidence for label in item.labels}
        for name, mask in masks.items():
            if name == BACKGROUND:
                continue
            rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
            rle["counts"] = rle["counts"].decode("ascii")
            x, y, w, h = (float(v) for v in mask_utils.toBbox(rle))
            if target.annotation_count:
                target.annotations.write(",\n")
            entry = {
                "id": self._next_annotation,
                "image_id": image_id,
                "category_id": self._category(name),
                "segmentation": rle,
                "area": float(mask_utils.area(rle)),
                "bbox": [x, y, w, h],
                "iscrowd": 0,
            }
            if confidences.get(name) is not None:
                entry["score"] = confidences[name]
            target.annotations.write(_STRING(entry))
            self._next_annotation += 1
            target.annotation_count += 1

    def close(self) -> list[Path]:
        categories = sorted(self._categories.items(), key=lambda pair: pair[1])
        category_json = _STRING([{"id": cid, "name": name, "supercategory": ""} for name, cid in categories])
        written = []
        for target in self._splits.values():
            target.images.close()
            target.annotations.close()
            with target.path.open("w", encoding="utf-8") as out:
                out.write(f'{{"info":{INFO},"licenses":[],\n"images":[\n')
                with open(target.images.name, encoding="utf-8") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
                out.write('\n],\n"annotations":[\n')
                with open(target.annotations.name, encoding="utf-8") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
                out.write(f'\n],\n"categories":{category_json}}}\n')
            written.append(target.path)
        self._temp.cleanup()
        return written
