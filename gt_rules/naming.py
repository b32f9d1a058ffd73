"""Physical labeling-job names (docs/ground-truth.md#create-labeling-job, #stop-and-delete).

Jobs cannot be deleted and their names are unique forever, case-insensitively, in an account and
Region. So every physical name is lowercase and ends with a digest of the whole job spec: an
unchanged spec gives the same name (CloudFormation retries and `make plan` agree with the Lambda),
and any change, including a `revision` bump, gives a new one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import RuleViolation, Violation
from .limits import LABELING_JOB_NAME_MAX, LABELING_JOB_NAME_RE
from .spec import JobSpec

DIGEST_LENGTH = 8
# `${Name}` values stand in for deploy-time values in `make plan` output.
PLACEHOLDER_RE = re.compile(r"\$\{[A-Za-z0-9_.:\-]+\}")


def contains_placeholder(value: object) -> bool:
    return isinstance(value, str) and PLACEHOLDER_RE.search(value) is not None


def canonical_value(value: Any) -> Any:
    """The spec as CloudFormation delivers it: every scalar a string, no None values.

    Synth sees `3` and `True`; the Lambda receives `"3"` and `"true"`. Hashing this form makes
    both sides compute the same digest, hence the same job name.
    """
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


def spec_digest(spec: JobSpec) -> str:
    """First 8 hex chars of sha256 over the canonical JSON of the spec."""
    text = json.dumps(canonical_value(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def job_name_prefix(name_prefix: str) -> str:
    """`<prefix>-`: every job of this environment starts with it (IAM `labeling-job/<prefix>-*`).

    Caveat: environments `a` and `a-b` of one project overlap (`p-a-` is a prefix of `p-a-b-...`).
    """
    return f"{name_prefix.lower()}-"


def is_environment_job(job_name: str, name_prefix: str) -> bool:
    return job_name.lower().startswith(job_name_prefix(name_prefix))


def physical_job_name(name_prefix: str, spec: JobSpec) -> str:
    """`<prefix>-<name>-<digest>`, lowercase, at most 63 characters.

    The name part is shortened when needed, never the digest, so uniqueness holds. A placeholder
    prefix (`make plan`) is kept verbatim and the result is not checked.
    """
    digest = spec_digest(spec)
    name = str(spec.get("name", "")).lower()
    if contains_placeholder(name_prefix):
        return f"{name_prefix}-{name}-{digest}"
    prefix = name_prefix.lower()
    room = LABELING_JOB_NAME_MAX - len(prefix) - len(digest) - 2  # two joining hyphens
    if room < 1:
        raise RuleViolation(
            [
                Violation(
                    "name_prefix",
                    name_prefix,
                    f"the name prefix leaves no room for the job name within {LABELING_JOB_NAME_MAX} "
                    f"characters; use at most {LABELING_JOB_NAME_MAX - len(digest) - 3} characters",
                )
            ]
        )
    middle = name[:room].strip("-")
    result = f"{prefix}-{middle}-{digest}" if middle else f"{prefix}-{digest}"
    if not LABELING_JOB_NAME_RE.fullmatch(result):
        raise RuleViolation(
            [
                Violation(
                    "name_prefix",
                    name_prefix,
                    f"the job name {result!r} must match {LABELING_JOB_NAME_RE.pattern} "
                    "(letters, digits and hyphens, no leading or trailing hyphen)",
                )
            ]
        )
    return result
