"""Every rule of §1-§4 a job spec must satisfy before a job is planned.

botocore does not check `max` or `pattern` client-side (§1.1), and a failed CreateLabelingJob in a
custom resource surfaces late and vaguely, so synth and the Lambda both run these checks first.
Fields in each Violation are dotted paths relative to the job (`labels[2]`, `workforce.price_usd`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import Violation
from .limits import MIN_OBJECTS_FOR_AUTOMATED_LABELING, SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING
from .patterns import full_match_violation
from .project import JOB_TAG_KEY
from .regions import region_violations
from .spec import (
    CustomTaskSpec,
    InputSpec,
    Instructions,
    JobSpec,
    Selection,
    StoppingSpec,
    WorkforceSpec,
)
from .task_types import (
    INPUT_KINDS,
    MIN_TASK_TIME,
    TASK_TYPES,
    TaskType,
    default_label_attribute_name,
    unknown_task_type_violation,
)

# Automated labeling's minimum object count: checked here for selection `sample`; for
# `all`/`filter` the count is only known when the manifest Lambda lists the input, so it enforces
# the minimum at deploy time.

# Config job names: `<prefix>-<name>-<8 hex>` must fit in 63 characters.
JOB_NAME_PART_MAX = 20
JOB_NAME_PART_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# BC:CreateLabelingJobRequest and BC:HumanTaskConfig (§1.1, §1.3).
LABEL_ATTRIBUTE_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}")
LABEL_ATTRIBUTE_NAME_MAX = 127
RESERVED_LABEL_ATTRIBUTE_NAMES = ("source", "source-ref")  # §1.2
TASK_TITLE_RE = re.compile("[\t\n\r -\ud7ff\ue000-\ufffd]*")
TASK_TITLE_MAX = 128
TASK_DESCRIPTION_MAX = 255
# Java's `.` (TaskDescription pattern `.+`) matches no line terminator.
JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
KEYWORD_RE = re.compile(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*")
KEYWORD_MAX = 30
KEYWORDS_MAX = 5
MAX_WORKERS_PER_OBJECT = 9
MIN_TASK_AVAILABILITY = 60
MAX_TASK_AVAILABILITY_MTURK = 43_200
# "For most users" the private/vendor maximum is 30 days (§1.3): a warning, not a rule.
USUAL_MAX_TASK_AVAILABILITY = 2_592_000
MAX_CONCURRENT_TASKS = 5000
DEFAULT_MAX_CONCURRENT_TASKS = 1000  # above this needs a quota raised by AWS Support (§1.3)
WORKTEAM_ARN_RE = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:workteam/.*")
WORKTEAM_ARN_MAX = 256
LAMBDA_ARN_RE = re.compile(r"arn:aws[a-z\-]*:lambda:[a-z0-9\-]*:[0-9]{12}:function:.*")
LAMBDA_ARN_MAX = 2048
MODEL_ARN_RE = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:model/.*")
KMS_KEY_ID_RE = re.compile(r"[a-zA-Z0-9:/_-]*")
KMS_KEY_ID_MAX = 2048
MANIFEST_URI_RE = re.compile(r"s3://[^/]+/.+")
S3_URI_MAX = 1024
EXAMPLE_IMAGE_URI_RE = re.compile(r"(s3|https)://[^\s\"'<>{}\\]+")
EXAMPLE_FIELDS = ("label", "text", "explanation", "image_uri")
CONTENT_CLASSIFIERS = ("FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent")
PII_FREE = "FreeOfPersonallyIdentifiableInformation"
WORKFORCE_KINDS = ("private", "mturk", "vendor")
SELECTION_MODES = ("all", "sample", "filter")
TAGS_MAX = 50 - 1  # plan_job adds the `gt-labeling-stack:job` tag
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAG_EXTRA_CHARS = "_.:/=+-@"
CUSTOM_TEMPLATE_MARKER_RE = re.compile(r"crowd-|\{\{\s*task\.input")


# --- coercion: CloudFormation hands the Lambda every scalar as a string ---------------------------


def spec_int(value: Any) -> int | None:
    """An int from an int or a decimal-digit string; None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return None


def spec_bool(value: Any) -> bool:
    """True for True and the strings "true"/"True" (CloudFormation's form)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def effective_label_attribute_name(spec: JobSpec) -> str:
    """The spec's attribute name, or the console default (job name, `-ref` where required)."""
    given = spec.get("label_attribute_name")
    if given:
        return str(given)
    task_type = str(spec.get("task_type", ""))
    name = str(spec.get("name", ""))
    return default_label_attribute_name(task_type, name) if task_type in TASK_TYPES else name


# --- public API ----------------------------------------------------------------------------------


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


def validate_job_spec(
    spec: JobSpec, *, region: str, private_teams: set[str], other_jobs: dict[str, JobSpec]
) -> list[Violation]:
    """All violations of one job spec; an empty list means it can be planned and launched."""
    if not isinstance(spec, Mapping):
        return [Violation("job", spec, "a job must be a mapping of fields")]
    violations: list[Violation] = []
    violations += region_violations(region)
    violations += _unknown_fields(spec)
    violations += validate_job_name_part(spec.get("name"))
    task_type = TASK_TYPES.get(spec.get("task_type")) if isinstance(spec.get("task_type"), str) else None
    if task_type is None:
        violations.append(unknown_task_type_violation(spec.get("task_type")))
        return violations  # every further rule depends on the task type
    earlier = _earlier_job(spec, other_jobs)
    violations += _check_label_attribute_name(spec, task_type, earlier)
    violations += _check_audit(spec, task_type, earlier)
    violations += _check_labels(spec, task_type)
    violations += _check_task_texts(spec)
    violations += _check_instructions(spec)
    violations += _check_numbers(spec, task_type)
    violations += _check_stopping(spec)
    violations += _check_automated_labeling(spec, task_type)
    violations += _check_workforce(spec, task_type, private_teams)
    violations += _check_input(spec, task_type, other_jobs)
    violations += _check_custom(spec, task_type)
    violations += _check_tags(spec)
    violations += _check_kms(spec)
    return violations


def job_spec_warnings(spec: JobSpec) -> list[Violation]:
    """Legal but doubtful choices: the user decides (CONFLICTs in §3.1, quota notes in §1.3, §1.5)."""
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
    concurrent = spec_int(spec.get("max_concurrent_task_count"))
    if concurrent is not None and concurrent > DEFAULT_MAX_CONCURRENT_TASKS:
        warnings.append(
            Violation(
                "max_concurrent_task_count",
                concurrent,
                f"over {DEFAULT_MAX_CONCURRENT_TASKS} concurrent tasks needs a quota raised by AWS Support",
            )
        )
    lifetime = spec_int(spec.get("task_availability_lifetime_seconds"))
    if lifetime is not None and lifetime > USUAL_MAX_TASK_AVAILABILITY:
        warnings.append(
            Violation(
                "task_availability_lifetime_seconds",
                lifetime,
                "for most accounts tasks stay available for at most 30 days (2,592,000 seconds)",
            )
        )
    selection = (spec.get("input") or {}).get("selection") or {}
    size = spec_int(selection.get("sample_size"))
    enabled = spec_bool(spec.get("automated_labeling"))
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


# --- rules ---------------------------------------------------------------------------------------

_NESTED_SHAPES: dict[str, Any] = {
    "instructions": Instructions,
    "input": InputSpec,
    "workforce": WorkforceSpec,
    "stopping": StoppingSpec,
    "custom": CustomTaskSpec,
}


def _unknown_fields(spec: Mapping[str, Any]) -> list[Violation]:
    """Typos would otherwise be silently ignored and the default used instead."""
    violations = [
        Violation(str(key), spec[key], "is not a job field; check the spelling")
        for key in spec
        if key not in JobSpec.__annotations__
    ]
    for name, shape in _NESTED_SHAPES.items():
        block = spec.get(name)
        if isinstance(block, Mapping):
            violations += [
                Violation(f"{name}.{key}", block[key], f"is not a field of `{name}`; check the spelling")
                for key in block
                if key not in shape.__annotations__
            ]
    selection = (spec.get("input") or {}).get("selection") if isinstance(spec.get("input"), Mapping) else None
    if isinstance(selection, Mapping):
        violations += [
            Violation(f"input.selection.{key}", selection[key], "is not a field of `selection`")
            for key in selection
            if key not in Selection.__annotations__
        ]
    return violations


def _earlier_job(spec: JobSpec, other_jobs: dict[str, JobSpec]) -> JobSpec | None:
    source = spec.get("input")
    if isinstance(source, Mapping) and source.get("kind") == "job_output":
        job = source.get("job")
        if isinstance(job, str) and job != spec.get("name"):
            return other_jobs.get(job)
    return None


def _check_label_attribute_name(
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


def _check_audit(spec: JobSpec, task_type: TaskType, earlier: JobSpec | None) -> list[Violation]:
    """Audit jobs read the earlier labels (template overlay or auditLabelAttributeName, §3.1/§3.2)."""
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


def _check_labels(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    labels = spec.get("labels")
    if not isinstance(labels, list):
        return [
            Violation("labels", labels, f"labels must be a list of at least {task_type.min_labels} names")
        ]
    found: list[Violation] = []
    if len(labels) < task_type.min_labels:
        found.append(
            Violation(
                "labels", labels, f"{task_type.display_name} needs at least {task_type.min_labels} labels"
            )
        )
    limit = task_type.max_labels
    if spec_bool(spec.get("automated_labeling")) and task_type.max_labels_with_auto_labeling is not None:
        limit = task_type.max_labels_with_auto_labeling
    if limit is not None and len(labels) > limit:
        found.append(
            Violation(
                "labels",
                len(labels),
                f"{task_type.display_name} allows at most {limit} labels (got {len(labels)})",
            )
        )
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        field = f"labels[{index}]"
        if not isinstance(label, str) or not label.strip():
            found.append(Violation(field, label, "a label must be a non-empty string"))
            continue
        if len(label) > task_type.max_label_length:
            found.append(
                Violation(
                    field,
                    label,
                    f"a label is at most {task_type.max_label_length} characters for "
                    f"{task_type.display_name} (got {len(label)})",
                )
            )
        if label in seen:
            found.append(
                Violation(field, label, f"labels must be unique; this one repeats labels[{seen[label]}]")
            )
        else:
            seen[label] = index
    short_names = spec.get("label_short_names")
    if short_names is not None:
        if task_type.key != "named_entity_recognition":
            found.append(
                Violation("label_short_names", short_names, "short label names are only used by NER")
            )
        elif not isinstance(short_names, list) or len(short_names) != len(labels):
            found.append(
                Violation("label_short_names", short_names, "give exactly one short name per label, in order")
            )
        else:
            found += [
                Violation(f"label_short_names[{i}]", name, "a short label name must be a non-empty string")
                for i, name in enumerate(short_names)
                if not isinstance(name, str) or not name.strip()
            ]
    return found


def _check_task_texts(spec: JobSpec) -> list[Violation]:
    found: list[Violation] = []
    title = spec.get("title")
    if not isinstance(title, str) or not title:
        found.append(Violation("title", title, "every job needs a title (the task header workers see)"))
    elif len(title) > TASK_TITLE_MAX:
        found.append(
            Violation("title", title, f"the title is at most {TASK_TITLE_MAX} characters (got {len(title)})")
        )
    elif not TASK_TITLE_RE.fullmatch(title):
        found.append(
            Violation("title", title, "the title contains characters the API rejects (control characters)")
        )
    description = spec.get("description")
    if not isinstance(description, str) or not description:
        found.append(Violation("description", description, "every job needs a description of the task"))
    elif len(description) > TASK_DESCRIPTION_MAX:
        found.append(
            Violation(
                "description",
                description,
                f"the description is at most {TASK_DESCRIPTION_MAX} characters (got {len(description)})",
            )
        )
    elif any(c in JAVA_LINE_TERMINATORS for c in description):
        found.append(Violation("description", description, "the description must be a single line"))
    keywords = spec.get("keywords")
    if keywords is None:
        return found
    if not isinstance(keywords, list) or not 1 <= len(keywords) <= KEYWORDS_MAX:
        found.append(Violation("keywords", keywords, f"give 1 to {KEYWORDS_MAX} keywords"))
        return found
    for index, keyword in enumerate(keywords):
        field = f"keywords[{index}]"
        if not isinstance(keyword, str) or not 1 <= len(keyword) <= KEYWORD_MAX:
            found.append(Violation(field, keyword, f"a keyword is 1 to {KEYWORD_MAX} characters"))
        elif not KEYWORD_RE.fullmatch(keyword):
            found.append(
                Violation(
                    field,
                    keyword,
                    "a keyword may contain only letters, digits and single spaces (no hyphens)",
                )
            )
    return found


def _check_instructions(spec: JobSpec) -> list[Violation]:
    block = spec.get("instructions")
    if block is None:
        return []
    if not isinstance(block, Mapping):
        return [Violation("instructions", block, "instructions must be a mapping with short/full texts")]
    found = [
        Violation(f"instructions.{key}", block[key], "must be text")
        for key in ("short", "full")
        if key in block and not isinstance(block[key], str)
    ]
    for group in ("good_examples", "bad_examples"):
        examples = block.get(group)
        if examples is None:
            continue
        if not isinstance(examples, list):
            found.append(Violation(f"instructions.{group}", examples, "examples must be a list"))
            continue
        for index, example in enumerate(examples):
            field = f"instructions.{group}[{index}]"
            if not isinstance(example, Mapping) or not any(example.get(k) for k in EXAMPLE_FIELDS):
                found.append(
                    Violation(field, example, "an example needs a label, text, explanation or image_uri")
                )
                continue
            found += [
                Violation(f"{field}.{key}", example[key], "must be text")
                for key in EXAMPLE_FIELDS
                if example.get(key) is not None and not isinstance(example[key], str)
            ]
            uri = example.get("image_uri")
            if uri is not None and (not isinstance(uri, str) or not EXAMPLE_IMAGE_URI_RE.fullmatch(uri)):
                found.append(
                    Violation(
                        f"{field}.image_uri",
                        uri,
                        "an example image is an s3:// or https:// URI without quotes or spaces",
                    )
                )
    return found


def _int_in_range(
    spec: Mapping[str, Any], field: str, low: int, high: int | None, what: str
) -> list[Violation]:
    if field not in spec:
        return []
    value = spec_int(spec[field])
    if value is None:
        return [Violation(field, spec[field], f"{what} must be a whole number")]
    if value < low or (high is not None and value > high):
        bound = f"from {low:,} to {high:,}" if high is not None else f"at least {low:,}"
        return [Violation(field, value, f"{what} must be {bound}")]
    return []


def _workforce_kind(spec: JobSpec) -> str | None:
    workforce = spec.get("workforce")
    return workforce.get("kind") if isinstance(workforce, Mapping) else None


def _check_numbers(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    found = _int_in_range(spec, "workers_per_object", 1, MAX_WORKERS_PER_OBJECT, "workers per object")
    found += _int_in_range(
        spec,
        "task_time_limit_seconds",
        MIN_TASK_TIME,
        task_type.max_task_time_limit_seconds,
        f"the task time limit for {task_type.display_name} (seconds)",
    )
    mturk = _workforce_kind(spec) == "mturk"
    found += _int_in_range(
        spec,
        "task_availability_lifetime_seconds",
        MIN_TASK_AVAILABILITY,
        MAX_TASK_AVAILABILITY_MTURK if mturk else None,
        "the task availability lifetime (seconds)" + (" with Mechanical Turk" if mturk else ""),
    )
    # Up to 1,000 by default; 1,001-5,000 only with a quota raised by AWS Support: the user's call.
    found += _int_in_range(spec, "max_concurrent_task_count", 1, MAX_CONCURRENT_TASKS, "max concurrent tasks")
    found += _int_in_range(spec, "revision", 0, None, "the revision")
    return found


def _check_stopping(spec: JobSpec) -> list[Violation]:
    block = spec.get("stopping")
    if block is None:
        return []
    if not isinstance(block, Mapping):
        return [Violation("stopping", block, "stopping conditions must be a mapping")]
    found = _int_in_range(
        block, "max_human_labeled_object_count", 1, None, "the maximum number of human-labeled objects"
    )
    found += _int_in_range(
        block, "max_percentage_of_input_dataset_labeled", 1, 100, "the maximum percentage of objects labeled"
    )
    return [Violation(f"stopping.{v.field}", v.value, v.rule) for v in found]


def _check_automated_labeling(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    found: list[Violation] = []
    enabled = spec_bool(spec.get("automated_labeling"))
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
        size = spec_int(selection.get("sample_size"))
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


def _check_workforce(spec: JobSpec, task_type: TaskType, private_teams: set[str]) -> list[Violation]:
    workforce = spec.get("workforce")
    if not isinstance(workforce, Mapping):
        return [Violation("workforce", workforce, "every job needs a workforce (private, mturk or vendor)")]
    kind = workforce.get("kind")
    if kind not in WORKFORCE_KINDS:
        return [Violation("workforce.kind", kind, "the workforce kind must be private, mturk or vendor")]
    found: list[Violation] = []
    owners = {"team": "private", "price_usd": "mturk", "workteam_arn": "vendor"}
    found += [
        Violation(f"workforce.{key}", workforce[key], f"is only used with the {owner} workforce")
        for key, owner in owners.items()
        if key in workforce and owner != kind
    ]
    classifiers = workforce.get("content_classifiers", [])
    if not isinstance(classifiers, list):
        found.append(Violation("workforce.content_classifiers", classifiers, "must be a list"))
        classifiers = []
    found += [
        Violation(
            f"workforce.content_classifiers[{i}]", value, "must be one of: " + ", ".join(CONTENT_CLASSIFIERS)
        )
        for i, value in enumerate(classifiers)
        if value not in CONTENT_CLASSIFIERS
    ]
    if kind == "private":
        team = workforce.get("team")
        if team not in private_teams:
            known = ", ".join(sorted(private_teams)) or "none"
            found.append(
                Violation(
                    "workforce.team", team, f"names no private team of this environment (teams: {known})"
                )
            )
    elif kind == "mturk":
        found += _check_mturk(spec, task_type, workforce, classifiers)
    else:
        arn = workforce.get("workteam_arn")
        if not isinstance(arn, str) or len(arn) > WORKTEAM_ARN_MAX or not WORKTEAM_ARN_RE.fullmatch(arn):
            found.append(
                Violation(
                    "workforce.workteam_arn",
                    arn,
                    "a vendor work team is an ARN like arn:aws:sagemaker:<region>:<account>:workteam/<path>",
                )
            )
        elif "workteam/public-crowd/" in arn:
            found.append(
                Violation(
                    "workforce.workteam_arn", arn, "this is the Mechanical Turk work team: use kind mturk"
                )
            )
    return found


def _check_mturk(
    spec: JobSpec, task_type: TaskType, workforce: Mapping[str, Any], classifiers: list[Any]
) -> list[Violation]:
    if task_type.mturk_price_points is None:
        return [
            Violation(
                "workforce.kind", "mturk", f"Mechanical Turk cannot be used for {task_type.display_name}"
            )
        ]
    found: list[Violation] = []
    price = workforce.get("price_usd")
    allowed = ", ".join(str(p) for p in task_type.mturk_price_points)
    try:
        amount = Decimal(str(price)) if price is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount not in task_type.mturk_price_points:
        found.append(
            Violation(
                "workforce.price_usd",
                price,
                f"the Mechanical Turk price per task for {task_type.display_name} must be one of: {allowed}",
            )
        )
    if PII_FREE not in classifiers:
        found.append(
            Violation(
                "workforce.content_classifiers",
                classifiers,
                f"Mechanical Turk jobs fail unless the data is declared free of personal data ({PII_FREE})",
            )
        )
    return found


def _check_input(spec: JobSpec, task_type: TaskType, other_jobs: dict[str, JobSpec]) -> list[Violation]:
    source = spec.get("input")
    if not isinstance(source, Mapping):
        return [Violation("input", source, "every job needs an input (prefix, manifest or job_output)")]
    kind = source.get("kind")
    if kind not in INPUT_KINDS:
        return [Violation("input.kind", kind, "the input kind must be prefix, manifest or job_output")]
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
                Violation("input.job", job, f"names no other job of this environment (jobs: {known})")
            )
    selection = source.get("selection")
    if kind != "prefix" and isinstance(selection, Mapping) and selection.get("mode", "all") != "all":
        # Only a prefix is listed and selected from; a manifest or an earlier job's output is used whole.
        found.append(
            Violation(
                "input.selection.mode", selection.get("mode"), "a selection is only used with kind prefix"
            )
        )
    found += _check_selection(selection, task_type)
    return found


def _check_selection(selection: Any, task_type: TaskType) -> list[Violation]:
    if selection is None:
        return []
    if not isinstance(selection, Mapping):
        return [Violation("input.selection", selection, "the selection must be a mapping")]
    mode = selection.get("mode", "all")
    if mode not in SELECTION_MODES:
        return [Violation("input.selection.mode", mode, "the selection mode must be all, sample or filter")]
    found: list[Violation] = []
    if mode == "sample":
        if "sample_size" not in selection:
            found.append(Violation("sample_size", None, "a sample needs a sample_size"))
        found += _int_in_range(selection, "sample_size", 1, task_type.max_objects, "the sample size")
        found += _int_in_range(selection, "seed", 0, None, "the seed")
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


def _check_custom(spec: JobSpec, task_type: TaskType) -> list[Violation]:
    block = spec.get("custom")
    if not task_type.is_custom:
        if block is not None:
            return [Violation("custom", block, "the custom block is only for the custom task type")]
        return []
    if not isinstance(block, Mapping):
        return [Violation("custom", block, "a custom task needs a template and PRE/ACS Lambda ARNs")]
    found: list[Violation] = []
    template = block.get("template_html")
    if not isinstance(template, str) or not template.strip():
        found.append(Violation("custom.template_html", template, "a custom task needs its worker template"))
    elif not CUSTOM_TEMPLATE_MARKER_RE.search(template):
        found.append(
            Violation(
                "custom.template_html",
                template[:60],
                "the template uses no Crowd HTML element (`crowd-...`) and never reads `{{ task.input }}`",
            )
        )
    for key in ("pre_lambda_arn", "acs_lambda_arn"):
        arn = block.get(key)
        if not isinstance(arn, str) or len(arn) > LAMBDA_ARN_MAX or not LAMBDA_ARN_RE.fullmatch(arn):
            found.append(
                Violation(
                    f"custom.{key}",
                    arn,
                    "must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)",
                )
            )
    return found


def _is_tag_char(char: str) -> bool:
    # Python's `re` has no \p{L}; the Unicode category gives letters (L), separators (Z), numbers (N).
    return unicodedata.category(char)[0] in "LZN" or char in TAG_EXTRA_CHARS


def _check_tags(spec: JobSpec) -> list[Violation]:
    tags = spec.get("tags")
    if tags is None:
        return []
    if not isinstance(tags, Mapping):
        return [Violation("tags", tags, "tags must be a mapping of key to value")]
    found: list[Violation] = []
    if len(tags) > TAGS_MAX:
        found.append(
            Violation(
                "tags", len(tags), f"at most {TAGS_MAX} tags (the API allows 50; one is the job's own tag)"
            )
        )
    allowed = "letters, digits, spaces and _ . : / = + - @"
    for key, value in tags.items():
        field = f"tags[{key!r}]"
        if not isinstance(key, str) or not 1 <= len(key) <= TAG_KEY_MAX:
            found.append(Violation(field, key, f"a tag key is 1 to {TAG_KEY_MAX} characters"))
            continue
        if key.lower().startswith("aws:"):
            found.append(Violation(field, key, "tag keys starting with aws: are reserved by AWS"))
        if key == JOB_TAG_KEY:
            found.append(Violation(field, key, "this tag is set by the stack to the job's name"))
        if not all(_is_tag_char(c) for c in key):
            found.append(Violation(field, key, f"a tag key may contain only {allowed}"))
        if not isinstance(value, str) or len(value) > TAG_VALUE_MAX:
            found.append(
                Violation(field, value, f"a tag value is text of at most {TAG_VALUE_MAX} characters")
            )
        elif not all(_is_tag_char(c) for c in value):
            found.append(Violation(field, value, f"a tag value may contain only {allowed}"))
    return found


def _check_kms(spec: JobSpec) -> list[Violation]:
    key = spec.get("kms_key_id")
    if key is None:
        return []
    if not isinstance(key, str) or not key:
        return [Violation("kms_key_id", key, "the KMS key is a key ID, key ARN, alias name or alias ARN")]
    return full_match_violation("kms_key_id", key, KMS_KEY_ID_RE, KMS_KEY_ID_MAX, "the KMS key ID")
