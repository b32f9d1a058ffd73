"""cfn-lint over a synthesized cloud assembly, skipping templates already found clean.

Usage: python -m tools.lint_templates cdk.out/dev [--cache build/cfn-lint-cache.json]

A template is linted again only when its content changed since its last clean run (asset hashes
aside: they change with every handler edit and cannot change what cfn-lint says) or when
cfn-lint's version or the checks we ignore changed. Exit 0 when every template is clean, 1 with
cfn-lint's findings otherwise: the same verdict as running cfn-lint on all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

IGNORED_CHECKS = ("W3005",)  # CDK's redundant DependsOn beside an implicit dependency
DEFAULT_CACHE = Path("build") / "cfn-lint-cache.json"
# CDK names assets by the SHA-256 of their content (S3 keys of the Lambda bundles).
_ASSET_HASH = re.compile(rb"\b[0-9a-f]{64}\b")


def fingerprint(template: bytes, region: str) -> str:
    """What cfn-lint's verdict on a template depends on: its content without asset hashes, the
    Region it is checked for, cfn-lint's version and the ignored checks."""
    digest = hashlib.sha256()
    for part in (
        _ASSET_HASH.sub(b"<asset>", template),
        region.encode(),
        version("cfn-lint").encode(),
        ",".join(IGNORED_CHECKS).encode(),
    ):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _templates(assembly: Path) -> Iterable[tuple[Path, str]]:
    """(template file, Region) of every stack in the cloud assembly."""
    manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    for artifact in manifest.get("artifacts", {}).values():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
        yield assembly / artifact["properties"]["templateFile"], region


def lint(assembly: Path, cache_file: Path) -> tuple[list[str], int]:
    """(findings, templates linted now). Clean templates are remembered in `cache_file`."""
    try:
        clean = set(json.loads(cache_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        clean = set()
    findings: list[str] = []
    linted = 0
    for path, region in _templates(assembly):
        key = fingerprint(path.read_bytes(), region)
        if key in clean:
            continue
        from cfnlint.api import ManualArgs, lint_file  # slow to import: only when there is work

        linted += 1
        matches = lint_file(path, config=ManualArgs(ignore_checks=list(IGNORED_CHECKS), regions=[region]))
        if matches:
            findings += [f"{path.name}: {match}" for match in matches]
        else:
            clean.add(key)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(sorted(clean)), encoding="utf-8")
    return findings, linted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.lint_templates", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("assembly", type=Path, help="the cloud assembly folder, e.g. cdk.out/dev")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="where clean templates are remembered"
    )
    args = parser.parse_args(argv)
    findings, linted = lint(args.assembly, args.cache)
    if findings:
        print("\n".join(findings), file=sys.stderr)
        return 1
    unchanged = len(list(_templates(args.assembly))) - linted
    print(f"cfn-lint: no errors ({linted} template(s) checked, {unchanged} unchanged since a clean run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
