"""The Makefile as a newcomer meets it: `make help`, the prerequisites check, a failed install that
leaves nothing half made, and `make clean` / `make distclean`.

Each test runs make on a copy of the Makefile in a temporary folder, so nothing here touches the
project's own .venv or node_modules.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def make(folder: Path, *args: str, path: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    if path is not None:
        environ["PATH"] = path
    return subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", "-f", str(folder / "Makefile"), *args],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "package.json", "package-lock.json"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    return tmp_path


def fake_program(folder: Path, name: str, script: str) -> None:
    program = folder / name
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)


def tools_folder(tmp_path: Path, *, python: str | None, node: bool) -> str:
    """A PATH with only what the prerequisites check may call: sh, and the programs given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("sh", "awk"):
        located = shutil.which(program)
        assert located, program
        (folder / program).symlink_to(located)
    if python is not None:
        (folder / "python3").symlink_to(python)
    if node:
        for program in ("node", "npm"):
            located = shutil.which(program)
            assert located, program
            (folder / program).symlink_to(located)
    return str(folder)


def test_help_lists_every_target_with_one_line(project: Path) -> None:
    makefile = (project / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY:((?:.*\\\n)*.*)$", makefile, re.M).group(1).replace("\\\n", " ").split())  # type: ignore[union-attr]
    result = make(project, "help")
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^  make (\S+)\s+\S", result.stdout, re.M)
    assert sorted(listed) == sorted(phony)
    assert len(listed) == len(set(listed))


def test_prerequisites_pass_with_python_node_and_npm(project: Path, tmp_path: Path) -> None:
    result = make(project, "prerequisites", path=tools_folder(tmp_path, python=sys.executable, node=True))
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_python_is_named_before_anything_is_installed(project: Path, tmp_path: Path) -> None:
    result = make(project, "install", path=tools_folder(tmp_path, python=None, node=True))
    assert result.returncode != 0
    assert "Needs Python 3.11 or newer as 'python3' (found: none)" in result.stdout
    assert not (project / ".venv").exists() and not (project / "node_modules").exists()


def test_too_old_python_is_named_with_its_version(project: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    fake_program(old, "python3", 'case "$1" in --version) echo "Python 3.9.18";; *) exit 1;; esac')
    result = make(project, "prerequisites", f"PYTHON={old / 'python3'}")
    assert result.returncode != 0
    assert "Needs Python 3.11 or newer" in result.stdout and "found: Python 3.9.18" in result.stdout


def test_missing_node_is_named(project: Path, tmp_path: Path) -> None:
    result = make(project, "prerequisites", path=tools_folder(tmp_path, python=sys.executable, node=False))
    assert result.returncode != 0
    assert "Needs Node.js 20 or newer for the CDK CLI (found: none)" in result.stdout


def test_a_failed_install_removes_the_half_made_venv(project: Path, tmp_path: Path) -> None:
    # A stand-in python3 that passes the prerequisites and makes a venv whose pip fails, as pip
    # does when no package index can be reached: the real thing, minus ensurepip's seconds.
    fake = tmp_path / "fake"
    fake.mkdir()
    fake_program(fake, "failing-pip", 'echo "pip: no matching distribution" >&2; exit 1')
    fake_program(
        fake,
        "python3",
        f"""case "$1" in
  -c) exit 0;;
  --version) echo "Python 3.11.9";;
  -m) [ "$2" = venv ] || exit 1  # the system pip is too old: the venv's own pip is used
      for folder; do :; done  # the last argument
      mkdir -p "$folder/bin" && cp "{fake / "failing-pip"}" "$folder/bin/python";;
esac""",
    )
    result = make(project, ".venv/.installed", f"PYTHON={fake / 'python3'}")
    assert result.returncode != 0
    assert "pip: no matching distribution" in result.stderr  # the venv was made, and its pip ran
    assert "Installing the Python packages failed; .venv removed" in result.stdout
    assert not (project / ".venv").exists()


def test_clean_keeps_results_and_installs_and_distclean_removes_the_installs(project: Path) -> None:
    for folder in (
        "cdk.out/dev",
        "build/plan",
        ".pytest_cache",
        ".mypy_cache",
        "results/dev",
        ".venv",
        "node_modules",
    ):
        (project / folder).mkdir(parents=True)
    assert make(project, "clean").returncode == 0
    remaining = sorted(p.name for p in project.iterdir() if p.is_dir())
    assert remaining == [".venv", "node_modules", "results"]
    assert make(project, "distclean").returncode == 0
    assert sorted(p.name for p in project.iterdir() if p.is_dir()) == ["results"]
