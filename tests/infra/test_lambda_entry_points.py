"""Every function we deploy names an entry point that exists in its handler module.

Handler tests call functions directly, so a wrong `handler="module.function"` would only show
when AWS invokes it; this walks the synthesized app instead.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from labeling_constructs.python_function import PythonHandlerFunction

from ..handlers.conftest import load_handler
from .conftest import Synthesized


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_configured_entry_point_exists(synth: Callable[[str], Synthesized], env: str) -> None:
    functions = [
        construct
        for stack in synth(env).stacks.all
        for construct in stack.node.find_all()
        if isinstance(construct, PythonHandlerFunction)
    ]
    wired = {(f.function_dir, f.handler) for f in functions}
    assert {"manifest", "labeling_job", "cleanup", "job_notifier", "invite_message"} <= {d for d, _ in wired}
    for function_dir, handler in wired:
        module_name, attribute = handler.split(".")
        assert module_name == "handler", handler
        assert callable(getattr(load_handler(function_dir), attribute, None)), (
            f"lambda/{function_dir}: {handler}"
        )
