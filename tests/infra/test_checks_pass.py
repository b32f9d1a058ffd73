"""cdk-nag and cfn-lint over every synthesized template of every environment."""

from __future__ import annotations

import json
from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from stacks.app_factory import FEATURE_FLAGS

from .conftest import Synthesized

ENVIRONMENTS = ["dev", "prod"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_cdk_nag_has_no_unacknowledged_findings(synth: Callable[[str], Synthesized], env: str) -> None:
    """Synth raises on any unacknowledged finding; the report must hold no AwsSolutions entry."""
    result = synth(env)
    report = result.assembly_dir / "validation-report.json"
    findings = []
    if report.exists():
        for plugin in json.loads(report.read_text())["pluginReports"]:
            if plugin["pluginName"] == "AwsSolutions":
                findings += plugin["violations"]
    assert findings == []


def test_cdk_nag_catches_an_unacknowledged_finding() -> None:
    app = cdk.App(context=FEATURE_FLAGS)
    stack = cdk.Stack(app, "Broken")
    s3.Bucket(stack, "NoAccessLogs", enforce_ssl=True)  # AwsSolutions-S1
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(RuntimeError, match="AwsSolutions-S1"):
        app.synth()


def test_every_acknowledgement_names_an_exact_finding_and_a_reason(
    synth: Callable[[str], Synthesized],
) -> None:
    acknowledged = {}
    for env in ENVIRONMENTS:
        for stack in synth(env).stacks.all:
            for construct in stack.node.find_all():
                for entry in construct.node.metadata:
                    if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                        acknowledged.update({f"{construct.node.path}: {k}": v for k, v in entry.data.items()})
    assert acknowledged, "expected the acknowledgements this project documents"
    for where, reason in acknowledged.items():
        rule = where.split("::", 1)[1]
        # A bare IAM4/IAM5 id matches nothing in cdk-nag 3; the finding must be named exactly.
        assert not rule.endswith(("IAM4", "IAM5")), where
        assert len(reason) >= 30, f"{where}: reason too thin: {reason!r}"


@pytest.fixture(scope="session")
def cfn_lint_matches(synth: Callable[[str], Synthesized]) -> dict[str, list[str]]:
    from cfnlint.api import ManualArgs, lint

    found: dict[str, list[str]] = {}
    for env in ENVIRONMENTS:
        result = synth(env)
        for component, template in result.templates.items():
            matches = lint(
                json.dumps(template),
                config=ManualArgs(ignore_checks=["W3005"], regions=[result.config.region]),
            )
            found[f"{env}/{component}"] = [f"{m.rule.id} {m.message}" for m in matches]
    return found


def test_cfn_lint_is_clean(cfn_lint_matches: dict[str, list[str]]) -> None:
    assert len(cfn_lint_matches) == len(ENVIRONMENTS) * 4  # every stack of every environment
    assert {name: problems for name, problems in cfn_lint_matches.items() if problems} == {}


def test_cfn_lint_catches_a_bogus_property() -> None:
    from cfnlint.api import ManualArgs, lint

    template = {
        "Resources": {
            "Team": {
                "Type": "AWS::SageMaker::Workteam",
                "Properties": {"Description": "x", "MemberDefinitions": [], "Bogus": 1},
            }
        }
    }
    matches = lint(json.dumps(template), config=ManualArgs(regions=["us-east-1"]))
    assert any(m.rule.id == "E3002" for m in matches)
