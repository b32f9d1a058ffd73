"""Ground Truth's limits and patterns, each defined once (docs/ground-truth.md).

The API's own patterns and lengths (which botocore does not check client-side), the quotas the
project enforces, and the project's own name rules that follow from them. Task-specific limits
are in the task-type table (task_types.py); manifest line limits in manifest.py.
"""

from __future__ import annotations

import re

from .errors import Violation

# docs/ground-truth.md#automated-labeling: at least this many objects; 5,000+ strongly suggested.
MIN_OBJECTS_FOR_AUTOMATED_LABELING = 1_250
SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING = 5_000

# Input data types a prefix can be turned into a manifest from, and the object keys each takes
# (docs/ground-truth.md#input-formats).
DATA_TYPE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "images": (".jpg", ".jpeg", ".png"),
    "videos": (".mp4", ".ogg", ".webm"),
    "text_objects": (".txt",),  # one object = one file, inlined as `source`
    "text_lines": (".txt",),  # one object = one line of a file
    "csv_rows": (".csv",),  # one object = one row of a file
}

# docs/ground-truth.md#input-manifest: objects per job (semantic segmentation: 20,000, not raisable).
MAX_OBJECTS = 100_000
MAX_OBJECTS_SEMANTIC_SEGMENTATION = 20_000

# CreateWorkteam.WorkteamName and CreateLabelingJob.LabelingJobName share one pattern: letters,
# digits and single or repeated hyphens between them; no leading or trailing hyphen, no
# underscores or dots (docs/ground-truth.md#create-labeling-job, #work-teams).
LABELING_JOB_NAME_RE = WORKTEAM_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
LABELING_JOB_NAME_MAX = WORKTEAM_NAME_MAX = 63
WORKTEAM_DESCRIPTION_MAX = 200
MAX_WORKTEAMS_PER_REGION = 25
COGNITO_POOL_ID_RE = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
COGNITO_POOL_ID_MAX = 55
SOURCE_IP_CIDRS_MAX = 10  # CreateWorkforce SourceIpConfig
OIDC_ENDPOINT_RE = re.compile(r"https://\S+")
OIDC_ENDPOINT_MAX = 500
# CloudFormation's AWS::SageMaker::Workforce OidcConfig.ClientId (^[\w+]+$, at most 1,024): stricter
# than the API's, and CloudFormation is what creates our workforce (docs/ground-truth.md#workforce).
OIDC_CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_+]+")
OIDC_CLIENT_ID_MAX = 1024
OIDC_GROUP_MAX = 63
OIDC_GROUPS_PER_TEAM_MAX = 10
# A pragmatic address check: one @, a dot in the domain, no spaces. Cognito rejects worse.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# Config job names: `<prefix>-<name>-<8 hex>` must fit in 63 characters.
JOB_NAME_PART_MAX = 20
JOB_NAME_PART_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# CreateLabelingJob request fields (docs/ground-truth.md#create-labeling-job, #human-task-config).
LABEL_ATTRIBUTE_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}")
LABEL_ATTRIBUTE_NAME_MAX = 127
RESERVED_LABEL_ATTRIBUTE_NAMES = ("source", "source-ref")
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
# "For most users" the private/vendor maximum is 30 days: a warning, not a rule.
USUAL_MAX_TASK_AVAILABILITY = 2_592_000
MAX_CONCURRENT_TASKS = 5000
DEFAULT_MAX_CONCURRENT_TASKS = 1000  # above this needs a quota raised by AWS Support
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


def full_match_violation(
    field: str, value: str, pattern: re.Pattern[str], max_len: int | None, what: str
) -> list[Violation]:
    """A violation when `value` is too long or does not fully match `pattern`."""
    if max_len is not None and len(value) > max_len:
        return [Violation(field, value, f"{what} is at most {max_len} characters (got {len(value)})")]
    if not pattern.fullmatch(value):
        return [Violation(field, value, f"{what} must match {pattern.pattern}")]
    return []
