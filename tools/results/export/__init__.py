"""`python -m tools.results export`: a job's labels as csv, jsonl, coco, yolo, voc or a manifest.

Two streaming passes: a light scan (attributes, the class list in the job's order, split strata),
then one that reads each line through the chosen attribute and hands it to the format's writer.
Objects without a usable label for that attribute (failed, not labeled) are left out and counted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from tools.results.errors import UsageError
from tools.results.export.base import Writer
from tools.results.export.coco import CocoWriter
from tools.results.export.flat import CsvWriter, JsonlWriter
from tools.results.export.manifest import ManifestWriter
from tools.results.export.scan import scan_manifest
from tools.results.export.voc import VocWriter
from tools.results.export.yolo import YoloWriter
from tools.results.model import Kind
from tools.results.read.jobdir import JobInput, add_input_arguments, resolve_input
from tools.results.read.manifest import ReadOptions, choose_attribute, iter_lines, read_line_item
from tools.results.split import NOT_EXPORTED, SplitSpec, assign, parse_split

FORMATS = ("csv", "jsonl", "coco", "yolo", "voc", "manifest")
# Formats that only make sense for some kinds of labels; the others take any.
FORMAT_KINDS: dict[str, frozenset[Kind]] = {
    "coco": frozenset({Kind.BOXES, Kind.SEGMENTATION}),
    "yolo": frozenset({Kind.BOXES}),
    "voc": frozenset({Kind.BOXES}),
}


def make_writer(
    fmt: str, out: Path, splits: tuple[str, ...] | None, classes: list[str], job: JobInput
) -> Writer:
    if fmt == "csv":
        return CsvWriter(out, splits)
    if fmt == "jsonl":
        return JsonlWriter(out, splits)
    if fmt == "manifest":
        return ManifestWriter(out, splits)
    if fmt == "coco":
        return CocoWriter(out, splits, classes, job)
    if fmt == "yolo":
        return YoloWriter(out, splits, classes, job)
    return VocWriter(out, splits, classes, job)


def export(
    job: JobInput,
    fmt: str,
    out: Path,
    *,
    attribute: str | None = None,
    split: SplitSpec | None = None,
    seed: int = 0,
    log: TextIO | None = None,
) -> dict[str, object]:
    """Write the export; returns what was written and skipped (also printed to `log`)."""
    log = log or sys.stderr
    scan = scan_manifest(job.manifest)
    chosen = choose_attribute(job.manifest, scan.found(), attribute)
    state = scan.attributes[chosen]
    kind = state.kind
    allowed = FORMAT_KINDS.get(fmt)
    if allowed is not None and kind not in allowed:
        fits = ", ".join(f for f in FORMATS if FORMAT_KINDS.get(f) is None or kind in FORMAT_KINDS[f])
        raise UsageError(
            f"--format {fmt} does not fit '{chosen}' ({state.type or 'no type'}); formats for it: {fits}"
        )
    assignment = assign(state.strata, split, seed, scan.objects) if split else None
    classes = state.class_names()
    writer = make_writer(fmt, out, split.names if split else None, classes, job)
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    # Manifest lines are copied as they are: no need to open masks or sequence files for them.
    options = ReadOptions(job=job, resolve_refs=fmt != "manifest")
    path = job.manifest
    for line_no, raw, line in iter_lines(path):
        item = read_line_item(path, line, chosen, line_no, options)
        if item is None:
            skipped["not labeled (no such attribute on the line)"] += 1
            continue
        if item.failure is not None:
            skipped["failed"] += 1
            continue
        split_name: str | None = None
        if assignment is not None and split is not None:
            number = assignment[item.index]
            if number == NOT_EXPORTED:
                skipped["no label to stratify by"] += 1
                continue
            split_name = split.names[number]
        writer.write(item, raw, split_name)
        counts[split_name or "all"] += 1
    written = writer.close()
    skipped.update(getattr(writer, "skipped", Counter()))
    missing_images = int(getattr(writer, "images_missing", 0))
    parts = ", ".join(f"{name} {count}" for name, count in counts.items()) or "nothing"
    print(f"Exported '{chosen}' as {fmt}: {parts} objects", file=log)
    for reason, count in skipped.items():
        print(f"  left out {count}: {reason}", file=log)
    if missing_images:
        print(
            f"  {missing_images} images are not on this machine (pull the job, or give --sources DIR); "
            "the labels refer to them by file name",
            file=log,
        )
    for written_path in written:
        print(f"  wrote {written_path}", file=log)
    return {
        "attribute": chosen,
        "objects": dict(counts),
        "skipped": dict(skipped),
        "images_missing": missing_images,
        "files": [str(p) for p in written],
    }


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the labels as csv, jsonl, coco, yolo, voc or a filtered/split manifest",
        description=(
            "csv/jsonl: one flat row per object and label (any task type); coco: boxes, or RLE masks "
            "for semantic segmentation; yolo and voc: boxes; manifest: the augmented manifest lines "
            "as they are (SageMaker training, Rekognition Custom Labels), without failed or unlabeled "
            "objects. --split makes a seeded, reproducible split (stratified by label for "
            "classification), one output per split."
        ),
    )
    add_input_arguments(parser, sources=True)
    parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (created)")
    parser.add_argument("--split", metavar="NAME=RATIO,...", help="e.g. train=0.8,validation=0.2")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = parse_split(args.split) if args.split else None
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a folder")
    export(resolve_input(args), args.format, args.out, attribute=args.attribute, split=spec, seed=args.seed)
    return 0
