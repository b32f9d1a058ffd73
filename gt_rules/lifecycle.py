"""Labeling job states (docs/ground-truth.md#job-lifecycle) and what each means for create, delete and the
reaper, plus the labeling-job custom resource's decisions (retry, adopt, keep, stop), so its handler only
calls AWS."""

from __future__ import annotations

from .limits import LABELING_JOB_NAME_MAX, LABELING_JOB_NAME_RE, full_match_violation
from .retry import THROTTLING_CODES

INITIALIZING = "Initializing"
IN_PROGRESS = "InProgress"
COMPLETED = "Completed"
FAILED = "Failed"
STOPPING = "Stopping"
STOPPED = "Stopped"

# A job in one of these can be stopped, and bills or occupies workers until it is.
RUNNING_STATUSES = (INITIALIZING, IN_PROGRESS)


def needs_stop(status: str) -> bool:
    """Stop only what is running; StopLabelingJob on a settled job is at best a no-op
    (docs/ground-truth.md#stop-and-delete)."""
    return status in RUNNING_STATUSES


# --- Custom-resource decisions (create, is_complete, update, delete); the handler only calls AWS. ---

# A freshly created execution role is often not usable for a minute or two, and CreateLabelingJob then answers
# ValidationException naming the role ("Could not assume role <arn> ..."); Terraform retries that error during
# IAM propagation (docs/ground-truth.md#iam-execution-role). Only that form is retried: any other
# ValidationException is a bad request that fails at once. 8 attempts with delays 2, 4, 8, 16, 30, 30, 30 s:
# about two minutes before giving up.
CREATE_ATTEMPTS = 8
CREATE_BASE_DELAY_SECONDS = 2.0
CREATE_MAX_DELAY_SECONDS = 30.0
IAM_PROPAGATION_CODE = "ValidationException"
_ROLE_NOT_READY_PHRASES = ("assume role", "assume the role", "assume the execution role")
# CreateLabelingJob's modelled error for a name already taken (docs/ground-truth.md#create-labeling-job).
NAME_TAKEN_CODE = "ResourceInUse"
NOT_FOUND_CODE = "ResourceNotFound"
# UNVERIFIED: the API models only ResourceNotFound for Describe/Stop, but SageMaker is known to
# answer a missing job with ValidationException too; accept both when the message says so.
_NOT_FOUND_PHRASES = ("does not exist", "not found", "could not find")


class JobFailed(RuntimeError):
    """A labeling job that will never reach InProgress: the custom resource must fail."""

    def __init__(self, job_name: str, status: str, failure_reason: str = "") -> None:
        self.job_name = job_name
        self.status = status
        self.failure_reason = failure_reason
        if status == FAILED:
            why = failure_reason or "no FailureReason given"
        else:
            # Names are unique forever (docs/ground-truth.md#stop-and-delete): a deterministic name that is
            # already Stopped can only be reused by changing the definition or bumping `revision`.
            why = "stopped before it started; change the job or bump its `revision` to launch a new one"
            if failure_reason:
                why += f" ({failure_reason})"
        super().__init__(f"labeling job {job_name or '?'} is {status}: {why}")


def create_progress(status: str, failure_reason: str = "", *, job_name: str = "") -> bool:
    """True once a new job is accepted (InProgress or Completed), False while Initializing.

    Raises JobFailed for Failed, Stopping and Stopped. An unknown status keeps waiting: the
    Provider's total timeout bounds the wait, and a new AWS state should not fail a deploy.
    """
    if status in (IN_PROGRESS, COMPLETED):
        return True
    if status in (FAILED, STOPPING, STOPPED):
        raise JobFailed(job_name, status, failure_reason)
    return False


def role_not_ready(code: str, message: str, role_arn: str) -> bool:
    """Whether a CreateLabelingJob error is the execution role still propagating in IAM: a
    ValidationException that says the role cannot be assumed or names the role itself."""
    if code != IAM_PROPAGATION_CODE:
        return False
    text = message.lower()
    return any(phrase in text for phrase in _ROLE_NOT_READY_PHRASES) or (
        bool(role_arn) and role_arn.lower() in text
    )


def create_retryable(code: str, message: str, role_arn: str) -> bool:
    """CreateLabelingJob errors worth another attempt: a role still propagating, and throttling."""
    return code in THROTTLING_CODES or role_not_ready(code, message, role_arn)


def name_taken(code: str) -> bool:
    return code == NAME_TAKEN_CODE


def is_not_found(code: str, message: str) -> bool:
    """Whether a Describe/Stop error means the job does not exist."""
    if code == NOT_FOUND_CODE:
        return True
    lowered = message.lower()
    return code == "ValidationException" and any(p in lowered for p in _NOT_FOUND_PHRASES)


def same_job_name(a: str, b: str) -> bool:
    """Job names are unique case-insensitively (docs/ground-truth.md#create-labeling-job), so compare them
    that way."""
    return a.casefold() == b.casefold()


def is_job_name(physical_id: str) -> bool:
    """Whether a physical id could be a labeling job name at all.

    A Create that failed leaves an id CloudFormation or the Provider made up (a request id, a log
    stream name); Delete must not send those to DescribeLabelingJob's pattern check.
    """
    return not full_match_violation(
        "PhysicalResourceId", physical_id, LABELING_JOB_NAME_RE, LABELING_JOB_NAME_MAX, "a labeling job name"
    )


def output_manifest_uri(s3_output_path: str, job_name: str) -> str:
    """Where the final output manifest lands: <S3OutputPath>/<job>/manifests/output/output.manifest
    (docs/ground-truth.md#output-layout)."""
    return f"{s3_output_path.rstrip('/')}/{job_name}/manifests/output/output.manifest"
