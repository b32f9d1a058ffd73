"""AWS clients made deliberately, one way for tests to inject them, and shared SageMaker calls."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import boto3
from botocore.config import Config

from gt_rules.lifecycle import is_not_found, needs_stop
from gt_rules.reaper import ALREADY_SETTLED, FAILED, STOPPED
from gt_rules.retry import call_with_retries, error_code, error_message

Sleep = Callable[[float], None]

# Every handler answers a caller with a deadline (CloudFormation through the Provider framework,
# EventBridge, a schedule): short connect and read timeouts turn a hung connection into an error
# the handler can report, and botocore's standard mode retries throttling and transient errors a
# few times on each call. Handlers with a tighter budget (the Cognito trigger) pass their own.
DEFAULT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 4})


class Clients:
    """boto3 clients by service name, made on first use with one Config.

    A handler module holds one instance; tests replace a client with `use` (a Stubber-wrapped or
    moto-backed client) and drop them all with `clear`.
    """

    def __init__(self, config: Config = DEFAULT_CONFIG) -> None:
        self._config = config
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(service, config=self._config)
        return self._clients[service]

    def use(self, service: str, client: Any) -> None:
        self._clients[service] = client

    def clear(self) -> None:
        self._clients.clear()


def describe_error(exc: BaseException) -> str:
    """`Code: message` of an AWS error (or the exception's type and text), for logs and reports."""
    return f"{error_code(exc) or type(exc).__name__}: {error_message(exc)}"


def list_labeling_jobs(
    sagemaker: Any, requests: Iterable[Mapping[str, Any]], *, sleep: Sleep
) -> list[dict[str, Any]]:
    """Every LabelingJobSummary of every page of every ListLabelingJobs request, each page
    retried on throttling."""
    summaries: list[dict[str, Any]] = []
    for request in requests:
        token: str | None = None
        while True:
            kwargs = {**request, "NextToken": token} if token else dict(request)
            page = call_with_retries(functools.partial(sagemaker.list_labeling_jobs, **kwargs), sleep=sleep)
            summaries.extend(page.get("LabelingJobSummaryList", []))
            token = page.get("NextToken")
            if not token:
                break
    return summaries


def describe_labeling_job(sagemaker: Any, name: str, *, sleep: Sleep) -> dict[str, Any]:
    return call_with_retries(lambda: sagemaker.describe_labeling_job(LabelingJobName=name), sleep=sleep)


def describe_labeling_job_or_none(sagemaker: Any, name: str, *, sleep: Sleep) -> dict[str, Any] | None:
    """The job's description, or None when SageMaker says it does not exist."""
    try:
        return describe_labeling_job(sagemaker, name, sleep=sleep)
    except Exception as exc:
        if is_not_found(error_code(exc), error_message(exc)):
            return None
        raise


def stop_labeling_job(sagemaker: Any, name: str, *, sleep: Sleep) -> tuple[str, str]:
    """Stop a job and, when the stop is refused, look again: (outcome, detail), the outcome one of
    gt_rules.reaper's STOPPED, ALREADY_SETTLED and FAILED. Never raises.

    What StopLabelingJob answers for a job that settled in the meantime is not documented
    (docs/ground-truth.md#job-lifecycle), so a refused stop of a job that no longer runs is ALREADY_SETTLED,
    not a failure."""
    try:
        call_with_retries(lambda: sagemaker.stop_labeling_job(LabelingJobName=name), sleep=sleep)
        return STOPPED, ""
    except Exception as exc:
        failure = describe_error(exc)
    try:
        status = str(describe_labeling_job(sagemaker, name, sleep=sleep)["LabelingJobStatus"])
    except Exception:
        return FAILED, failure
    if not needs_stop(status):
        return ALREADY_SETTLED, f"now {status}"
    return FAILED, failure
