"""`make test` on a fresh clone, then again in the same clone: the feedback loop a contributor gets.

Usage: `make bench` (or .venv/bin/python bench/bench_fresh_test.py [--keep]) from a clone whose
work is committed: it clones HEAD into a temporary folder, so uncommitted changes are not measured.

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone and print where it is")
    args = parser.parse_args(argv)
    parent = Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    clone = parent / "gt-labeling-stack"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        figures = {"fresh": timed_make_test(clone), "again": timed_make_test(clone)}
    finally:
        if args.keep:
            print(f"clone kept in {clone}")
        else:
            shutil.rmtree(parent, ignore_errors=True)
    for name, seconds in figures.items():
        verdict = "met" if seconds <= TARGETS[name] else "MISSED"
        print(f"make test, {name:5s}: {seconds:5.1f} s  (target <= {TARGETS[name]:.0f} s: {verdict})")
    print(f"ratio again / fresh: {figures['again'] / figures['fresh']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
