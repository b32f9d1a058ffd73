"""What workers see: labels, title, description, keywords and instructions."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import Violation
from ..limits import (
    EXAMPLE_FIELDS,
    EXAMPLE_IMAGE_URI_RE,
    JAVA_LINE_TERMINATORS,
    KEYWORD_MAX,
    KEYWORD_RE,
    KEYWORDS_MAX,
    TASK_DESCRIPTION_MAX,
    TASK_TITLE_MAX,
    TASK_TITLE_RE,
)
from ..spec import (
    JobSpec,
    parse_bool,
)
from ..task_types import (
    TaskType,
)


def check_labels(spec: JobSpec, task_type: TaskType) -> list[Violation]:
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
    if parse_bool(spec.get("automated_labeling")) and task_type.max_labels_with_auto_labeling is not None:
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
        # Workers cannot tell `Bag` from `bag ` apart: labels that differ only in case or in
        # surrounding spaces are duplicates.
        key = label.strip().casefold()
        if key in seen:
            found.append(
                Violation(field, label, f"labels must be unique; this one repeats labels[{seen[key]}]")
            )
        else:
            seen[key] = index
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


def check_task_texts(spec: JobSpec) -> list[Violation]:
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


def check_instructions(spec: JobSpec) -> list[Violation]:
    # Read as plain data: a spec from CloudFormation may hold anything, whatever Instructions says.
    block: object = spec.get("instructions")
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
