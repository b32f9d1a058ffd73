"""The heavier libraries some results commands need, installed the first time they are needed.

`make install` keeps the CDK app light; numpy, Pillow and pycocotools (mask decoding and COCO RLE)
are pinned in requirements-results.txt and installed here only when a command reaches for them:
inside this project's .venv with `.venv/bin/uv pip install -r requirements-results.txt`, and
anywhere else by telling the user the one command to run (exit 2).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from tools.results.errors import ResultsError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = PROJECT_ROOT / "requirements-results.txt"
VENV = PROJECT_ROOT / ".venv"


class MissingExtras(ResultsError):
    """A needed library is absent and this is not the project's .venv: say how to install it."""

    exit_code = 2


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def install_command() -> list[str]:
    return [
        str(VENV / "bin" / "uv"),
        "pip",
        "install",
        "--quiet",
        "--python",
        sys.executable,
        "-r",
        str(REQUIREMENTS),
    ]


def _run_install(command: list[str]) -> int:
    return subprocess.call(command)


def require(
    module: str,
    *,
    in_venv: Callable[[], bool] = _in_project_venv,
    run: Callable[[list[str]], int] = _run_install,
) -> ModuleType:
    """Import `module`; if it is missing, install requirements-results.txt (project venv only)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    if not in_venv():
        raise MissingExtras(
            f"this command needs the package behind '{module}' (numpy, Pillow, pycocotools); install them "
            f"with: {sys.executable} -m pip install -r {REQUIREMENTS}"
        )
    print(f"Installing the results extras once ({REQUIREMENTS.name})...", file=sys.stderr)
    if run(install_command()) != 0:
        raise MissingExtras(
            f"installing {REQUIREMENTS.name} failed; run it yourself: {' '.join(install_command())}"
        )
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtras(
            f"'{module}' is still missing after installing {REQUIREMENTS.name}: {error}"
        ) from None
