"""`make test` on a fresh clone, then again in the same clone: the feedback loop a contributor gets.

Usage: `make bench` (or .venv/bin/python bench/bench_fresh_test.py [--keep] [--against REV]) from
a clone whose work is committed: it clones HEAD into a temporary folder, so uncommitted changes are
not measured. `--against REV` also measures an older commit, alternating with HEAD, and prints the
ratio: the machine's speed varies from one hour to the next, the ratio much less.

- fresh: `make test` in the new clone: it makes the venv, installs the pinned Python packages and
  the CDK CLI, compiles bytecode on first import, lints, type-checks and runs every test.
- again: `make test` a second time in the same clone (everything installed, caches warm).

Targets (docs/performance.md): fresh at most 60 s, again at most 40 s. The package managers'
own download caches (uv's and npm's, in the home folder) are used as they are: a machine that has
never downloaded the packages also pays for the download.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"fresh": 60.0, "again": 40.0}


def timed_make_test(clone: Path) -> float:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIRTUAL_ENV")}
    start = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "test"], cwd=clone, env=env, check=True)
    return time.perf_counter() - start


def measure(revision: str, keep: bool) -> dict[str, float]:
    parent = Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    clone = parent / "gt-labeling-stack"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", revision], cwd=clone, check=True)
        return {"fresh": timed_make_test(clone), "again": timed_make_test(clone)}
    finally:
        if keep:
            print(f"clone of {revision} kept in {clone}")
        else:
            shutil.rmtree(parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the clones and print where they are")
    parser.add_argument("--against", metavar="REV", help="an older commit to compare with, in the same run")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (each measures every revision)")
    args = parser.parse_args(argv)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    revisions = [head] + ([args.against] if args.against else [])
    figures: dict[str, dict[str, list[float]]] = {rev: {"fresh": [], "again": []} for rev in revisions}
    for _ in range(args.rounds):
        for revision in revisions:
            for name, seconds in measure(revision, args.keep).items():
                figures[revision][name].append(seconds)
    for revision in revisions:
        for name, values in figures[revision].items():
            seconds = statistics.median(values)
            verdict = "met" if seconds <= TARGETS[name] else "MISSED"
            label = f"make test at {revision}, {name}:"
            print(f"{label:34s} {seconds:5.1f} s  (target <= {TARGETS[name]:.0f} s: {verdict})")
    if args.against:
        for name in TARGETS:
            ratio = statistics.median(figures[head][name]) / statistics.median(figures[args.against][name])
            print(f"ratio {head} / {args.against}, {name}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
