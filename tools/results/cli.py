"""`python -m tools.results`: from a labeling job's output to a training-ready dataset.

    status   every labeling job of an environment: status, counters, fee so far
    pull     download a job's output (manifests, worker responses, label files, sources)
    stats    counts, label distribution, workers and agreement
    export   csv, jsonl, coco, yolo, voc or a filtered/split augmented manifest
    report   one self-contained HTML page with the numbers and a gallery

Every error the user can act on is one line on stderr and an exit status (never a traceback):
1 for a problem found (ResultsError), 2 for bad input or missing credentials.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tools.results.errors import NoCredentials, ResultsError

# Order of the sub-commands in --help; each module exposes register(subparsers) and run(args).
COMMANDS = ("status", "pull", "stats", "export", "report")

NO_CREDENTIALS = (
    "No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
    "(or run `aws sso login`) and try again; stats, export and report also work offline with --manifest PATH."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.results",
        description="From a labeling job's output to a training-ready dataset.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"tools.results.{name}")
        module.register(subparsers)
    return parser


def _credential_errors() -> tuple[type[Exception], ...]:
    """botocore's "no usable credentials" errors, if botocore is importable (a safety net)."""
    try:
        from botocore import exceptions
    except ImportError:
        return ()
    return (
        exceptions.NoCredentialsError,
        exceptions.PartialCredentialsError,
        exceptions.CredentialRetrievalError,
        exceptions.ProfileNotFound,
        exceptions.TokenRetrievalError,
        exceptions.SSOError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.func(args)
        return status
    except ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if isinstance(error, _credential_errors()):
            print(f"error: {NO_CREDENTIALS}", file=sys.stderr)
            return NoCredentials.exit_code
        raise
