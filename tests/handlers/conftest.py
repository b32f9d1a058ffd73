"""Shared fixtures for Lambda handler tests: load a handler by folder, fake AWS credentials.

`lambda` is a Python keyword, so handlers cannot be imported as `lambda.x.handler`; they are
loaded from their file, exactly as the Lambda runtime sees them: handler.py beside a copy of
gt_rules (here the repository's own gt_rules, on sys.path through pytest's pythonpath).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

LAMBDA_ROOT = Path(__file__).resolve().parents[2] / "lambda"


def load_handler(function_dir: str) -> ModuleType:
    path = LAMBDA_ROOT / function_dir / "handler.py"
    module_name = f"handler_{function_dir}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real credentials or network: every boto3 client talks to moto or a Stubber."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


class SnsInbox:
    """A moto SNS topic with an SQS queue subscribed, so a test reads what a handler published.
    Create it inside `mock_aws()`."""

    def __init__(self, topic_name: str) -> None:
        import boto3

        self.sns = boto3.client("sns", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.topic_arn = self.sns.create_topic(Name=topic_name)["TopicArn"]
        self.queue_url = self.sqs.create_queue(QueueName=f"{topic_name}-inbox")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=queue_arn)

    def published(self) -> list[dict[str, str]]:
        import json

        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        return [json.loads(m["Body"]) for m in messages]
