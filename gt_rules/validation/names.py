"""Names: the job's config name, its label attribute name and the one it reviews, and
unknown fields (a typo must not fall back to a default silently)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Violation, did_you_mean
from ..limits import (
    JOB_NAME_PART_MAX,
    JOB_NAME_PART_RE,
    LABEL_ATTRIBUTE_NAME_MAX,
    LABEL_ATTRIBUTE_NAME_RE,
    RESERVED_LABEL_ATTRIBUTE_NAMES,
    full_match_violation,
)
from ..spec import (
    CustomTaskSpec,
    InputSpec,
    Instructions,
    JobSpec,
    Selection,
    StoppingSpec,
    WorkforceSpec,
)
from ..task_types import (
    TaskType,
    effective_label_attribute_name,
)


def validate_job_name_part(name: Any, field: str = "name") -> list[Violation]:
    """The config name of a job: lowercase letters, digits and single hyphens, at most 20 chars."""
    if not isinstance(name, str) or not name:
        return [Violation(field, name, "every job needs a name (lowercase letters, digits and hyphens)")]
    if len(name) > JOB_NAME_PART_MAX:
        return [
            Violation(
                field,
                name,
                f"a job name is at most {JOB_NAME_PART_MAX} characters (got {len(name)}) so that "
                "<prefix>-<name>-<digest> fits the 63-character limit of labeling job names",
            )
        ]
    if not JOB_NAME_PART_RE.fullmatch(name):
        return [
            Violation(
                field,
                name,
                "a job name may contain only lowercase letters, digits and single hyphens, and "
                "cannot start or end with a hyphen",
            )
        ]
    return []


_NESTED_SHAPES: dict[str, Any] = {
    "instructions": Instructions,
    "input": InputSpec,
    "workforce": WorkforceSpec,
    "stopping": StoppingSpec,
    "custom": CustomTaskSpec,
}


def unknown_fields(spec: Mapping[str, Any]) -> list[Violation]:
    """Typos would otherwise be silently ignored and the default used instead."""
    violations = [
        Violation(
            str(key),
            spec[key],
            "is not a job field" + (did_you_mean(key, JobSpec.__annotations__) or "; check the spelling"),
        )
        for key in spec
        if key not in JobSpec.__annotations__
    ]
    for name, shape in _NESTED_SHAPES.items():
        block = spec.get(name)
        if isinstance(block, Mapping):
            violations += [
                Violation(
                    f"{name}.{key}",
                    block[key],
                    f"is not a field of `{name}`"
                    + (did_you_mean(key, shape.__annotations__) or "; check the spelling"),
                )
                for key in block
                if key not in shape.__annotations__
            ]
    selection = (spec.get("input") or {}).get("selection") if isinstance(spec.get("input"), Mapping) else None
    if isinstance(selection, Mapping):
        violations += [
            Violation(
                f"input.selection.{key}",
                selection[key],
                "is not a field of `selection`" + did_you_mean(key, Selection.__annotations__),
            )
            for key in selection
            if key not in Selection.__annotations__
        ]
    return violations


def earlier_job(spec: JobSpec, other_jobs: dict[str, JobSpec]) -> JobSpec | None:
    source = spec.get("input")
    if isinstance(source, Mapping) and source.get("kind") == "job_output":
        job = source.get("job")
        if isinstance(job, str) and job != spec.get("name"):
            return other_jobs.get(job)
    return None


def check_label_attribute_name(
    spec: JobSpec, task_type: TaskType, earlier: JobSpec | None
) -> list[Violation]:
    field = "label_attribute_name"
    lan = spec.get(field)
    if lan is None:
        return []  # defaults to the job name (+ -ref), which the name rules already make valid
    if not isinstance(lan, str) or not lan:
        return [Violation(field, lan, "the label attribute name must be a non-empty string")]
    found = full_match_violation(
        field, lan, LABEL_ATTRIBUTE_NAME_RE, LABEL_ATTRIBUTE_NAME_MAX, "the label attribute name"
    )
    if lan.endswith("-metadata"):
        found.append(Violation(field, lan, "the label attribute name cannot end with -metadata"))
    if lan in RESERVED_LABEL_ATTRIBUTE_NAMES:
        found.append(Violation(field, lan, "`source` and `source-ref` are reserved manifest keys"))
    if task_type.lan_must_end_with_ref and not lan.endswith("-ref"):
        found.append(
            Violation(field, lan, f"the label attribute name must end with -ref for {task_type.display_name}")
        )
    elif not task_type.lan_must_end_with_ref and lan.endswith("-ref"):
        found.append(
            Violation(
                field, lan, f"the label attribute name must not end with -ref for {task_type.display_name}"
            )
        )
    if task_type.is_audit and earlier is not None and lan == effective_label_attribute_name(earlier):
        found.append(
            Violation(
                field,
                lan,
                "a verification or adjustment job must use a different label attribute name "
                "from the job whose labels it reviews",
            )
        )
    return found


def check_audit(spec: JobSpec, task_type: TaskType, earlier: JobSpec | None) -> list[Violation]:
    """Audit jobs read the earlier labels (template overlay or auditLabelAttributeName)."""
    field = "audit_label_attribute_name"
    audit_lan = spec.get(field)
    if not task_type.is_audit:
        if audit_lan is not None:
            return [Violation(field, audit_lan, "is only used by verification and adjustment jobs")]
        return []
    found: list[Violation] = []
    if not isinstance(audit_lan, str) or not audit_lan:
        found.append(
            Violation(
                field,
                audit_lan,
                "a verification or adjustment job needs the label attribute name of the job whose "
                "labels it reviews",
            )
        )
    else:
        found += full_match_violation(
            field, audit_lan, LABEL_ATTRIBUTE_NAME_RE, LABEL_ATTRIBUTE_NAME_MAX, "the audited attribute name"
        )
        # Reported once: when it is also the earlier job's name, the attribute-name rule says so.
        repeats_earlier = earlier is not None and audit_lan == effective_label_attribute_name(earlier)
        if audit_lan == effective_label_attribute_name(spec) and not repeats_earlier:
            found.append(
                Violation(
                    field,
                    audit_lan,
                    "the reviewed attribute name must differ from this job's label attribute name",
                )
            )
        if earlier is not None and audit_lan != effective_label_attribute_name(earlier):
            found.append(
                Violation(
                    field,
                    audit_lan,
                    f"the earlier job writes its labels as {effective_label_attribute_name(earlier)!r}",
                )
            )
    if earlier is not None and earlier.get("task_type") not in task_type.audit_of:
        found.append(
            Violation(
                "input.job",
                spec["input"].get("job"),
                f"{task_type.display_name} reviews the output of: " + ", ".join(task_type.audit_of),
            )
        )
    return found
