"""Cognito CustomMessage trigger: puts the worker portal URL into the invitation email.

Cognito waits at most 5 seconds for a trigger (docs/ground-truth.md#cognito), and a trigger that
fails or is late blocks the invitation. So the SageMaker client is made when the function loads,
with short connect and read timeouts and no retries, and any failure (a timeout included) gives
the invitation without the link instead. The message text lives in gt_rules.invitation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from gt_rules.handler_keys import InviteEnvironment
from gt_rules.invitation import invitation_email
from gt_runtime.aws import Clients

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

# One attempt, at most about 3 seconds in all: well inside Cognito's 5 seconds with the rest of
# the invocation (the function's own timeout is 5 seconds too).
FAST_CONFIG = Config(connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 1})
CLIENTS = Clients(FAST_CONFIG)
CLIENTS("sagemaker")  # at load, outside the invocation's 5 seconds


@dataclass(frozen=True)
class Settings:
    workteam_name: str  # the work team whose portal the invitation names


def settings(environ: Mapping[str, str] = os.environ) -> Settings:
    return Settings(workteam_name=environ.get(InviteEnvironment.WORKTEAM_NAME, ""))


def portal_url(workteam_name: str) -> str | None:
    """https://<SubDomain> of the work team, or None when it cannot be read now."""
    try:
        team = CLIENTS("sagemaker").describe_workteam(WorkteamName=workteam_name)["Workteam"]
        subdomain = team.get("SubDomain")
    except Exception:  # the invitation must still go out; it just lacks the link
        LOG.exception("could not describe work team %s", workteam_name)
        return None
    return f"https://{subdomain}" if subdomain else None


def handler(event: dict[str, Any], _context: object) -> dict[str, Any]:
    if event.get("triggerSource") != "CustomMessage_AdminCreateUser":
        return event  # other messages (verification, MFA) keep Cognito's text
    request = event["request"]
    workteam = settings().workteam_name
    subject, body = invitation_email(
        username=request["usernameParameter"],
        code=request["codeParameter"],
        portal_url=portal_url(workteam) if workteam else None,
    )
    event["response"]["emailSubject"] = subject
    event["response"]["emailMessage"] = body
    return event
