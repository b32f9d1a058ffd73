"""`make destroy` runs this first: pull every labeling job's results of the environment, then say
whether the destroy may go on.

An environment whose buckets are deleted on destroy (retain_data = false) loses every label with
them, so a pull that failed stops the destroy there unless --force (FORCE=1) says to go on. Where
the buckets are retained, a failed pull is reported and the destroy goes on: the labels stay in S3.

Exit 0: go on with `cdk destroy`; 1: stop (a pull failed and the labels would be lost);
2: could not run (no credentials, bad configuration), which stops it too.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from tools.results.errors import ResultsError
from tools.results.pull import DEFAULT_MAX_SOURCES, run_pull


def guard(env: str, *, force: bool, out: TextIO, err: TextIO) -> int:
    from gt_config import ConfigError, load_environment

    try:
        config = load_environment(env)
    except ConfigError as error:
        print(error, file=err)
        return 2
    pull_args = argparse.Namespace(env=env, job=None, to=None, max_sources=DEFAULT_MAX_SOURCES)
    try:
        status = run_pull(pull_args, out=out)
    except ResultsError as error:
        print(error, file=err)
        status = error.exit_code
    if status == 0:
        return 0
    what = "could not run" if status == 2 else "did not get everything"
    if config.retain_data:
        print(
            f"The pull {what}; environment {env} keeps its buckets on destroy, so the labels stay in S3.",
            file=err,
        )
        return 0
    if force:
        print(
            f"The pull {what}; FORCE=1: destroying anyway, and {env}'s buckets go with their labels.",
            file=err,
        )
        return 0
    print(
        f"The pull {what}, and destroying {env} deletes its buckets with every label in them. Fix the "
        "pull (see above) and run `make destroy` again, or `make destroy FORCE=1` to lose the rest.",
        file=err,
    )
    return 1 if status != 2 else 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.destroy_guard", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--env", required=True, help="the environment about to be destroyed")
    parser.add_argument("--force", action="store_true", help="go on even when a pull failed (FORCE=1)")
    args = parser.parse_args(argv)
    return guard(args.env, force=args.force, out=sys.stdout, err=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
