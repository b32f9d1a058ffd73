"""Synthesize each environment once per test session and share the templates.

`Template.from_stack` re-synthesizes on every call (toolchain notes), so tests read the
templates of one synthesized cloud assembly per environment instead.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from gt_config import EnvironmentConfig, load_environment
from stacks.app_factory import EnvironmentStacks, build_app


def _import_cfn_lint_meanwhile() -> None:
    """cfn-lint takes seconds to import; do it while synth keeps Node busy (the GIL is free while
    Python waits on jsii's pipe), so the cfn-lint tests do not pay for it afterwards. Started by
    the first synth, so only the worker that runs the synth-backed tests pays for it."""
    if not _CACHE:
        threading.Thread(target=importlib.import_module, args=("cfnlint.api",), daemon=True).start()


@dataclass
class Synthesized:
    config: EnvironmentConfig
    stacks: EnvironmentStacks
    assembly_dir: Path
    templates: dict[str, dict[str, Any]]  # component ("storage", ...) -> template JSON

    def template(self, component: str) -> Template:
        return Template.from_json(self.templates[component])

    def resources(self, component: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.templates[component]["Resources"].items()
            if resource["Type"] == resource_type
        }


def synthesize(config: EnvironmentConfig, outdir: Path) -> Synthesized:
    _import_cfn_lint_meanwhile()
    app, stacks = build_app(config, outdir=str(outdir))
    assembly = app.synth()
    templates = {}
    for stack in stacks.all:
        component = stack.stack_name.removeprefix(f"{config.name_prefix}-")
        templates[component] = json.loads(json.dumps(assembly.get_stack_by_name(stack.stack_name).template))
    return Synthesized(config, stacks, outdir, templates)


_CACHE: dict[str, Synthesized] = {}


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Synthesized]:
    """synth("dev") / synth("prod"): the environment as the repository configures it."""

    def get(env: str) -> Synthesized:
        if env not in _CACHE:
            config = load_environment(env, environ={})
            _CACHE[env] = synthesize(config, tmp_path_factory.mktemp(f"cdk-{env}"))
        return _CACHE[env]

    return get


@pytest.fixture(scope="session")
def every_kind(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """dev with every kind of job (tests/every_kind.py): private, Mechanical Turk, vendor, custom,
    chained in reverse declaration order, video."""
    from tests.every_kind import OVERRIDES

    if "every-kind" not in _CACHE:
        config = load_environment("dev", environ={}, overrides=OVERRIDES)
        _CACHE["every-kind"] = synthesize(config, tmp_path_factory.mktemp("cdk-every-kind"))
    return _CACHE["every-kind"]


@pytest.fixture(scope="session")
def dev(synth: Callable[[str], Synthesized]) -> Synthesized:
    return synth("dev")


@pytest.fixture(scope="session")
def prod(synth: Callable[[str], Synthesized]) -> Synthesized:
    return synth("prod")
