"""`make plan`: what each labeling job of an environment will send, and roughly what it costs.

Writes build/plan/<env>/<job>.request.json: the CreateLabelingJob request exactly as the Lambda
builds it (the same gt_rules.request.plan_job), with deploy-time values as ${Placeholders}.
Exits non-zero, with the same messages as synth, when the configuration is invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gt_config import ConfigError, EnvironmentConfig, load_environment
from gt_config.jobs import placeholder_context
from gt_rules.pricing import estimate_job_cost
from gt_rules.request import JobPlan, plan_job
from gt_rules.spec import JobSpec
from gt_rules.validation import job_spec_warnings

REPO_ROOT = Path(__file__).resolve().parent.parent


def object_count(config: EnvironmentConfig, spec: JobSpec) -> tuple[int, str]:
    selection = spec["input"].get("selection", {})
    if selection.get("mode") == "sample" and selection.get("sample_size"):
        return int(selection["sample_size"]), "the sample size"
    return config.pricing.assumed_objects_per_job, "pricing.assumed_objects_per_job (known at deploy time)"


def plan_environment(config: EnvironmentConfig, out_dir: Path) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    tiers = [(tier.up_to_objects, tier.usd_per_object) for tier in config.pricing.fee_tiers]
    lines = [f"Environment {config.name} ({config.region}): {len(config.jobs)} labeling job(s)"]
    for name, spec in config.job_specs.items():
        plan: JobPlan = plan_job(spec, placeholder_context(config, name, spec))
        path = out_dir / f"{name}.request.json"
        path.write_text(json.dumps(plan.request, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        count, basis = object_count(config, spec)
        cost = estimate_job_cost(spec, count, tiers)
        human = plan.request["HumanTaskConfig"]
        lines += [
            f"- {name}: {spec['task_type']} -> job {plan.job_name}",
            f"    workers: {human['WorkteamArn']} x{human['NumberOfHumanWorkersPerDataObject']} per object; "
            f"{len(spec.get('labels', []))} labels; input {spec['input']['kind']}",
            f"    request: {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}",
            f"    cost for {count} objects ({basis}): ${cost.total} "
            f"(Ground Truth ${cost.gt_fee}, Mechanical Turk ${cost.mturk_fee})",
        ]
        lines += [f"    note: {note}" for note in cost.notes]
        lines += [f"    warning: {warning}" for warning in job_spec_warnings(spec)]
    return lines


def main(argv: list[str] | None = None, *, config_dir: Path | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=None, help="environment name (default: dev)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: build/plan/<env>)")
    args = parser.parse_args(argv)
    try:
        config = load_environment(args.env, **({"config_dir": config_dir} if config_dir else {}))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    out_dir = args.out or REPO_ROOT / "build" / "plan" / config.name
    print("\n".join(plan_environment(config, out_dir)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
