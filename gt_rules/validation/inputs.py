"""Where the objects come from: a prefix (data type, selection), a manifest, or an earlier job."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import Violation, did_you_mean
from ..limits import (
    MANIFEST_URI_RE,
    S3_URI_MAX,
    SELECTION_MODES,
)
from ..spec import (
    JobSpec,
)
from ..task_types import (
    INPUT_KINDS,
    TaskType,
)
from .numbers import int_in_range


def check_input(spec: JobSpec, task_type: TaskType, other_jobs: dict[str, JobSpec]) -> list[Violation]:
    source = spec.get("input")
    if not isinstance(source, Mapping):
        return [Violation("input", source, "every job needs an input (prefix, manifest or job_output)")]
    kind = source.get("kind")
    if kind not in INPUT_KINDS:
        return [
            Violation(
                "input.kind",
                kind,
                "the input kind must be prefix, manifest or job_output" + did_you_mean(kind, INPUT_KINDS),
            )
        ]
    found: list[Violation] = []
    if kind not in task_type.input_kinds:
        found.append(
            Violation(
                "input.kind",
                kind,
                f"{task_type.display_name} reads its objects from: " + " or ".join(task_type.input_kinds),
            )
        )
    if kind == "prefix":
        prefix = source.get("prefix")
        if not isinstance(prefix, str) or prefix.startswith("/"):
            found.append(
                Violation(
                    "input.prefix", prefix, "the prefix is a key prefix such as `images/` (no leading slash)"
                )
            )
        data_type = source.get("data_type")
        if kind in task_type.input_kinds and data_type not in task_type.prefix_data_types:
            allowed = ", ".join(task_type.prefix_data_types) or "none (use a manifest)"
            found.append(
                Violation(
                    "input.data_type",
                    data_type,
                    f"{task_type.display_name} accepts these data types: {allowed}",
                )
            )
    elif kind == "manifest":
        uri = source.get("manifest_uri")
        if not isinstance(uri, str) or len(uri) > S3_URI_MAX or not MANIFEST_URI_RE.fullmatch(uri):
            found.append(
                Violation("input.manifest_uri", uri, "the manifest is an S3 URI: s3://<bucket>/<key>")
            )
    else:
        job = source.get("job")
        if job == spec.get("name"):
            found.append(Violation("input.job", job, "a job cannot read its own output"))
        elif not isinstance(job, str) or job not in other_jobs:
            known = ", ".join(sorted(other_jobs)) or "none"
            found.append(
                Violation(
                    "input.job",
                    job,
                    f"names no other job of this environment (jobs: {known})" + did_you_mean(job, other_jobs),
                )
            )
    selection = source.get("selection")
    if kind != "prefix" and isinstance(selection, Mapping) and selection.get("mode", "all") != "all":
        # Only a prefix is listed and selected from; a manifest or an earlier job's output is used whole.
        found.append(
            Violation(
                "input.selection.mode", selection.get("mode"), "a selection is only used with kind prefix"
            )
        )
    found += check_selection(selection, task_type)
    return found


def check_selection(selection: Any, task_type: TaskType) -> list[Violation]:
    if selection is None:
        return []
    if not isinstance(selection, Mapping):
        return [Violation("input.selection", selection, "the selection must be a mapping")]
    mode = selection.get("mode", "all")
    if mode not in SELECTION_MODES:
        return [
            Violation(
                "input.selection.mode",
                mode,
                "the selection mode must be all, sample or filter" + did_you_mean(mode, SELECTION_MODES),
            )
        ]
    found: list[Violation] = []
    if mode == "sample":
        if "sample_size" not in selection:
            found.append(Violation("sample_size", None, "a sample needs a sample_size"))
        found += int_in_range(selection, "sample_size", 1, task_type.max_objects, "the sample size")
        found += int_in_range(selection, "seed", 0, None, "the seed")
    elif mode == "filter":
        pattern = selection.get("key_regex")
        if not _compiles(pattern):
            found.append(Violation("key_regex", pattern, "a filter needs a valid Python regular expression"))
    return [Violation(f"input.selection.{v.field}", v.value, v.rule) for v in found]


def _compiles(pattern: Any) -> bool:
    if not isinstance(pattern, str) or not pattern:
        return False
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True
