"""Errors every results command reports as one line (no traceback), with its exit status."""

from __future__ import annotations


class ResultsError(Exception):
    """A problem the user can act on. `str(error)` is the whole message; `exit_code` the status."""

    exit_code = 1


class UsageError(ResultsError):
    """Bad input: a file that is not JSON Lines, an unknown type, a missing attribute, a bad flag."""

    exit_code = 2


class NoCredentials(ResultsError):
    """AWS is needed and the normal credential chain found nothing usable."""

    exit_code = 2
