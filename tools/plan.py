"""`make plan`: what each labeling job of an environment will send, and roughly what it costs.

Writes build/plan/<env>/<job>.request.json: the CreateLabelingJob request exactly as the Lambda
builds it (the same gt_rules.request.plan_job), with deploy-time values as ${Placeholders}.
Exits non-zero, with the same messages as synth, when the configuration is invalid.

The cost estimate uses object counts it can know, and says which:
- the job's `expected_objects`, when the user gives it;
- the local sample data, when `storage.upload_sample_data` is true: the items the manifest Lambda
  would make from those files (gt_rules.manifest itself, selection applied);
- for a job reading another job's output, that job's count;
- otherwise (objects listed only at deploy, a manifest in S3) `pricing.assumed_objects_per_job`,
  said as an assumption on the same line.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gt_config import ConfigError, EnvironmentConfig, load_environment
from gt_config.jobs import SAMPLE_DATA_DIR, count_sample_items, placeholder_context
from gt_config.loader import CONFIG_DIR
from gt_rules.manifest import ManifestError
from gt_rules.pricing import CostEstimate, estimate_environment_cost, estimate_job_cost
from gt_rules.request import JobPlan, plan_job
from gt_rules.spec import JobSpec, parse_int
from gt_rules.validation import job_spec_warnings

REPO_ROOT = Path(__file__).resolve().parent.parent
SET_EXPECTED = "set expected_objects to plan with your count"


@dataclass(frozen=True)
class ObjectCount:
    """How many objects a job will have, and how that is known."""

    count: int
    basis: str  # "counted in sample_data/fashion/", "expected_objects", or why it is assumed
    assumed: bool = False

    def describe(self) -> str:
        if self.assumed:
            return f"{self.count:,} objects, assumed ({self.basis}): {SET_EXPECTED}"
        return f"{self.count:,} objects, {self.basis}"


def object_counts(
    config: EnvironmentConfig, *, sample_root: Path = SAMPLE_DATA_DIR
) -> dict[str, ObjectCount]:
    """Every job's count, in creation order (a chained job after the job it reads)."""
    counts: dict[str, ObjectCount] = {}
    for name, spec in config.job_specs.items():
        counts[name] = _object_count(config, name, spec, counts, sample_root)
    return counts


def _object_count(
    config: EnvironmentConfig,
    name: str,
    spec: JobSpec,
    earlier: dict[str, ObjectCount],
    sample_root: Path,
) -> ObjectCount:
    expected = config.job(name).expected_objects
    if expected is not None:
        return ObjectCount(expected, "expected_objects")
    source = spec["input"]
    kind = source.get("kind")
    if kind == "job_output":
        upstream = earlier.get(str(source.get("job")))
        if upstream is not None:
            return ObjectCount(
                upstream.count, f"the output of job {source.get('job')}: {upstream.basis}", upstream.assumed
            )
    if kind == "prefix" and config.storage.upload_sample_data:
        return _sample_data_count(spec, sample_root)
    assumed = config.pricing.assumed_objects_per_job
    if kind == "prefix":
        size = parse_int(source.get("selection", {}).get("sample_size"))
        if size is not None:
            return ObjectCount(size, f"at most the sample size; fewer if {source.get('prefix')} holds fewer")
        return ObjectCount(assumed, f"the objects under {source.get('prefix')} are listed at deploy", True)
    if kind == "manifest":
        return ObjectCount(assumed, f"the manifest {source.get('manifest_uri')} is read at deploy", True)
    return ObjectCount(assumed, "nothing to count from", True)


def _sample_data_count(spec: JobSpec, sample_root: Path) -> ObjectCount:
    source = spec["input"]
    where = f"sample_data/{source.get('prefix', '')}"
    try:
        stats = count_sample_items(spec, sample_root)
    except ManifestError as error:
        # The manifest Lambda would fail the same way at deploy: say so rather than guess.
        reason = str(error).replace("s3://sample-data/", "sample_data/")
        return ObjectCount(0, f"from {where}, where the manifest would fail at deploy: {reason}")
    details = []
    if source.get("selection", {}).get("mode", "all") != "all":
        details.append(f"{_files(stats.objects_read)} selected")
    if source.get("data_type") in ("text_lines", "csv_rows"):
        unit = "lines" if source.get("data_type") == "text_lines" else "rows"
        details.append(f"non-blank {unit} of {_files(stats.objects_read)}")
    if stats.skipped_empty:
        details.append(f"{_files(stats.skipped_empty, 'blank ')} skipped")
    return ObjectCount(
        stats.item_count, f"counted in {where}" + (f" ({'; '.join(details)})" if details else "")
    )


def _files(count: int, kind: str = "") -> str:
    return f"{count:,} {kind}file" + ("" if count == 1 else "s")


def _environment_lines(config: EnvironmentConfig) -> list[str]:
    file = config.source_file
    account = config.account
    account_line = (
        f"  account: {account} (from {config.setting_origin('account')})"
        if account
        else f"  account: unknown (set account in {file} or CDK_DEFAULT_ACCOUNT); "
        "requests show ${AWS::AccountId}"
    )
    return [
        f"Environment {config.name}: {len(config.jobs)} labeling job(s)",
        f"  region: {config.region} (from {config.setting_origin('region')})",
        account_line,
    ]


def _total_lines(
    config: EnvironmentConfig, estimates: dict[str, CostEstimate], counts: dict[str, ObjectCount]
) -> list[str]:
    tiers = [(tier.up_to_objects, tier.usd_per_object) for tier in config.pricing.fee_tiers]
    total = estimate_environment_cost(list(estimates.values()), tiers)
    assumed = [name for name, count in counts.items() if count.assumed]
    known = f"counts assumed for {', '.join(assumed)}: {SET_EXPECTED}" if assumed else "every count is known"
    lines = [
        f"Total for {config.name}: ${total.total} (Ground Truth ${total.gt_fee}, Mechanical Turk "
        f"${total.mturk_fee}) for {total.objects:,} objects; {known}",
        "  (fee tiers count every job's objects together, as Ground Truth bills a month)",
    ]
    budget = config.budget
    if not budget.enabled:
        lines.append("Budget: none ([budget] enabled = false)")
        return lines
    limit = budget.monthly_limit_usd.quantize(Decimal("0.01"))
    if total.total > limit:
        verdict = f"the estimate EXCEEDS it by ${total.total - limit}"
    else:
        verdict = "the estimate is within it"
    lines.append(f"Budget: ${limit} a month ([budget] monthly_limit_usd): {verdict}")
    return lines


def plan_environment(
    config: EnvironmentConfig, out_dir: Path, *, sample_root: Path = SAMPLE_DATA_DIR
) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    tiers = [(tier.up_to_objects, tier.usd_per_object) for tier in config.pricing.fee_tiers]
    counts = object_counts(config, sample_root=sample_root)
    estimates: dict[str, CostEstimate] = {}
    lines = _environment_lines(config)
    for name, spec in config.job_specs.items():
        plan: JobPlan = plan_job(spec, placeholder_context(config, name, spec))
        path = out_dir / f"{name}.request.json"
        path.write_text(json.dumps(plan.request, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        cost = estimates[name] = estimate_job_cost(spec, counts[name].count, tiers)
        human = plan.request["HumanTaskConfig"]
        lines += [
            f"- {name}: {spec['task_type']} -> job {plan.job_name}",
            f"    workers: {human['WorkteamArn']} x{human['NumberOfHumanWorkersPerDataObject']} per object; "
            f"{len(spec.get('labels', []))} labels; input {spec['input']['kind']}",
            f"    request: {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}",
            f"    cost: ${cost.total} (Ground Truth ${cost.gt_fee}, Mechanical Turk ${cost.mturk_fee}) "
            f"for {counts[name].describe()}",
        ]
        lines += [f"    note: {note}" for note in cost.notes]
        lines += [f"    warning: {warning}" for warning in job_spec_warnings(spec)]
    return lines + _total_lines(config, estimates, counts)


def main(argv: list[str] | None = None, *, config_dir: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default=None, help="environment name (default: dev)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: build/plan/<env>)")
    parser.add_argument(
        "--config-dir", type=Path, default=None, help="folder of <env>.toml (default: config)"
    )
    args = parser.parse_args(argv)
    try:
        config = load_environment(args.env, config_dir=config_dir or args.config_dir or CONFIG_DIR)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    out_dir = args.out or REPO_ROOT / "build" / "plan" / config.name
    print("\n".join(plan_environment(config, out_dir)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
