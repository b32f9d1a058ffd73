"""Snapshots of every stack of dev and prod: a reviewed diff for every template change.

After an intended change: `.venv/bin/python -m pytest tests/infra/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from .conftest import Synthesized

MACHINE_PATH = re.compile(r"(/tmp/|/home/|/root/|/work/|/Users/|[A-Z]:\\\\)")


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("component", ["storage", "workforce", "labeling", "teardown"])
def test_template_snapshot(
    synth: Callable[[str], Synthesized], env: str, component: str, snapshot: SnapshotAssertion
) -> None:
    template = synth(env).templates[component]
    text = json.dumps(template)
    assert not MACHINE_PATH.search(text), "a machine path leaked into the template"
    assert snapshot(extension_class=JSONSnapshotExtension) == template
