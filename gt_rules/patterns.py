"""Name patterns and limits from botocore's SageMaker model (§1.1, §6.2, §6.3).

botocore validates only `required`, types and `min` client-side (§1.1 warning), so these are
checked here, at synth time and again inside the Lambdas.
"""

from __future__ import annotations

import re

from .errors import Violation

# CreateWorkteam.WorkteamName, CreateLabelingJob.LabelingJobName: letters, digits and single or
# repeated hyphens between them; no leading or trailing hyphen, no underscores or dots.
WORKTEAM_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
WORKTEAM_NAME_MAX = 63
LABELING_JOB_NAME_RE = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
LABELING_JOB_NAME_MAX = 63
WORKFORCE_NAME_RE = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9\-]){0,62}")
COGNITO_USER_GROUP_MAX = 128
WORKTEAM_DESCRIPTION_MAX = 200
MAX_WORKTEAMS_PER_REGION = 25
COGNITO_POOL_ID_RE = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
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


def full_match_violation(
    field: str, value: str, pattern: re.Pattern[str], max_len: int | None, what: str
) -> list[Violation]:
    """A violation when `value` is too long or does not fully match `pattern`."""
    if max_len is not None and len(value) > max_len:
        return [Violation(field, value, f"{what} is at most {max_len} characters (got {len(value)})")]
    if not pattern.fullmatch(value):
        return [Violation(field, value, f"{what} must match {pattern.pattern}")]
    return []
