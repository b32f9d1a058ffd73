"""`python -m tools.results status`: every labeling job of an environment, where it stands, its fee so far.

Jobs are found by our naming: ListLabelingJobs with NameContains = the environment's name prefix,
every status, every page, then gt_rules.naming.is_environment_job (so `gtlab-devx-...` is not
`gtlab-dev`'s). DescribeLabelingJob gives each job's tags; the `gt-labeling-stack:job` tag holds
the job's name in the config file, which links the current physical job with its earlier
revisions (every change of a job's definition is a new physical job with a new name).

API pages: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListLabelingJobs.html,
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLabelingJob.html,
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeWorkteam.html.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from botocore import exceptions as bx

from gt_config import EnvironmentConfig
from gt_rules.lifecycle import COMPLETED, FAILED, STOPPED
from gt_rules.naming import DIGEST_LENGTH, job_name_prefix
from gt_rules.pricing import tiered_fee
from gt_rules.project import JOB_TAG_KEY
from gt_rules.reaper import environment_jobs, list_requests
from gt_rules.retry import error_code
from tools.aws_access import is_credentials_problem

from . import aws
from .errors import UsageError

# `--watch` stops once every job is in one of these. Stopping is not final: the job still
# winds down, and a Stopping job's counters can still move.
FINAL_STATUSES = (COMPLETED, FAILED, STOPPED)
DEFAULT_INTERVAL_SECONDS = 30.0
MIN_INTERVAL_SECONDS = 5.0
_CENT = Decimal("0.01")

FeeTiers = list[tuple[int | None, Decimal]]


@dataclass(frozen=True)
class Counters:
    """DescribeLabelingJob's LabelCounters, by what the user asks about."""

    labeled: int = 0  # TotalLabeled
    human: int = 0  # HumanLabeled
    machine: int = 0  # MachineLabeled (automated data labeling)
    unlabeled: int = 0  # Unlabeled
    failed: int = 0  # FailedNonRetryableError

    @classmethod
    def from_api(cls, counters: Mapping[str, Any] | None) -> Counters:
        counters = counters or {}
        return cls(
            labeled=int(counters.get("TotalLabeled", 0)),
            human=int(counters.get("HumanLabeled", 0)),
            machine=int(counters.get("MachineLabeled", 0)),
            unlabeled=int(counters.get("Unlabeled", 0)),
            failed=int(counters.get("FailedNonRetryableError", 0)),
        )


@dataclass(frozen=True)
class LabelingJob:
    """One physical labeling job of the environment, as DescribeLabelingJob reports it."""

    name: str  # the physical name, `<prefix>-<job>-<digest>`
    config_job: str  # the job's name in config/<env>.toml
    status: str
    created: datetime
    last_modified: datetime
    counters: Counters
    output_path: str  # OutputConfig.S3OutputPath
    output_manifest: str  # LabelingJobOutput.OutputDatasetS3Uri, "" until the job has one
    workteam_arn: str
    workers_per_object: int
    mturk_price: Decimal | None  # PublicWorkforceTaskPrice, Mechanical Turk only
    failure_reason: str = ""
    current: bool = True  # the newest physical job of its config job

    @property
    def output_prefix(self) -> str:
        """`<S3OutputPath>/<job name>/`: where Ground Truth writes everything of this job."""
        return f"{self.output_path.rstrip('/')}/{self.name}/"

    @property
    def settled(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class Fee:
    ground_truth: Decimal
    mechanical_turk: Decimal

    @property
    def total(self) -> Decimal:
        return self.ground_truth + self.mechanical_turk


# --- pure functions -----------------------------------------------------------------------------


def listing_request(name_prefix: str) -> dict[str, Any]:
    """ListLabelingJobs arguments for every job of the environment, whatever its status.

    The reaper's requests carry the NameContains rule (left out when the prefix could not pass
    it); dropping their StatusEquals lists every status in one pass.
    """
    request = dict(list_requests(name_prefix)[0])
    request.pop("StatusEquals", None)
    return request


def usd_amount_to_price(amount: Mapping[str, Any]) -> Decimal:
    """`{"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}` -> `Decimal("0.036")`."""
    tenths = (
        int(amount.get("Dollars", 0)) * 1000
        + int(amount.get("Cents", 0)) * 10
        + int(amount.get("TenthFractionsOfACent", 0))
    )
    return Decimal(tenths) / 1000


def config_job_from_name(physical_name: str, name_prefix: str) -> str:
    """The config job name a physical name was made from: `<prefix>-<job>-<digest>` -> `<job>`.

    Only a fallback for a job without our tag; a long job name may have been shortened.
    """
    middle = physical_name.lower().removeprefix(job_name_prefix(name_prefix))
    head, _, digest = middle.rpartition("-")
    return head if head and len(digest) == DIGEST_LENGTH else middle


def labeling_job(describe: Mapping[str, Any], name_prefix: str) -> LabelingJob:
    """A LabelingJob from one DescribeLabelingJob response."""
    name = str(describe["LabelingJobName"])
    tags = {str(t.get("Key")): str(t.get("Value", "")) for t in describe.get("Tags") or []}
    human: Mapping[str, Any] = describe.get("HumanTaskConfig") or {}
    price = (human.get("PublicWorkforceTaskPrice") or {}).get("AmountInUsd")
    return LabelingJob(
        name=name,
        config_job=tags.get(JOB_TAG_KEY) or config_job_from_name(name, name_prefix),
        status=str(describe.get("LabelingJobStatus", "")),
        created=_as_utc(describe["CreationTime"]),
        last_modified=_as_utc(describe.get("LastModifiedTime") or describe["CreationTime"]),
        counters=Counters.from_api(describe.get("LabelCounters")),
        output_path=str((describe.get("OutputConfig") or {}).get("S3OutputPath", "")),
        output_manifest=str((describe.get("LabelingJobOutput") or {}).get("OutputDatasetS3Uri", "")),
        workteam_arn=str(human.get("WorkteamArn", "")),
        workers_per_object=int(human.get("NumberOfHumanWorkersPerDataObject", 1)),
        mturk_price=usd_amount_to_price(price) if price else None,
        failure_reason=str(describe.get("FailureReason", "")),
    )


def mark_revisions(jobs: Iterable[LabelingJob], config_order: Sequence[str] = ()) -> list[LabelingJob]:
    """Jobs grouped by config job (config file order first), newest first, only the newest current."""
    order = {name: index for index, name in enumerate(config_order)}
    ordered = sorted(
        jobs,
        key=lambda j: (order.get(j.config_job, len(order)), j.config_job, -j.created.timestamp(), j.name),
    )
    marked: list[LabelingJob] = []
    seen: set[str] = set()
    for job in ordered:
        marked.append(replace(job, current=job.config_job not in seen))
        seen.add(job.config_job)
    return marked


def select_jobs(jobs: Sequence[LabelingJob], wanted: str | None) -> list[LabelingJob]:
    """Every job, or those of one config job (all revisions), or one physical job."""
    if not wanted:
        return list(jobs)
    by_config = [j for j in jobs if j.config_job == wanted]
    if by_config:
        return by_config
    return [j for j in jobs if j.name.casefold() == wanted.casefold()]


def job_fee(job: LabelingJob, tiers: FeeTiers) -> Fee:
    """Ground Truth's per-object fee on every labeled object (human or machine), plus Mechanical
    Turk's price x workers per object x human-labeled objects (https://aws.amazon.com/sagemaker/pricing/)."""
    counters = job.counters
    ground_truth = tiered_fee(counters.human + counters.machine, tiers)
    mturk = Decimal(0)
    if job.mturk_price is not None:
        mturk = job.mturk_price * job.workers_per_object * counters.human
    return Fee(ground_truth.quantize(_CENT), mturk.quantize(_CENT))


def workteam_kind(workteam_arn: str) -> tuple[str, str]:
    """("private", team name) | ("mturk", "") | ("vendor", "") from a work team ARN.

    Private teams are `workteam/private-crowd/<name>`, Mechanical Turk is
    `workteam/public-crowd/default`; anything else is a vendor's (AWS Marketplace) team.
    """
    resource = workteam_arn.split(":", 5)[-1]
    if resource.startswith("workteam/private-crowd/"):
        return "private", resource.removeprefix("workteam/private-crowd/")
    if resource.startswith("workteam/public-crowd/"):
        return "mturk", ""
    return "vendor", ""


def portal_url(subdomain: str) -> str:
    return subdomain if subdomain.startswith("https://") else f"https://{subdomain}"


def elapsed(job: LabelingJob, now: datetime) -> timedelta:
    """How long the job has run: until now, or until its last change once it is settled."""
    end = job.last_modified if job.settled else _as_utc(now)
    return max(end - job.created, timedelta(0))


def format_duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def render_status(
    config: EnvironmentConfig,
    jobs: Sequence[LabelingJob],
    portals: Mapping[str, str],
    now: datetime,
    *,
    missing: Sequence[str] = (),
) -> str:
    """The status text: a header, one block per physical job, and the config jobs not created yet."""
    tiers: FeeTiers = [(t.up_to_objects, t.usd_per_object) for t in config.pricing.fee_tiers]
    running = sum(1 for j in jobs if not j.settled)
    lines = [
        f"Environment {config.name} ({config.region}, {config.name_prefix}): "
        f"{len(jobs)} labeling job(s), {running} not finished, as of {_iso(now)}"
    ]
    for job in jobs:
        revision = "current" if job.current else "earlier revision"
        fee = job_fee(job, tiers)
        c = job.counters
        span = format_duration(elapsed(job, now))
        lines += [
            "",
            f"{job.config_job}  {job.name}  {job.status}  ({revision})",
            f"  counters: {c.labeled} labeled ({c.human} by people, {c.machine} by machine), "
            f"{c.unlabeled} unlabeled, {c.failed} failed",
            f"  {'ran' if job.settled else 'running'}: {span} (since {_iso(job.created)})",
            f"  output: {job.output_prefix}",
        ]
        if job.output_manifest:
            lines.append(f"  output manifest: {job.output_manifest}")
        lines.append(f"  workers: {portals.get(job.workteam_arn, job.workteam_arn)}")
        detail = f"Ground Truth ${fee.ground_truth} for {c.human + c.machine} object(s)"
        if job.mturk_price is not None:
            detail += (
                f" + Mechanical Turk ${fee.mechanical_turk} "
                f"(${job.mturk_price} x {job.workers_per_object} worker(s) x {c.human})"
            )
        lines.append(f"  fee so far: ${fee.total} ({detail}; an estimate from [pricing], not a bill)")
        if job.failure_reason:
            lines.append(f"  failure reason: {job.failure_reason}")
    if not jobs:
        lines += ["", f"No labeling job of {config.name_prefix} in {config.region} yet."]
    if missing:
        lines += ["", "In the config but not created yet (deploy to create): " + ", ".join(missing)]
    return "\n".join(lines) + "\n"


# --- AWS calls ----------------------------------------------------------------------------------


def list_environment_jobs(sagemaker: Any, name_prefix: str) -> list[dict[str, Any]]:
    """Every ListLabelingJobs summary of the environment, every status, every page."""
    summaries: list[dict[str, Any]] = []
    paginator = sagemaker.get_paginator("list_labeling_jobs")
    for page in paginator.paginate(**listing_request(name_prefix)):
        summaries.extend(page.get("LabelingJobSummaryList", []))
    return environment_jobs(summaries, name_prefix)


def describe_jobs(sagemaker: Any, config: EnvironmentConfig) -> list[LabelingJob]:
    """Every labeling job of the environment, described, grouped by config job, newest first."""
    jobs = [
        labeling_job(
            sagemaker.describe_labeling_job(LabelingJobName=summary["LabelingJobName"]), config.name_prefix
        )
        for summary in list_environment_jobs(sagemaker, config.name_prefix)
    ]
    return mark_revisions(jobs, [job.name for job in config.jobs])


def workforce_descriptions(
    sagemaker: Any, jobs: Iterable[LabelingJob], known: dict[str, str] | None = None
) -> dict[str, str]:
    """Work team ARN -> how its workers reach the tasks (the portal URL of a private team).

    `known` caches earlier answers (a team's portal does not change while `--watch` refreshes).
    """
    portals = known if known is not None else {}
    for job in jobs:
        arn = job.workteam_arn
        if arn in portals:
            continue
        kind, team = workteam_kind(arn)
        if kind == "mturk":
            portals[arn] = "Amazon Mechanical Turk (public workforce): no worker portal of yours"
        elif kind == "vendor":
            portals[arn] = f"vendor team {arn} (AWS Marketplace): the vendor's workers, no portal of yours"
        else:
            try:
                subdomain = sagemaker.describe_workteam(WorkteamName=team)["Workteam"].get("SubDomain", "")
            except bx.ClientError as exc:
                if is_credentials_problem(exc):
                    raise
                # A team deleted since (or not readable) must not hide the jobs' status.
                portals[arn] = f"private team {team}: portal URL unknown ({error_code(exc)})"
                continue
            where = portal_url(subdomain) if subdomain else "portal URL not available yet"
            portals[arn] = f"{where} (private team {team})"
    return portals


def gather(
    clients: aws.Clients, config: EnvironmentConfig, wanted: str | None, portals: dict[str, str]
) -> list[LabelingJob]:
    """The selected jobs, described; fills `portals` for their work teams."""
    with aws.one_line_errors():
        jobs = select_jobs(describe_jobs(clients.sagemaker, config), wanted)
        if wanted and not jobs:
            raise UsageError(no_such_job(config, wanted))
        workforce_descriptions(clients.sagemaker, jobs, portals)
    return jobs


def not_created(config: EnvironmentConfig, jobs: Iterable[LabelingJob], wanted: str | None) -> list[str]:
    """Config jobs without any labeling job in the account (shown only when listing everything)."""
    if wanted:
        return []
    created = {j.config_job for j in jobs}
    return [j.name for j in config.jobs if j.name not in created]


def watch(
    fetch: Callable[[datetime], tuple[str, bool]],
    *,
    out: TextIO,
    interval: float,
    sleep: Callable[[float], None],
    clock: Callable[[], datetime],
) -> int:
    """Print `fetch(now)` until it says every job is settled; sleep `interval` between refreshes."""
    while True:
        text, settled = fetch(clock())
        out.write(text)
        out.flush()
        if settled:
            out.write("Every job is settled (Completed, Failed or Stopped).\n")
            return 0
        out.write(f"Refreshing in {interval:g} s (Ctrl-C to stop watching; the jobs keep running).\n\n")
        out.flush()
        sleep(interval)


def run_status(
    args: argparse.Namespace,
    *,
    clients: aws.Clients | None = None,
    out: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """The command itself; AWS clients, output, sleep and clock are injectable for tests."""
    out = out or sys.stdout
    config = aws.load_config(args.env)
    interval = float(args.interval)
    if args.watch and interval < MIN_INTERVAL_SECONDS:
        raise UsageError(f"--interval {interval:g}: must be at least {MIN_INTERVAL_SECONDS:g} seconds")
    session_clients = clients or aws.build_clients(config.region)
    portals: dict[str, str] = {}

    def fetch(now: datetime) -> tuple[str, bool]:
        jobs = gather(session_clients, config, args.job, portals)
        missing = not_created(config, jobs, args.job)
        return render_status(config, jobs, portals, now, missing=missing), all(j.settled for j in jobs)

    if not args.watch:
        out.write(fetch(clock())[0])
        return 0
    try:
        return watch(fetch, out=out, interval=interval, sleep=sleep, clock=clock)
    except KeyboardInterrupt:
        out.write("\nStopped watching; the jobs keep running.\n")
        return 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "status",
        help="every labeling job of an environment: status, counters, portal URL, fee so far",
        description=(
            "Lists every labeling job of the environment (the current one of each config job and its "
            "earlier revisions): status, labeled/unlabeled/failed/human/machine counters, how long it "
            "has run, the output location, the worker portal URL and the fee so far (an estimate from "
            "the environment's [pricing]). Needs AWS credentials for the environment's account."
        ),
    )
    parser.add_argument("--env", required=True, help="environment name (config/<env>.toml)")
    parser.add_argument("--job", help="a config job name (all its revisions) or a physical labeling job name")
    parser.add_argument("--watch", action="store_true", help="refresh until every job is settled")
    parser.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL_SECONDS,
        help=f"seconds between refreshes with --watch (default {DEFAULT_INTERVAL_SECONDS:g})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The sub-command's entry point; the CLI turns a ResultsError into its one line and exit status."""
    return run_status(args)


# --- helpers ------------------------------------------------------------------------------------


def no_such_job(config: EnvironmentConfig, wanted: str) -> str:
    known = ", ".join(j.name for j in config.jobs) or "none"
    if any(j.name == wanted for j in config.jobs):
        return (
            f"--job {wanted}: the job is in config/{config.name}.toml but has no labeling job in "
            f"{config.region} yet; deploy first."
        )
    return (
        f"--job {wanted}: no labeling job of {config.name_prefix} has this config or physical name "
        f"(config jobs: {known})."
    )


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return _as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")
