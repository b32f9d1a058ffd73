"""Numbers: workers, time limits, concurrency, stopping conditions and automated labeling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Violation
from ..limits import (
    MAX_CONCURRENT_TASKS,
    MAX_TASK_AVAILABILITY_MTURK,
    MAX_WORKERS_PER_OBJECT,
    MIN_OBJECTS_FOR_AUTOMATED_LABELING,
    MIN_TASK_AVAILABILITY,
    MODEL_ARN_RE,
)
from ..spec import (
    JobSpec,
    parse_bool,
    parse_int,
)
from ..task_types import (
    MIN_TASK_TIME,
    TaskType,
)


def int_in_range(
    spec: Mapping[str, Any], field: str, low: int, high: int | None, what: str
) -> list[Violation]:
    if field not in spec:
        return []
    value = parse_int(spec[field])
    if value is None:
        return [Violation(field, spec[field], f"{what} must be a whole number")]
    if value < low or (high is not None and value > high):
        bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        return [Violation(field, value, f"{what} must be {bound}")]
    return []


def workforce_kind(spec: JobSpec) -> str | None:
    workforce = spec.get("workforce")
    return workforce.get("kind") if isinstance(workforce, Mapping) else None


def check_numbers(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    found = int_in_range(spec, "workers_per_object", 1, MAX_WORKERS_PER_OBJECT, "workers per object")
    found += int_in_range(
        spec,
        "task_time_limit_seconds",
        MIN_TASK_TIME,
        task_type.max_task_time_limit_seconds,
        f"the task time limit for {task_type.display_name} (seconds)",
    )
    mturk = workforce_kind(spec) == "mturk"
    found += int_in_range(
        spec,
        "task_availability_lifetime_seconds",
        MIN_TASK_AVAILABILITY,
        MAX_TASK_AVAILABILITY_MTURK if mturk else None,
        "the task availability lifetime (seconds)" + (" with Mechanical Turk" if mturk else ""),
    )
    # Up to 1,000 by default; 1,001-5,000 only with a quota raised by AWS Support: the user's call.
    found += int_in_range(spec, "max_concurrent_task_count", 1, MAX_CONCURRENT_TASKS, "max concurrent tasks")
    found += int_in_range(spec, "revision", 0, None, "the revision")
    return found


def check_stopping(spec: JobSpec) -> list[Violation]:
    block = spec.get("stopping")
    if block is None:
        return []
    if not isinstance(block, Mapping):
        return [Violation("stopping", block, "stopping conditions must be a mapping")]
    found = int_in_range(
        block, "max_human_labeled_object_count", 1, None, "the maximum number of human-labeled objects"
    )
    found += int_in_range(
        block, "max_percentage_of_input_dataset_labeled", 1, 100, "the maximum percentage of objects labeled"
    )
    return [Violation(f"stopping.{v.field}", v.value, v.rule) for v in found]


def check_automated_labeling(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    found: list[Violation] = []
    enabled = parse_bool(spec.get("automated_labeling"))
    flag = spec.get("automated_labeling")
    if flag is not None and not isinstance(flag, bool) and str(flag).strip().lower() not in ("true", "false"):
        found.append(Violation("automated_labeling", flag, "must be true or false"))
    if enabled and not task_type.allows_auto_labeling:
        found.append(
            Violation(
                "automated_labeling",
                True,
                "automated data labeling is only available for single-label image and text classification, "
                f"bounding box and semantic segmentation, not {task_type.display_name}",
            )
        )
    source = spec.get("input")
    selection = source.get("selection") if isinstance(source, Mapping) else None
    if enabled and isinstance(selection, Mapping) and selection.get("mode") == "sample":
        size = parse_int(selection.get("sample_size"))
        if size is not None and size < MIN_OBJECTS_FOR_AUTOMATED_LABELING:
            found.append(
                Violation(
                    "input.selection.sample_size",
                    size,
                    f"automated labeling needs at least {MIN_OBJECTS_FOR_AUTOMATED_LABELING:,} objects",
                )
            )
    model = spec.get("initial_active_learning_model_arn")
    if model is not None:
        if not enabled:
            found.append(
                Violation("initial_active_learning_model_arn", model, "is only used with automated labeling")
            )
        elif not isinstance(model, str) or not 20 <= len(model) <= 2048 or not MODEL_ARN_RE.fullmatch(model):
            found.append(
                Violation(
                    "initial_active_learning_model_arn",
                    model,
                    "must be a SageMaker model ARN (arn:aws:sagemaker:<region>:<account>:model/<name>)",
                )
            )
    return found
