"""What `status` and `pull` share: the environment's config, AWS clients, and one-line AWS failures.

Credentials come from the normal chain (boto3.Session: environment, profile, SSO, instance role).
Anything that stops a whole command (no or rejected credentials, no connection, access denied)
becomes a ResultsError with exit status 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore import exceptions as bx
from botocore.config import Config

from gt_config import ConfigError, EnvironmentConfig, load_environment
from gt_rules.retry import error_code, error_message
from tools.aws_access import cannot_run_message, is_access_denied, is_credentials_problem

from .errors import NoCredentials, ResultsError, UsageError

TOOL = "python -m tools.results"
# Downloads run on a bounded pool; botocore's connection pool must be at least that large.
MAX_POOL_CONNECTIONS = 16


class CannotRun(ResultsError):
    """AWS cannot be used at all (no connection, access denied): the command could not run."""

    exit_code = 2


@dataclass(frozen=True)
class Clients:
    sagemaker: Any
    s3: Any


def load_config(env: str) -> EnvironmentConfig:
    try:
        return load_environment(env)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def build_clients(region: str) -> Clients:
    """Clients for the environment's Region; credentials are looked up at the first call."""
    session = boto3.Session(region_name=region)
    config = Config(retries={"mode": "standard"}, max_pool_connections=MAX_POOL_CONNECTIONS)
    return Clients(
        sagemaker=session.client("sagemaker", config=config),
        s3=session.client("s3", config=config),
    )


def as_results_error(exc: BaseException, needs: str = "read access to the account") -> ResultsError | None:
    """The ResultsError for an AWS failure that stops the whole command, else None."""
    message = cannot_run_message(exc, TOOL, needs)
    if message is not None:
        return NoCredentials(message) if is_credentials_problem(exc) else CannotRun(message)
    if is_access_denied(exc):
        operation = getattr(exc, "operation_name", "") or "the call"
        return CannotRun(
            f"AWS denied {operation} ({error_code(exc)}: {error_message(exc)}): {TOOL} needs {needs}; "
            "use credentials that allow it and try again."
        )
    return None


@contextmanager
def one_line_errors(needs: str = "read access to the account") -> Iterator[None]:
    """Turn AWS failures inside the block into ResultsError; any other botocore error as well."""
    try:
        yield
    except ResultsError:
        raise
    except (bx.BotoCoreError, bx.ClientError) as exc:
        translated = as_results_error(exc, needs)
        if translated is not None:
            raise translated from None
        code = error_code(exc)
        what = f"{code}: {error_message(exc)}" if code else str(exc)
        raise CannotRun(f"AWS call failed ({what}); {TOOL} could not run.") from None
