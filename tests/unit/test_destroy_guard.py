"""`make destroy` pulls first, and refuses to lose labels a failed pull did not get."""

from __future__ import annotations

import argparse
import io

import pytest

from tools import destroy_guard
from tools.results.errors import NoCredentials


def run(
    monkeypatch: pytest.MonkeyPatch, env: str, pull: int | Exception, *, force: bool = False
) -> tuple[int, str]:
    asked: list[argparse.Namespace] = []

    def fake_pull(args: argparse.Namespace, *, out: io.StringIO) -> int:
        asked.append(args)
        if isinstance(pull, Exception):
            raise pull
        return pull

    monkeypatch.setattr(destroy_guard, "run_pull", fake_pull)
    err = io.StringIO()
    status = destroy_guard.guard(env, force=force, out=io.StringIO(), err=err)
    (args,) = asked
    assert args.env == env and args.job is None  # every job of the environment
    return status, err.getvalue()


def test_a_complete_pull_lets_the_destroy_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "dev", 0) == (0, "")


def test_a_failed_pull_stops_the_destroy_where_buckets_go(monkeypatch: pytest.MonkeyPatch) -> None:
    status, message = run(monkeypatch, "dev", 1)
    assert status == 1
    assert "deletes its buckets with every label" in message and "FORCE=1" in message


def test_force_goes_on_past_a_failed_pull(monkeypatch: pytest.MonkeyPatch) -> None:
    status, message = run(monkeypatch, "dev", 1, force=True)
    assert status == 0 and "destroying anyway" in message


def test_where_buckets_are_kept_a_failed_pull_does_not_stop_it(monkeypatch: pytest.MonkeyPatch) -> None:
    status, message = run(monkeypatch, "prod", 1)
    assert status == 0 and "labels stay in S3" in message


def test_a_pull_that_cannot_run_stops_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    status, message = run(monkeypatch, "dev", NoCredentials("No AWS credentials found."))
    assert status == 2
    assert message.splitlines()[0] == "No AWS credentials found."
