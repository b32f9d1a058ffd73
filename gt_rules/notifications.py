"""Readable SNS messages about labeling jobs: subject rules, links, the job-state notification.

Pure formatting: the job notifier Lambda and the reaper hand in what they read from AWS and get back a subject
and a body. Field names follow DescribeLabelingJob (docs/ground-truth.md#job-lifecycle)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from . import lifecycle

# SNS Publish: the subject is ASCII, starts with a letter, digit or punctuation, has no line breaks
# or control characters and is "less than 100 characters" (read strictly: 99 satisfies both readings).
SUBJECT_MAX = 99
# SNS Publish: messages up to 256 KB; stay well below so a long list never fails the publish.
BODY_MAX_CHARS = 200_000

LABEL_COUNTERS = ("TotalLabeled", "HumanLabeled", "MachineLabeled", "FailedNonRetryableError", "Unlabeled")

_JOB_ARN_RE = re.compile(r"arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):[0-9]{12}:labeling-job/(.+)")


class Message(NamedTuple):
    subject: str
    body: str


def sns_subject(text: str) -> str:
    """`text` made acceptable as an SNS subject: ASCII, one line, at most SUBJECT_MAX characters."""
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    one_line = re.sub(r"[\x00-\x1f\x7f]+", " ", ascii_text)
    # Stripping leaves a printable first character: a letter, digit or punctuation, as SNS requires.
    collapsed = re.sub(r" {2,}", " ", one_line).strip()
    if not collapsed:
        collapsed = "Ground Truth notification"
    if len(collapsed) > SUBJECT_MAX:
        collapsed = collapsed[: SUBJECT_MAX - 3].rstrip() + "..."
    return collapsed


def clip_body(body: str) -> str:
    if len(body) <= BODY_MAX_CHARS:
        return body
    return body[: BODY_MAX_CHARS - 40] + "\n... (message shortened to fit SNS)\n"


def parse_job_arn(arn: str) -> tuple[str, str] | None:
    """(region, job name) from a labeling-job ARN, or None when `arn` is not one.

    SageMaker writes resource names in ARNs in lower case, so the name may differ in case from the one the job
    was created with (names are unique case-insensitively, docs/ground-truth.md#create-labeling-job, so it
    still identifies it)."""
    match = _JOB_ARN_RE.fullmatch(arn.strip())
    if not match:
        return None
    return match.group(1), match.group(2)


def console_url(region: str, job_name: str) -> str:
    return (
        f"https://{region}.console.aws.amazon.com/sagemaker/groundtruth?region={region}"
        f"#/labeling-jobs/details/{quote(job_name, safe='-')}"
    )


def _counter_line(counters: Mapping[str, Any] | None) -> str:
    if not counters:
        return "Counters: not available"
    parts = [f"{key} {int(counters.get(key, 0))}" for key in LABEL_COUNTERS]
    return "Counters: " + ", ".join(parts)


def _manifest_line(job_name: str, status: str, description: Mapping[str, Any] | None) -> str:
    if description is None:
        return "Output manifest: unknown (the job's details could not be read)"
    output = description.get("LabelingJobOutput") or {}
    uri = output.get("OutputDatasetS3Uri")
    if uri:
        return f"Output manifest: {uri}"
    s3_output_path = (description.get("OutputConfig") or {}).get("S3OutputPath")
    if not s3_output_path:
        return "Output manifest: unknown (no output path in the job's details)"
    # The docs/ground-truth.md#output-layout layout; without a trailing "/" on S3OutputPath it is UNVERIFIED
    # (docs/ground-truth.md#create-labeling-job) and assumed the same.
    expected = lifecycle.output_manifest_uri(s3_output_path, job_name)
    if status == lifecycle.COMPLETED:
        return f"Output manifest: {expected}"
    # Stopped jobs keep what was labeled so far (docs/ground-truth.md#stop-and-delete); whether a failed one
    # writes a manifest is not documented, so say where it would be rather than that it is there.
    return f"Output manifest: {expected} (expected location; present only if labels were written)"


def job_state_message(
    *,
    job_name: str,
    status: str,
    region: str,
    description: Mapping[str, Any] | None,
    describe_error: str = "",
) -> Message:
    """The notification for one labeling-job state change.

    `description` is the DescribeLabelingJob response, or None when it could not be read; then
    `describe_error` says why and the message carries only what the event had.
    """
    if description is not None:
        job_name = str(description.get("LabelingJobName") or job_name)
        status = status or str(description.get("LabelingJobStatus") or "")
    status = status or "unknown status"
    subject = sns_subject(f"Ground Truth job {status}: {job_name}")

    lines = [
        f"Labeling job: {job_name}",
        f"Status: {status}",
        f"Region: {region}",
    ]
    if description is not None:
        now_status = description.get("LabelingJobStatus")
        if now_status and now_status != status:
            lines.append(f"Status when read just now: {now_status}")
        reason = description.get("FailureReason")
        if reason:
            lines.append(f"Failure reason: {reason}")
        lines.append(_counter_line(description.get("LabelCounters")))
    else:
        lines.append(_counter_line(None))
    lines.append(_manifest_line(job_name, status, description))
    lines.append(f"Console: {console_url(region, job_name)}")
    if description is None:
        note = f" ({describe_error})" if describe_error else ""
        lines.append("")
        lines.append(
            f"The job's details could not be read{note}; this message has only what the event carried."
        )
    return Message(subject, clip_body("\n".join(lines) + "\n"))
