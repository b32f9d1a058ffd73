"""Snapshots of every stack of dev and prod: a reviewed diff for every template change.

Asset hashes (the S3 keys of the Lambda bundles) are scrubbed to a fixed token: they change with
any edit to a handler or to the shared packages, which the handler tests cover, while the
snapshot is about the template. Any other property still changes the snapshot.

After an intended change: `.venv/bin/python -m pytest tests/infra/test_snapshots.py -n 0 --snapshot-update`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from .conftest import Synthesized

MACHINE_PATH = re.compile(r"(/tmp/|/home/|/root/|/work/|/Users/|[A-Z]:\\\\)")
# CDK names assets by the SHA-256 of their content: 64 lowercase hex digits.
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
ASSET_TOKEN = "<asset-hash>"


def scrub_asset_hashes(node: Any) -> Any:
    if isinstance(node, str):
        return ASSET_HASH.sub(ASSET_TOKEN, node)
    if isinstance(node, dict):
        return {key: scrub_asset_hashes(value) for key, value in node.items()}
    if isinstance(node, list):
        return [scrub_asset_hashes(value) for value in node]
    return node


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("component", ["storage", "workforce", "labeling", "teardown"])
def test_template_snapshot(
    synth: Callable[[str], Synthesized], env: str, component: str, snapshot: SnapshotAssertion
) -> None:
    template = synth(env).templates[component]
    text = json.dumps(template)
    assert not MACHINE_PATH.search(text), "a machine path leaked into the template"
    assert snapshot(extension_class=JSONSnapshotExtension) == scrub_asset_hashes(template)


def _function_code_keys(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resource["Properties"]["Code"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function" and "S3Key" in resource["Properties"].get("Code", {})
    ]


def test_a_new_asset_hash_changes_no_snapshot_but_any_property_does(dev: Synthesized) -> None:
    template = dev.templates["labeling"]
    codes = _function_code_keys(template)
    assert codes and all(ASSET_HASH.search(code["S3Key"]) for code in codes)  # there is something to scrub

    rebuilt = copy.deepcopy(template)
    for code in _function_code_keys(rebuilt):
        code["S3Key"] = "f" * 64 + ".zip"  # a handler edited: new bundle, new hash
    assert scrub_asset_hashes(rebuilt) == scrub_asset_hashes(template)

    changed = copy.deepcopy(template)
    function = next(r for r in changed["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    function["Properties"]["Timeout"] = function["Properties"].get("Timeout", 3) + 1
    assert scrub_asset_hashes(changed) != scrub_asset_hashes(template)
