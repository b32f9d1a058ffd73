"""How the command-line tools turn AWS failures that stop a whole run into one sentence.

Shared by the cleanup report, `python -m tools.results` (status, pull) and the preflight check:
missing or rejected credentials, an unknown profile and an unreachable endpoint all mean "could
not run" (exit 2), said in one line that tells the user what to do, never as a traceback.
"""

from __future__ import annotations

from botocore import exceptions as bx

from gt_rules.retry import error_code

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
    }
)
# The account refused the credentials themselves: no service will answer, so stop at once.
BAD_CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
    }
)
NO_CREDENTIAL_ERRORS: tuple[type[Exception], ...] = (
    bx.NoCredentialsError,
    bx.PartialCredentialsError,
    bx.CredentialRetrievalError,
    bx.ProfileNotFound,
    bx.TokenRetrievalError,
    bx.SSOError,
)
CONNECTION_ERRORS: tuple[type[Exception], ...] = (bx.ConnectionError, bx.HTTPClientError)


def no_credentials_message(tool: str, needs: str = "read access to the account") -> str:
    return (
        f"No AWS credentials found: {tool} needs {needs}; set AWS_PROFILE or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or run `aws sso login`) and try again."
    )


def is_access_denied(exc: BaseException) -> bool:
    return error_code(exc) in ACCESS_DENIED_CODES


def is_credentials_problem(exc: BaseException) -> bool:
    """Missing, unusable or rejected credentials (as opposed to a network problem)."""
    return isinstance(exc, NO_CREDENTIAL_ERRORS) or (
        isinstance(exc, bx.ClientError) and error_code(exc) in BAD_CREDENTIAL_CODES
    )


def cannot_run_message(
    exc: BaseException, tool: str, needs: str = "read access to the account"
) -> str | None:
    """The one sentence for an error that makes the whole run impossible, else None."""
    if isinstance(exc, bx.ProfileNotFound):
        return f"AWS profile not found ({exc}): set AWS_PROFILE to a configured profile and try again."
    if isinstance(exc, NO_CREDENTIAL_ERRORS):
        return no_credentials_message(tool, needs)
    if isinstance(exc, CONNECTION_ERRORS):
        return (
            f"Could not connect to AWS ({exc}): {tool} needs network access to the account; "
            "check the connection, --region and any AWS_ENDPOINT_URL and try again."
        )
    if isinstance(exc, bx.ClientError) and error_code(exc) in BAD_CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials ({error_code(exc)}): {tool} needs {needs}; "
            "refresh them or set AWS_PROFILE and try again."
        )
    return None
