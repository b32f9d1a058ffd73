"""Every rule a job spec must satisfy before a job is planned (docs/ground-truth.md).

botocore does not check `max` or `pattern` client-side, and a failed CreateLabelingJob in a
custom resource surfaces late and vaguely, so synth and the Lambda both run these checks first.
Fields in each Violation are dotted paths relative to the job (`labels[2]`, `workforce.price_usd`).
One module per kind of rule: names, content (what workers see), numbers, workforce, inputs,
options (custom tasks, tags, the output key).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import Violation, did_you_mean
from ..limits import (
    DEFAULT_MAX_CONCURRENT_TASKS,
    MIN_OBJECTS_FOR_AUTOMATED_LABELING,
    SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING,
    USUAL_MAX_TASK_AVAILABILITY,
)
from ..regions import region_violations
from ..spec import JobSpec, parse_bool, parse_int
from ..task_types import TASK_TYPES, unknown_task_type_violation
from .content import check_instructions, check_labels, check_task_texts
from .inputs import check_input
from .names import (
    check_audit,
    check_label_attribute_name,
    earlier_job,
    unknown_fields,
    validate_job_name_part,
)
from .numbers import check_automated_labeling, check_numbers, check_stopping
from .options import check_custom, check_kms, check_tags
from .workforce import check_workforce

__all__ = ["job_spec_warnings", "validate_job_name_part", "validate_job_spec"]


def validate_job_spec(
    spec: JobSpec,
    *,
    region: str | None = None,
    private_teams: set[str],
    other_jobs: dict[str, JobSpec],
) -> list[Violation]:
    """All violations of one job spec; an empty list means it can be planned and launched.

    `region`: the Region the job runs in, checked here; None when the caller checks it once for
    all its jobs (the config loader does, so a bad Region is reported once, not once per job).
    """
    if not isinstance(spec, Mapping):
        return [Violation("job", spec, "a job must be a mapping of fields")]
    violations: list[Violation] = []
    if region is not None:
        violations += region_violations(region)
    violations += unknown_fields(spec)
    violations += validate_job_name_part(spec.get("name"))
    task_type_key = spec.get("task_type")
    task_type = TASK_TYPES.get(task_type_key) if isinstance(task_type_key, str) else None
    if task_type is None:
        unknown = unknown_task_type_violation(task_type_key)
        suggestion = did_you_mean(unknown.value, TASK_TYPES)
        violations.append(Violation(unknown.field, unknown.value, unknown.rule + suggestion))
        return violations  # every further rule depends on the task type
    earlier = earlier_job(spec, other_jobs)
    violations += check_label_attribute_name(spec, task_type, earlier)
    violations += check_audit(spec, task_type, earlier)
    violations += check_labels(spec, task_type)
    violations += check_task_texts(spec)
    violations += check_instructions(spec)
    violations += check_numbers(spec, task_type)
    violations += check_stopping(spec)
    violations += check_automated_labeling(spec, task_type)
    violations += check_workforce(spec, task_type, private_teams)
    violations += check_input(spec, task_type, other_jobs)
    violations += check_custom(spec, task_type)
    violations += check_tags(spec)
    violations += check_kms(spec)
    return violations


def job_spec_warnings(spec: JobSpec) -> list[Violation]:
    """Legal but doubtful choices, where the documentation and the quotas disagree: the user decides."""
    warnings: list[Violation] = []
    task_type = TASK_TYPES.get(str(spec.get("task_type", "")))
    labels = spec.get("labels")
    if task_type and isinstance(labels, list):
        if task_type.key in ("bounding_box", "bounding_box_adjustment", "image_classification") and (
            len(labels) > 10
        ):
            warnings.append(
                Violation(
                    "labels",
                    len(labels),
                    "the Crowd HTML element documentation allows 10 labels for this task type while "
                    "the quota table allows more; test with a small job first",
                )
            )
        if task_type.console_max_labels is not None and len(labels) > task_type.console_max_labels:
            warnings.append(
                Violation(
                    "labels",
                    len(labels),
                    f"the console allows at most {task_type.console_max_labels} labels for this task "
                    "type; the API allows more",
                )
            )
    concurrent = parse_int(spec.get("max_concurrent_task_count"))
    if concurrent is not None and concurrent > DEFAULT_MAX_CONCURRENT_TASKS:
        warnings.append(
            Violation(
                "max_concurrent_task_count",
                concurrent,
                f"over {DEFAULT_MAX_CONCURRENT_TASKS} concurrent tasks needs a quota raised by AWS Support",
            )
        )
    lifetime = parse_int(spec.get("task_availability_lifetime_seconds"))
    if lifetime is not None and lifetime > USUAL_MAX_TASK_AVAILABILITY:
        warnings.append(
            Violation(
                "task_availability_lifetime_seconds",
                lifetime,
                "for most accounts tasks stay available for at most 30 days (2,592,000 seconds)",
            )
        )
    selection = (spec.get("input") or {}).get("selection") or {}
    size = parse_int(selection.get("sample_size"))
    enabled = parse_bool(spec.get("automated_labeling"))
    if (
        enabled
        and size is not None
        and MIN_OBJECTS_FOR_AUTOMATED_LABELING <= size < SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING
    ):
        warnings.append(
            Violation(
                "input.selection.sample_size",
                size,
                f"AWS strongly suggests at least {SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING} objects "
                "for automated labeling",
            )
        )
    return warnings
