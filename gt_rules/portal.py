"""The worker portal: its URL, and the Cognito app client settings that let workers sign in to it.

A Cognito-backed workforce signs workers in through the pool's app client, whose OAuth callback
and sign-out URLs must point at the workforce's portal (docs/ground-truth.md#cognito). Whether
Ground Truth writes them itself when the workforce is created is not documented, so the stack
sets them from the workforce's sub-domain: correct whatever Ground Truth does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CALLBACK_PATH = "/oauth2/idpresponse"
SIGN_OUT_PATH = "/logout"


def portal_url(subdomain: str) -> str:
    """The worker portal's address from a workforce or work team SubDomain."""
    return subdomain if subdomain.startswith("https://") else f"https://{subdomain}"


def callback_urls(subdomain: str) -> tuple[list[str], list[str]]:
    """(callback URLs, sign-out URLs) for the app client of a workforce with this SubDomain."""
    base = portal_url(subdomain).rstrip("/")
    return [base + CALLBACK_PATH], [base + SIGN_OUT_PATH]


def app_client_update(
    client: Mapping[str, Any], *, subdomain: str, updatable: Iterable[str]
) -> dict[str, Any]:
    """UpdateUserPoolClient arguments that point the client at the portal and keep the rest.

    `client` is DescribeUserPoolClient's UserPoolClient; `updatable` the members the update call
    accepts. UpdateUserPoolClient resets every setting it is not given to its default, so every
    setting the client has now is passed on unchanged (whoever set it: this stack or Ground Truth),
    only the callback and sign-out URLs are replaced.
    """
    accepted = set(updatable)
    request = {key: value for key, value in client.items() if key in accepted}
    callbacks, sign_outs = callback_urls(subdomain)
    request["CallbackURLs"] = callbacks
    request["LogoutURLs"] = sign_outs
    # A default redirect must be one of the callbacks, or the update is refused.
    if request.get("DefaultRedirectURI") not in (None, *callbacks):
        request["DefaultRedirectURI"] = callbacks[0]
    return request
