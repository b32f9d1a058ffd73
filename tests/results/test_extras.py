"""The results extras are installed on first use inside the project's .venv, and only there."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tools.results import extras


def recorder(calls: list[list[str]]) -> Callable[[list[str]], int]:
    def run(command: list[str]) -> int:
        calls.append(command)
        return 0

    return run


def test_present_module_is_imported_without_installing() -> None:
    calls: list[list[str]] = []
    module = extras.require("json", in_venv=lambda: True, run=recorder(calls))
    assert module.__name__ == "json" and calls == []


def test_missing_module_is_installed_in_the_project_venv() -> None:
    calls: list[list[str]] = []
    with pytest.raises(
        extras.MissingExtras, match=r"still missing after installing requirements-results\.txt"
    ):
        extras.require("no_such_module_h1", in_venv=lambda: True, run=recorder(calls))
    (command,) = calls
    assert command[0].endswith(".venv/bin/uv") and command[1:3] == ["pip", "install"]
    assert command[-2:] == ["-r", str(extras.REQUIREMENTS)]


def test_failed_install_says_what_to_run() -> None:
    with pytest.raises(
        extras.MissingExtras,
        match=r"installing requirements-results.txt failed; run it yourself: .*uv pip install",
    ):
        extras.require("no_such_module_h1", in_venv=lambda: True, run=lambda command: 1)


def test_outside_the_venv_nothing_is_installed() -> None:
    calls: list[list[str]] = []
    with pytest.raises(extras.MissingExtras) as raised:
        extras.require("no_such_module_h1", in_venv=lambda: False, run=recorder(calls))
    assert calls == [] and raised.value.exit_code == 2
    assert f"-m pip install -r {extras.REQUIREMENTS}" in str(raised.value)


def test_requirements_are_exact_pins() -> None:
    lines = [
        line for line in extras.REQUIREMENTS.read_text().splitlines() if line and not line.startswith("#")
    ]
    assert lines and all("==" in line for line in lines)
    assert {line.split("==")[0].lower() for line in lines} == {"numpy", "pillow", "pycocotools"}
