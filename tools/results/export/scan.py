"""The first, light pass over a manifest: its label attributes, their classes and split strata.

Exports stream, but a few facts are needed before the first line is written: which attribute to
use, the full class list in the job's own order (YOLO class numbers and COCO category ids must
not depend on which class happens to come first), and, for a split, which objects share a class.
Only the metadata is read here (no boxes, no label files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.results.model import TYPE_KINDS, Kind, normalise_type
from tools.results.read.manifest import METADATA_SUFFIX, iter_lines, label_attributes


@dataclass
class AttributeScan:
    type: str = ""
    labeled: int = 0
    failed: int = 0
    classes: dict[tuple[str, str], None] = field(default_factory=dict)  # (class id, name), ordered
    strata: dict[str, list[int]] = field(default_factory=dict)

    @property
    def kind(self) -> Kind | None:
        return TYPE_KINDS.get(self.type)

    def class_names(self) -> list[str]:
        """Class names in the job's order: by numeric class id, then name; each name once."""

        def order(pair: tuple[str, str]) -> tuple[float, str, str]:
            class_id, name = pair
            return (float(class_id) if class_id.isdigit() else float("inf"), class_id, name)

        names: dict[str, None] = {}
        for _, name in sorted(self.classes, key=order):
            names.setdefault(name)
        return list(names)


@dataclass
class ManifestScan:
    path: Path
    objects: int = 0  # lines, i.e. the number of dataset objects
    attributes: dict[str, AttributeScan] = field(default_factory=dict)

    def found(self) -> dict[str, str]:
        """Attribute -> type, for choosing one."""
        return {name: scan.type for name, scan in self.attributes.items()}


def _map_pairs(raw: object) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return []
    pairs = []
    for class_id, entry in raw.items():
        name = entry.get("class-name") if isinstance(entry, dict) else entry
        if isinstance(name, str):
            pairs.append((str(class_id), name))
    return pairs


def scan_manifest(path: Path) -> ManifestScan:
    scan = ManifestScan(path)
    for line_no, _, line in iter_lines(path):
        scan.objects = line_no
        for attribute in label_attributes(line):
            meta = line[attribute + METADATA_SUFFIX]
            assert isinstance(meta, dict)
            state = scan.attributes.get(attribute)
            if state is None:
                state = scan.attributes[attribute] = AttributeScan()
            if "failure-reason" in meta:
                state.failed += 1
                continue
            raw_type = meta.get("type")
            if not state.type and isinstance(raw_type, str):
                state.type = normalise_type(raw_type)
            if attribute not in line:
                continue
            state.labeled += 1
            _collect(state, line[attribute], meta, line_no - 1)
    return scan


def _collect(state: AttributeScan, value: object, meta: dict[str, object], index: int) -> None:
    kind = state.kind
    pairs = _map_pairs(meta.get("class-map", meta.get("class_map")))
    pairs += _map_pairs(meta.get("internal-color-map", meta.get("color-map")))
    stratum = ""
    if kind is Kind.CLASSIFICATION:
        name = meta.get("class-name")
        if isinstance(name, str) and isinstance(value, (int, str)) and not isinstance(value, bool):
            pairs.append((str(value), name))
            stratum = name
    elif kind is Kind.MULTILABEL and isinstance(value, list):
        names = dict(pairs)
        stratum = "|".join(sorted(names.get(str(class_id), str(class_id)) for class_id in value))
    elif kind is Kind.SPANS and isinstance(value, dict):
        annotations = value.get("annotations")
        labels = annotations.get("labels") if isinstance(annotations, dict) else None
        for position, entry in enumerate(labels if isinstance(labels, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("label"), str):
                pairs.append((str(position), entry["label"]))
    for pair in pairs:
        state.classes.setdefault(pair)
    state.strata.setdefault(stratum, []).append(index)
