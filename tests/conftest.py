"""Session-wide settings for every test: no network, no credentials, no Node EOL banner."""

from __future__ import annotations

import os

# Must be set before jsii starts Node (first CDK import that instantiates anything).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
# cfn-lint (tests/infra/test_checks_pass.py) replaces CDK's slower built-in validator.
os.environ.setdefault("CDK_VALIDATION", "false")
for variable in ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"):
    os.environ.pop(variable, None)  # synth must not depend on the machine's AWS setup


def pytest_collection_modifyitems(items: list) -> None:
    """With xdist, every synth-backed test runs on one worker, so each environment is
    synthesized once per session; the unit and handler tests spread over the other. The synth
    group goes first: it is the longest unit of work, and started last it would leave the other
    worker idle at the end."""
    import pytest

    for item in items:
        if "/tests/infra/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("synth"))

    def in_synth_group(item: pytest.Item) -> bool:
        return any(mark.args == ("synth",) for mark in item.iter_markers("xdist_group"))

    items.sort(key=lambda item: not in_synth_group(item))  # stable: the order within each part stays


def pytest_configure(config: object) -> None:
    """moto replaces boto3's default session on every mock by default, so each client made inside
    a mock reloads its service model (70-200 ms for S3). Keeping the session keeps the loader's
    cache; the mocks still intercept every call, and tests that need a session without
    credentials build their own."""
    from moto.core.config import default_user_config

    default_user_config["core"]["reset_boto3_session"] = False
