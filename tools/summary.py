"""Prints a short summary of a synthesized cloud assembly: stacks, resource counts, outputs.

Usage: python -m tools.summary cdk.out/dev
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def stack_templates(assembly: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((assembly / "manifest.json").read_text())
    templates = {}
    for name, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") == "aws:cloudformation:stack":
            template_file = artifact["properties"]["templateFile"]
            templates[name] = json.loads((assembly / template_file).read_text())
    return templates


def summarize(assembly: Path) -> str:
    lines: list[str] = []
    templates = stack_templates(assembly)
    total = 0
    for name, template in templates.items():
        resources = template.get("Resources", {})
        total += len(resources)
        kinds = Counter(resource["Type"] for resource in resources.values())
        lines.append(f"{name}: {len(resources)} resources")
        lines += [f"    {count:3d} {kind}" for kind, count in sorted(kinds.items())]
        outputs = template.get("Outputs", {})
        if outputs:
            lines.append(
                "    outputs: " + ", ".join(sorted(o for o in outputs if not o.startswith("ExportsOutput")))
            )
    lines.append(f"{len(templates)} stacks, {total} resources; " + validation_summary(assembly))
    return "\n".join(lines)


def validation_summary(assembly: Path) -> str:
    """Synth fails on any unacknowledged cdk-nag error, so reaching here means none are left."""
    parts = ["cdk-nag AwsSolutions: no unacknowledged findings"]
    report = assembly / "validation-report.json"
    if report.exists():
        for plugin in json.loads(report.read_text()).get("pluginReports", []):
            warnings = len(plugin.get("violations", []))
            parts.append(f"{plugin.get('pluginName')}: {plugin.get('conclusion')} ({warnings} warnings)")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tools.summary <cloud assembly directory>", file=sys.stderr)
        return 2
    print(summarize(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
