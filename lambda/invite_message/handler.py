"""Cognito CustomMessage trigger: puts the worker portal URL into the invitation email.

Pure message building lives in gt_rules.invitation; this handler only looks up the portal URL.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import boto3
from botocore.config import Config

from gt_rules.invitation import invitation_email

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
_CLIENT: Any = None


def sagemaker() -> Any:
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = boto3.client("sagemaker", config=Config(retries={"mode": "standard"}))
    return _CLIENT


def portal_url(workteam_name: str) -> str | None:
    """https://<SubDomain> of the work team (§6.3), or None when it cannot be read now."""
    try:
        subdomain = sagemaker().describe_workteam(WorkteamName=workteam_name)["Workteam"].get("SubDomain")
    except Exception:  # the invitation must still go out; it just lacks the link
        LOG.exception("could not describe work team %s", workteam_name)
        return None
    return f"https://{subdomain}" if subdomain else None


def handler(event: dict[str, Any], _context: object) -> dict[str, Any]:
    if event.get("triggerSource") != "CustomMessage_AdminCreateUser":
        return event  # other messages (verification, MFA) keep Cognito's text
    request = event["request"]
    subject, body = invitation_email(
        username=request["usernameParameter"],
        code=request["codeParameter"],
        portal_url=portal_url(os.environ["WORKTEAM_NAME"]),
    )
    event["response"]["emailSubject"] = subject
    event["response"]["emailMessage"] = body
    return event
