"""`--format voc`: Pascal VOC XML, one `Annotations/<image>.xml` per image, and the split lists
`ImageSets/Main/<split>.txt` (all objects in `all.txt` without --split), classes in `labels.txt`.

VOC boxes are 1-based and inclusive (the VOC devkit's convention): a Ground Truth box at
left=0, width=10 becomes xmin=1, xmax=10. Pulled images are linked into `JPEGImages/`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import IO

from tools.results.export.base import ImageNames, copy_source, stem
from tools.results.model import Item
from tools.results.read.jobdir import JobInput


def _sub(parent: ET.Element, tag: str, text: str | int | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


class VocWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None, classes: list[str], job: JobInput) -> None:
        self._out = out
        self._job = job
        self._classes = list(classes)
        self._names = ImageNames()
        self.skipped: Counter[str] = Counter()
        self.images_missing = 0
        (out / "Annotations").mkdir(parents=True, exist_ok=True)
        (out / "ImageSets" / "Main").mkdir(parents=True, exist_ok=True)
        self._lists: dict[str | None, IO[str]] = {
            split: (out / "ImageSets" / "Main" / f"{split or 'all'}.txt").open("w", encoding="utf-8")
            for split in splits or (None,)
        }

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        if item.image_size is None:
            self.skipped["no image_size in the line"] += 1
            return
        name = self._names.name(item)
        width, height, depth = item.image_size
        root = ET.Element("annotation")
        _sub(root, "folder", "JPEGImages")
        _sub(root, "filename", name)
        source = _sub(root, "source")
        _sub(source, "database", "Amazon SageMaker Ground Truth")
        _sub(source, "annotation", item.job_name or item.attribute)
        _sub(source, "image", item.source_ref or "")
        size = _sub(root, "size")
        _sub(size, "width", width)
        _sub(size, "height", height)
        _sub(size, "depth", depth)
        _sub(root, "segmented", 0)
        for label in item.labels:
            box = label.box
            if box is None:
                continue
            if label.name not in self._classes:
                self._classes.append(label.name)
            obj = _sub(root, "object")
            _sub(obj, "name", label.name)
            _sub(obj, "pose", "Unspecified")
            _sub(obj, "truncated", 0)
            _sub(obj, "difficult", 0)
            bndbox = _sub(obj, "bndbox")
            _sub(bndbox, "xmin", max(1, round(box.left) + 1))
            _sub(bndbox, "ymin", max(1, round(box.top) + 1))
            _sub(
                bndbox,
                "xmax",
                min(width, round(box.left + box.width)) if width else round(box.left + box.width),
            )
            _sub(
                bndbox,
                "ymax",
                min(height, round(box.top + box.height)) if height else round(box.top + box.height),
            )
        ET.ElementTree(root).write(
            self._out / "Annotations" / f"{stem(name)}.xml", encoding="utf-8", xml_declaration=True
        )
        self._lists[split].write(stem(name) + "\n")
        if not copy_source(self._job, item, self._out / "JPEGImages" / name):
            self.images_missing += 1

    def close(self) -> list[Path]:
        for handle in self._lists.values():
            handle.close()
        labels = self._out / "labels.txt"
        labels.write_text("".join(f"{name}\n" for name in self._classes), encoding="utf-8")
        return [labels, *(Path(handle.name) for handle in self._lists.values())]
