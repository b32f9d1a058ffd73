"""Custom tasks, tags and the output key."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from ..errors import Violation
from ..limits import (
    CUSTOM_TEMPLATE_MARKER_RE,
    KMS_KEY_ID_MAX,
    KMS_KEY_ID_RE,
    LAMBDA_ARN_MAX,
    LAMBDA_ARN_RE,
    TAG_EXTRA_CHARS,
    TAG_KEY_MAX,
    TAG_VALUE_MAX,
    TAGS_MAX,
    full_match_violation,
)
from ..project import JOB_TAG_KEY
from ..spec import (
    JobSpec,
)
from ..task_types import (
    TaskType,
)


def check_custom(spec: JobSpec, task_type: TaskType) -> list[Violation]:
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


def check_tags(spec: JobSpec) -> list[Violation]:
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


def check_kms(spec: JobSpec) -> list[Violation]:
    key = spec.get("kms_key_id")
    if key is None:
        return []
    if not isinstance(key, str) or not key:
        return [Violation("kms_key_id", key, "the KMS key is a key ID, key ARN, alias name or alias ARN")]
    return full_match_violation("kms_key_id", key, KMS_KEY_ID_RE, KMS_KEY_ID_MAX, "the KMS key ID")
