"""The invitation email a new worker receives (Cognito sends it; we write the text)."""

from __future__ import annotations

from html import escape

SUBJECT = "You are invited to label data with Amazon SageMaker Ground Truth"


def invitation_email(*, username: str, code: str, portal_url: str | None) -> tuple[str, str]:
    """Subject and HTML body. `username` and `code` are Cognito's placeholders and must appear
    verbatim, or Cognito rejects the message (CustomMessage_AdminCreateUser contract)."""
    if portal_url:
        where = f'Sign in to the labeling portal at <a href="{escape(portal_url)}">{escape(portal_url)}</a>.'
    else:
        where = "Your team lead will send you the labeling portal address."
    body = (
        "<p>You have been added to a Ground Truth labeling team.</p>"
        f"<p>{where}</p>"
        f"<p>Username: {username}<br>Temporary password: {code}</p>"
        "<p>You will choose a new password and set up an authenticator app (MFA) at first sign-in.</p>"
    )
    return SUBJECT, body
