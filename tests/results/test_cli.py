"""The command line: sub-commands in order, --help for each, errors as one line with an exit status."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import NoCredentialsError

from tools.results import cli
from tools.results.errors import NoCredentials, ResultsError

ROOT = Path(__file__).resolve().parents[2]


def test_commands_are_registered_in_order() -> None:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(subparsers.choices) == ["status", "pull", "stats", "export", "report"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [("stats", "--json"), ("export", "--split NAME=RATIO"), ("report", "FILE.html")],
)
def test_help_of_each_of_our_commands(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and out.startswith(f"usage: python -m tools.results {command}")
    assert expected in out and "--manifest PATH" in out and "--attribute NAME" in out


def test_module_entry_point_runs(tmp_path: Path) -> None:
    manifest = ROOT / "tests" / "results" / "data" / "docs" / "text_classification.manifest"
    done = subprocess.run(
        [sys.executable, "-m", "tools.results", "stats", "--manifest", str(manifest)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "1 objects, 1 with a label, 0 without" in done.stdout


def test_missing_input_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli.main(["stats"]) == 2
    assert (
        capsys.readouterr().err
        == "error: say which output to read: --manifest PATH, or --env NAME --job NAME\n"
    )
    assert cli.main(["stats", "--manifest", str(tmp_path / "none.manifest")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli.main(["stats", "--manifest", str(tmp_path / "x"), "--env", "dev", "--job", "j"]) == 2
    assert "not both" in capsys.readouterr().err


def test_errors_and_credentials_become_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def raise_error(error: Exception) -> None:
        def run(args: argparse.Namespace) -> int:
            raise error

        monkeypatch.setattr("tools.results.stats.run", run)

    raise_error(ResultsError("something the user can fix"))
    assert cli.main(["stats", "--manifest", "x"]) == 1
    assert capsys.readouterr().err == "error: something the user can fix\n"
    raise_error(NoCredentials("no credentials for pull"))
    assert cli.main(["stats", "--manifest", "x"]) == 2
    raise_error(NoCredentialsError())
    assert cli.main(["stats", "--manifest", "x"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: No AWS credentials found") and "Traceback" not in err
