"""Synth of the default app against an empty CDK app, both through the CDK CLI, in one run.

Usage: `make bench` (or .venv/bin/python bench/bench_synth.py [--runs N]). Prints each timing,
the best and median of each, and the ratio ours/empty (target: at most 1.15). The two apps run
alternately so that machine load affects both alike. Settings come from the environment, the
same for both apps (the Makefile sets CDK_VALIDATION=false, CDK_DISABLE_CLI_TELEMETRY=true).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"
PYTHON = ROOT / ".venv" / "bin" / "python"
APPS = {
    "empty": f"{PYTHON} bench/empty_app.py",
    "ours": f"{PYTHON} app.py",
}


def synth_seconds(app: str, outdir: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(CDK), "synth", "--all", "--quiet", "--app", app, "--output", outdir],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    timings: dict[str, list[float]] = {name: [] for name in APPS}
    with tempfile.TemporaryDirectory() as tmp:
        for name, app in APPS.items():  # warm-up: bytecode caches, Node's file cache
            synth_seconds(app, f"{tmp}/{name}")
        for run in range(args.runs):
            for name, app in APPS.items():
                seconds = synth_seconds(app, f"{tmp}/{name}-{run}")
                timings[name].append(seconds)
                print(f"run {run + 1}: {name:5s} {seconds:6.2f} s", flush=True)
    best = {name: min(values) for name, values in timings.items()}
    median = {name: statistics.median(values) for name, values in timings.items()}
    print(f"CDK_VALIDATION={os.environ.get('CDK_VALIDATION', '(unset: CDK default, on)')}")
    for name in APPS:
        print(f"{name:5s} best {best[name]:6.2f} s  median {median[name]:6.2f} s")
    ratio_best, ratio_median = best["ours"] / best["empty"], median["ours"] / median["empty"]
    print(f"ratio ours/empty: best {ratio_best:.2f}  median {ratio_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
