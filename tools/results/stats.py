"""`python -m tools.results stats`: counts, label distribution, workers and agreement of one job.

One streaming pass over the output manifest (every label attribute at once), then one over the
pulled worker responses, if any. Memory holds counters, plus the consolidated class of each
classified object (for agreement), never the lines themselves.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import NotRequired, TextIO, TypedDict

from tools.results.agreement import AgreementCounts, AgreementTally
from tools.results.errors import UsageError
from tools.results.model import CLASS_KINDS, Item, Kind
from tools.results.read.jobdir import JobInput, add_input_arguments, resolve_input
from tools.results.read.manifest import ReadOptions, iter_lines, label_attributes, read_line_item
from tools.results.read.workers import iter_answers


class LabelCount(TypedDict):
    instances: int  # labels of this class (boxes, entities, frames...)
    objects: int  # objects with at least one


class AttributeSummary(TypedDict):
    type: str | list[str]
    job_names: list[str]
    objects: int
    labeled: int
    failed: int
    failure_reasons: dict[str, int]
    labels: dict[str, LabelCount]
    labeled_without_instances: int
    label_files_missing: int
    auto_labeled: int
    pixel_share: NotRequired[dict[str, float]]
    adjustment_status: NotRequired[dict[str, int]]


class WorkerSummary(TypedDict):
    tasks: int
    median_seconds: float | None
    mean_seconds: float | None


class AgreementSummary(AgreementCounts):
    attribute: str


class Stats(TypedDict):
    """What `stats --json` prints."""

    manifest: str
    objects: int
    objects_with_label: int
    objects_without_label: int
    attributes: dict[str, AttributeSummary]
    workers: dict[str, WorkerSummary] | None  # None: no worker responses pulled
    agreement: AgreementSummary | None  # None: nothing to compare


@dataclass
class AttributeTally:
    """Counters for one label attribute."""

    types: Counter[str] = field(default_factory=Counter)
    job_names: Counter[str] = field(default_factory=Counter)
    objects: int = 0
    labeled: int = 0
    failed: int = 0
    failure_reasons: Counter[str] = field(default_factory=Counter)
    instances: Counter[str] = field(default_factory=Counter)  # labels (boxes, entities, ...)
    objects_per_label: Counter[str] = field(default_factory=Counter)  # objects with >= 1 of a label
    pixels: Counter[str] = field(default_factory=Counter)  # segmentation: pixels (or points) per class
    adjustment: Counter[str] = field(default_factory=Counter)
    auto_labeled: int = 0  # human-annotated = "no": automated data labeling
    empty: int = 0  # labeled with no instance (an image without boxes)
    label_files_missing: int = 0  # `-ref` files (masks, sequences) not in the local folder
    consolidated: dict[int, tuple[str, ...]] = field(default_factory=dict)  # classification only

    def add(self, item: Item) -> None:
        self.objects += 1
        self.types[item.type or "(none)"] += 1
        if item.job_name:
            self.job_names[item.job_name] += 1
        if item.failure is not None:
            self.failed += 1
            self.failure_reasons[item.failure] += 1
            return
        self.labeled += 1
        if item.adjustment_status:
            self.adjustment[item.adjustment_status] += 1
        if item.human_annotated == "no":
            self.auto_labeled += 1
        if item.ref_missing:
            self.label_files_missing += 1
            return
        labels = item.labels
        if not labels:
            self.empty += item.kind is not Kind.CUSTOM
            return
        names = [label.name for label in labels]
        self.instances.update(names)
        self.objects_per_label.update(set(names) if len(names) > 1 else names)
        if item.kind in (Kind.SEGMENTATION, Kind.POINT_SEGMENTATION):
            for label in labels:
                self.pixels[label.name] += label.pixels or 0
        if item.kind in CLASS_KINDS:
            self.consolidated[item.index] = tuple(names)

    def summary(self) -> AttributeSummary:
        kinds = {type_name for type_name in self.types if type_name != "(none)"}
        result: AttributeSummary = {
            "type": sorted(kinds)[0] if len(kinds) == 1 else sorted(kinds),
            "job_names": sorted(self.job_names),
            "objects": self.objects,
            "labeled": self.labeled,
            "failed": self.failed,
            "failure_reasons": dict(self.failure_reasons.most_common()),
            "labels": {
                name: {"instances": count, "objects": self.objects_per_label[name]}
                for name, count in sorted(self.instances.items(), key=lambda pair: (-pair[1], pair[0]))
            },
            "labeled_without_instances": self.empty,
            "label_files_missing": self.label_files_missing,
            "auto_labeled": self.auto_labeled,
        }
        if self.pixels:
            total = sum(self.pixels.values())
            result["pixel_share"] = {
                name: round(count / total, 4) for name, count in self.pixels.most_common()
            }
        if self.adjustment:
            result["adjustment_status"] = dict(self.adjustment)
        return result


def _agreement_attribute(
    job: JobInput, tallies: dict[str, AttributeTally], requested: str | None
) -> str | None:
    """The attribute this job's workers answered: the one whose job-name is the job folder's name."""
    if requested is not None:
        return requested if requested in tallies else None
    classified = [name for name, tally in tallies.items() if tally.consolidated or tally.labeled == 0]
    for name in classified:
        if job.job_name is not None and job.job_name in tallies[name].job_names:
            return name
    candidates = [name for name in classified if tallies[name].consolidated]
    return candidates[0] if len(candidates) == 1 else None


def compute_stats(job: JobInput, attribute: str | None = None) -> Stats:
    """Everything `stats` prints, as a JSON-ready dict."""
    tallies: dict[str, AttributeTally] = {}
    objects = with_label = 0
    options = ReadOptions(job=job)
    path = job.manifest
    for line_no, _, line in iter_lines(path):
        objects += 1
        labeled_here = False
        for name in label_attributes(line):
            if attribute is not None and name != attribute:
                continue
            item = read_line_item(path, line, name, line_no, options)
            if item is None:
                continue
            tally = tallies.get(name)
            if tally is None:
                tally = tallies[name] = AttributeTally()
            tally.add(item)
            labeled_here = labeled_here or item.failure is None
        with_label += labeled_here
    if attribute is not None and attribute not in tallies:
        raise UsageError(f"{path}: no line carries the label attribute '{attribute}'")
    workers, agreement = _worker_stats(job, tallies, attribute)
    return {
        "manifest": str(path),
        "objects": objects,
        "objects_with_label": with_label,
        "objects_without_label": objects - with_label,
        "attributes": {name: tally.summary() for name, tally in tallies.items()},
        "workers": workers,
        "agreement": agreement,
    }


def _worker_stats(
    job: JobInput, tallies: dict[str, AttributeTally], requested: str | None
) -> tuple[dict[str, WorkerSummary] | None, AgreementSummary | None]:
    folder = job.worker_responses
    if folder is None:
        return None, None
    seconds: dict[str, list[float]] = {}
    tasks: Counter[str] = Counter()
    by_object: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for answer in iter_answers(folder):
        tasks[answer.worker] += 1
        if answer.seconds is not None:
            seconds.setdefault(answer.worker, []).append(answer.seconds)
        if answer.labels is not None:
            by_object.setdefault(answer.object_index, []).append((answer.worker, answer.labels))
    workers: dict[str, WorkerSummary] = {
        worker: {
            "tasks": count,
            "median_seconds": round(statistics.median(seconds[worker]), 1) if seconds.get(worker) else None,
            "mean_seconds": round(statistics.fmean(seconds[worker]), 1) if seconds.get(worker) else None,
        }
        for worker, count in sorted(tasks.items())
    }
    attribute = _agreement_attribute(job, tallies, requested)
    if attribute is None or not by_object:
        return workers, None
    consolidated = tallies[attribute].consolidated
    tally = AgreementTally()
    for index in sorted(by_object):
        tally.add(consolidated.get(index), by_object[index])
    counts = tally.summary()
    agreement: AgreementSummary = {
        "attribute": attribute,
        "objects_with_several_workers": counts["objects_with_several_workers"],
        "objects_where_workers_split": counts["objects_where_workers_split"],
        "split_share": counts["split_share"],
        "krippendorff_alpha_nominal": counts["krippendorff_alpha_nominal"],
        "workers": counts["workers"],
    }
    return workers, agreement


# --- text output --------------------------------------------------------------------------------


def shown(name: str) -> str:
    """A label as printed: quoted when spaces at either end would otherwise be invisible."""
    return name if name and name == name.strip() else json.dumps(name, ensure_ascii=False)


def table(headers: list[str], rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  " + "  ".join(cells).rstrip(), file=out)


def _percent(value: object) -> str:
    return f"{float(value) * 100:.1f}%" if isinstance(value, (int, float)) else "n/a"


def render_text(stats: Stats, out: TextIO) -> None:
    print(
        f"{stats['manifest']}: {stats['objects']} objects, {stats['objects_with_label']} with a label, "
        f"{stats['objects_without_label']} without",
        file=out,
    )
    for name, summary in stats["attributes"].items():
        jobs = ", ".join(summary["job_names"]) or "?"
        print(f"\nLabel attribute '{name}' ({summary['type']}; job {jobs})", file=out)
        print(f"  {summary['labeled']} labeled, {summary['failed']} failed", file=out)
        for reason, count in summary["failure_reasons"].items():
            print(f"  failed x{count}: {reason}", file=out)
        if summary["labeled_without_instances"]:
            print(
                f"  labeled with nothing in it (e.g. no boxes): {summary['labeled_without_instances']}",
                file=out,
            )
        if summary["label_files_missing"]:
            print(f"  label files not pulled (masks, sequences): {summary['label_files_missing']}", file=out)
        if summary.get("adjustment_status"):
            parts = ", ".join(f"{key} {value}" for key, value in summary["adjustment_status"].items())
            print(f"  adjustment: {parts}", file=out)
        if summary.get("pixel_share"):
            parts = ", ".join(
                f"{shown(label)} {_percent(share)}" for label, share in summary["pixel_share"].items()
            )
            print(f"  pixel share: {parts}", file=out)
        labels = summary["labels"]
        if labels:
            rows = [[shown(label), str(c["instances"]), str(c["objects"])] for label, c in labels.items()]
            table(["label", "instances", "objects"], rows, out)
    workers = stats["workers"]
    if workers:
        print("\nWorkers (from the pulled worker responses)", file=out)
        rows = [
            [worker, str(w["tasks"]), str(w["median_seconds"] if w["median_seconds"] is not None else "-"),
             str(w["mean_seconds"] if w["mean_seconds"] is not None else "-")]
            for worker, w in workers.items()
        ]  # fmt: skip
        table(["worker", "tasks", "median s", "mean s"], rows, out)
    elif workers is None:
        print("\nWorkers: no worker responses next to this manifest (pull the job to see them)", file=out)
    agreement = stats["agreement"]
    if agreement is not None:
        alpha = agreement["krippendorff_alpha_nominal"]
        print(f"\nAgreement on '{agreement['attribute']}'", file=out)
        print(
            f"  objects with 2+ workers: {agreement['objects_with_several_workers']}, workers split on "
            f"{_percent(agreement['split_share'])} of them; Krippendorff's alpha (nominal): "
            f"{alpha if alpha is not None else 'undefined'}",
            file=out,
        )
        rows = [
            [worker, str(w["compared"]), str(w["agreed"]), _percent(w["agreement"])]
            for worker, w in agreement["workers"].items()
        ]
        if rows:
            table(["worker", "answers", "agreed", "with consolidated"], rows, out)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="objects, failures, label distribution, workers and agreement of a job's output",
        description=(
            "Counts objects with and without a label, failures and their reasons, the label "
            "distribution of every label attribute, and, where worker responses were pulled, each "
            "worker's tasks and time and their agreement (with the consolidated label, with each "
            "other, Krippendorff's alpha) for classification."
        ),
    )
    add_input_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the same numbers as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    stats = compute_stats(resolve_input(args), args.attribute)
    if args.json:
        json.dump(stats, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        render_text(stats, out)
    return 0
