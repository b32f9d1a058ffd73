"""`make synth` against an empty CDK app's `cdk synth`, in one run, as a ratio.

Usage: `make bench` (or .venv/bin/python bench/bench_synth.py [--runs N]) after `make install`.

- ours: `make synth ENV=dev` as a user runs it: the pinned CDK CLI synthesizes every stack (with
  cdk-nag), cfn-lint checks the templates (skipping those unchanged since a clean run) and the
  summary is printed. The first, warm-up run fills the bytecode and cfn-lint caches.
- empty: `cdk synth` of bench/empty_app.py (one empty stack) through the same CLI, with CDK's
  defaults (its built-in template validator on, as a new app has it).

- empty-nv: the same empty app with the settings `make` uses (validator off), for a like-for-like
  figure: what our stacks, cdk-nag, cfn-lint and the summary cost on top of CDK itself.

The three alternate, so machine load weighs on all alike; the target is a median ratio ours/empty
of 1.3 at most (docs/performance.md).
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
TARGET_RATIO = 1.3


def _environment(cdk_defaults: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    if cdk_defaults:
        env.pop("CDK_VALIDATION", None)
    return env


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "ours": (
                ["make", "--no-print-directory", "synth", "ENV=dev", f"OUT={tmp}/ours"],
                _environment(False),
            ),
            "empty": (
                [
                    str(CDK),
                    "synth",
                    "--quiet",
                    "--app",
                    f"{PYTHON} bench/empty_app.py",
                    "--output",
                    f"{tmp}/empty",
                ],
                _environment(True),
            ),
        }
        commands["empty-nv"] = (
            [*commands["empty"][0][:-1], f"{tmp}/empty-nv"],
            {**_environment(False), "CDK_VALIDATION": "false"},
        )
        for command, env in commands.values():  # warm-up: bytecode, Node's file cache, cfn-lint cache
            seconds(command, env)
        timings: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs):
            for name, (command, env) in commands.items():
                timings[name].append(seconds(command, env))
                print(f"run {run + 1}: {name:8s} {timings[name][-1]:6.2f} s", flush=True)
    median = {name: statistics.median(values) for name, values in timings.items()}
    ratios = [ours / empty for ours, empty in zip(timings["ours"], timings["empty"], strict=True)]
    like_for_like = [ours / empty for ours, empty in zip(timings["ours"], timings["empty-nv"], strict=True)]
    for name in commands:
        low, high = min(timings[name]), max(timings[name])
        print(f"{name:8s} median {median[name]:6.2f} s  (min {low:.2f}, max {high:.2f})")
    same_settings = statistics.median(like_for_like)
    print(f"ratio make synth / empty cdk synth, both validator off: median {same_settings:.2f}")
    ratio = statistics.median(ratios)
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    spread = f"pairs {min(ratios):.2f}-{max(ratios):.2f}"
    print(
        f"ratio make synth / empty cdk synth: median {ratio:.2f} ({spread}); "
        f"target <= {TARGET_RATIO}: {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
