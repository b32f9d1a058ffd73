"""Every function we deploy names an entry point that exists in its handler module.

Handler tests call functions directly, so a wrong `handler="module.function"` would only show
when AWS invokes it; this walks the synthesized app instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from labeling_constructs.python_function import PythonHandlerFunction

from ..handlers.conftest import load_handler
from .conftest import Synthesized

LAMBDA_ROOT = Path(__file__).resolve().parents[2] / "lambda"


def test_every_configured_entry_point_exists(
    synth: Callable[[str], Synthesized], every_kind: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "AWS_DEFAULT_REGION", "us-east-1"
    )  # Lambda sets it; a handler may make clients at load
    functions = [
        construct
        for result in (synth("dev"), synth("prod"), every_kind)
        for stack in result.stacks.all
        for construct in stack.node.find_all()
        if isinstance(construct, PythonHandlerFunction)
    ]
    wired = {(f.function_dir, f.handler) for f in functions}
    # Every function folder is deployed by some environment, and nothing else is.
    assert {d for d, _ in wired} == {p.parent.name for p in LAMBDA_ROOT.glob("*/handler.py")}
    for function_dir, handler in wired:
        module_name, attribute = handler.split(".")
        assert module_name == "handler", handler
        assert callable(getattr(load_handler(function_dir), attribute, None)), (
            f"lambda/{function_dir}: {handler}"
        )
