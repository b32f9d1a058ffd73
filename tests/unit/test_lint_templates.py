"""The cached cfn-lint run of `make synth`: the verdict of a full run, without re-linting what
was already found clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools import lint_templates

# cfn-lint takes seconds to import: run where the synth-backed tests have imported it already.
pytestmark = pytest.mark.xdist_group("synth")

GOOD: dict[str, Any] = {
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}},
}
BAD: dict[str, Any] = {
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"NoSuchProperty": "x"}}},
}


def assembly(root: Path, **templates: dict[str, Any]) -> Path:
    artifacts = {}
    for name, template in templates.items():
        (root / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/us-east-1",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    (root / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return root


def test_a_bad_template_is_reported_and_not_remembered(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    out = assembly(tmp_path, good=GOOD, bad=BAD)
    findings, linted = lint_templates.lint(out, cache)
    assert linted == 2
    assert any("bad.template.json" in f and "NoSuchProperty" in f for f in findings)
    assert not any("good.template.json" in f for f in findings)
    # Only the clean one is remembered: the bad one is checked (and reported) again.
    findings, linted = lint_templates.lint(out, cache)
    assert linted == 1 and findings


def test_a_clean_template_is_skipped_until_it_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    out = assembly(tmp_path, good=GOOD)
    assert lint_templates.lint(out, cache) == ([], 1)
    assert lint_templates.lint(out, cache) == ([], 0)
    assembly(tmp_path, good={"Resources": {**GOOD["Resources"], "Other": BAD["Resources"]["Topic"]}})
    findings, linted = lint_templates.lint(out, cache)
    assert linted == 1 and findings  # changed: linted again, and now wrong


def test_a_new_asset_hash_alone_is_not_a_change() -> None:
    code = '{"S3Key": "%s.zip"}'
    assert lint_templates.fingerprint(
        (code % ("a" * 64)).encode(), "us-east-1"
    ) == lint_templates.fingerprint((code % ("b" * 64)).encode(), "us-east-1")
    assert lint_templates.fingerprint(b"{}", "us-east-1") != lint_templates.fingerprint(b"{}", "eu-west-1")
