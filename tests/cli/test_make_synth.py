"""`make synth` as a user runs it: through the pinned CDK CLI, with nothing to warn about."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOISE = ("WARNING", "[WARNING]", "Unknown option")


def test_make_synth_for_dev_prints_no_warning(tmp_path: Path) -> None:
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith(("CDK_DEFAULT_", "AWS_"))
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "synth", "ENV=dev", f"OUT={tmp_path / 'cdk.out'}"],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    noisy = [line for line in output.splitlines() if line.lstrip().startswith(NOISE)]
    assert noisy == [], "\n".join(noisy)
    # And it says what a user needs next.
    assert "Deploys to" in output and "gtlab-dev-storage" in output
    assert "cfn-lint: no errors" in output
