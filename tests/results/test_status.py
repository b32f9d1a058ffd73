"""`python -m tools.results status`: jobs found by prefix and tag, revisions, counters, portal URLs,
fees computed from the environment's tiers, --job, --watch (injected sleep and clock), and the
one-line failures (no credentials, access denied)."""

from __future__ import annotations

import argparse
import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from gt_rules.pricing import price_to_usd_amount, tiered_fee
from tests.fakes import no_credentials
from tests.results.aws_helpers import (
    MTURK_ARN,
    NOW,
    OUTPUT_PATH,
    PRIVATE_TEAM_ARN,
    TEAM,
    VENDOR_ARN,
    cents,
    describe,
    dev_config,
    expect_describes,
    expect_jobs,
    expect_workteam,
    status_args,
    stubbed_sagemaker,
    summary,
)
from tools.results import aws, cli, pull, status
from tools.results.errors import NoCredentials, UsageError
from tools.results.status import (
    Counters,
    LabelingJob,
    config_job_from_name,
    elapsed,
    format_duration,
    job_fee,
    listing_request,
    usd_amount_to_price,
    workteam_kind,
)

PREFIX = dev_config().name_prefix
FASHION = f"{PREFIX}-fashion-aaaa1111"
FASHION_OLD = f"{PREFIX}-fashion-bbbb2222"
NUMBERS = f"{PREFIX}-numbers-cccc3333"
NEIGHBOUR = f"{PREFIX}x-fashion-dddd4444"  # another environment whose prefix starts like ours
SUBDOMAIN = "abc123.labeling.us-east-1.sagemaker.aws"
MTURK_PRICE = "0.036"


def tiers() -> list[tuple[int | None, Decimal]]:
    return [(t.up_to_objects, t.usd_per_object) for t in dev_config().pricing.fee_tiers]


def fashion(status_: str = "InProgress") -> dict[str, Any]:
    counters = {"TotalLabeled": 5, "HumanLabeled": 4, "MachineLabeled": 1, "Unlabeled": 7}
    return describe(
        FASHION,
        status=status_,
        created=NOW - timedelta(hours=2),
        config_job="fashion",
        counters={**counters, "FailedNonRetryableError": 1},
    )


def fashion_old() -> dict[str, Any]:
    created = NOW - timedelta(days=2)
    return describe(
        FASHION_OLD,
        status="Stopped",
        created=created,
        modified=created + timedelta(hours=3),
        config_job="fashion",
        counters={"TotalLabeled": 2, "HumanLabeled": 2},
    )


def numbers() -> dict[str, Any]:
    created = NOW - timedelta(days=1)
    return describe(
        NUMBERS,
        status="Completed",
        created=created,
        modified=created + timedelta(minutes=90),
        config_job="numbers",
        counters={"TotalLabeled": 6, "HumanLabeled": 6},
        workteam_arn=MTURK_ARN,
        workers=3,
        price=MTURK_PRICE,
        output_dataset_uri=f"{OUTPUT_PATH}{NUMBERS}/manifests/output/output.manifest",
    )


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws, "load_config", lambda env: dev_config())


def blocks(text: str) -> dict[str, list[str]]:
    """Physical job name -> the lines of its block."""
    found: dict[str, list[str]] = {}
    for block in text.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if len(lines) > 1:
            found[lines[0].split()[1]] = lines
    return found


def line(lines: list[str], start: str) -> str:
    return next(candidate.strip() for candidate in lines if candidate.strip().startswith(start))


def test_every_job_of_the_environment_with_revisions_counters_portal_and_fee(config: None) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(
        stub,
        PREFIX,
        [
            [summary(FASHION), summary(NEIGHBOUR)],
            [summary(NUMBERS, "Completed"), summary(FASHION_OLD, "Stopped")],
        ],
    )
    expect_describes(stub, [fashion(), numbers(), fashion_old()])  # listing order; never the neighbour
    expect_workteam(stub, TEAM, SUBDOMAIN)  # once: both fashion jobs use the same team
    out = io.StringIO()

    code = status.run_status(status_args(), clients=aws.Clients(sagemaker, None), out=out, clock=lambda: NOW)

    stub.assert_no_pending_responses()
    text = out.getvalue()
    assert code == 0
    assert NEIGHBOUR not in text
    assert text.splitlines()[0].startswith(f"Environment dev (us-east-1, {PREFIX}): 3 labeling job(s), 1 not")
    jobs = blocks(text)
    assert list(jobs) == [FASHION, FASHION_OLD, NUMBERS]  # config order, newest revision first
    current, old, mturk = jobs[FASHION], jobs[FASHION_OLD], jobs[NUMBERS]

    assert current[0].split() == ["fashion", FASHION, "InProgress", "(current)"]
    assert old[0].split() == ["fashion", FASHION_OLD, "Stopped", "(earlier", "revision)"]
    assert line(current, "counters:") == (
        "counters: 5 labeled (4 by people, 1 by machine), 7 unlabeled, 1 failed"
    )
    assert line(current, "running:").startswith("running: 2 h 00 min")  # until now
    assert line(old, "ran:").startswith("ran: 3 h 00 min")  # until it was stopped, not until now
    assert line(current, "output:") == f"output: {OUTPUT_PATH}{FASHION}/"
    assert line(current, "workers:") == f"workers: https://{SUBDOMAIN} (private team {TEAM})"
    assert line(old, "workers:") == line(current, "workers:")
    assert "Mechanical Turk" in line(mturk, "workers:")
    assert line(mturk, "output manifest:").endswith(f"{NUMBERS}/manifests/output/output.manifest")

    # Ground Truth fee on human + machine objects, with the environment's (small) tiers.
    fashion_fee = cents(tiered_fee(4 + 1, tiers()))
    assert fashion_fee == cents(3 * Decimal("0.08") + 2 * Decimal("0.04"))  # the tiers are crossed
    assert line(current, "fee so far:").startswith(f"fee so far: ${fashion_fee} (Ground Truth ${fashion_fee}")
    assert "an estimate" in line(current, "fee so far:")
    # Mechanical Turk: price x workers per object x human-labeled objects, on top.
    gt_fee = cents(tiered_fee(6, tiers()))
    mturk_fee = cents(Decimal(MTURK_PRICE) * 3 * 6)
    assert line(mturk, "fee so far:").startswith(
        f"fee so far: ${gt_fee + mturk_fee} (Ground Truth ${gt_fee} for 6 object(s) + Mechanical Turk "
        f"${mturk_fee} (${Decimal(MTURK_PRICE)} x 3 worker(s) x 6)"
    )


def test_config_jobs_not_created_yet_are_named(config: None) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(FASHION)]])
    expect_describes(stub, [fashion()])
    expect_workteam(stub, TEAM, SUBDOMAIN)
    out = io.StringIO()

    status.run_status(status_args(), clients=aws.Clients(sagemaker, None), out=out, clock=lambda: NOW)

    assert out.getvalue().rstrip().endswith("In the config but not created yet (deploy to create): numbers")


def test_no_jobs_yet(config: None) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(NEIGHBOUR)]])
    out = io.StringIO()

    assert status.run_status(status_args(), clients=aws.Clients(sagemaker, None), out=out) == 0
    assert f"No labeling job of {PREFIX} in us-east-1 yet." in out.getvalue()


@pytest.mark.parametrize(
    ("wanted", "shown"),
    [("fashion", [FASHION, FASHION_OLD]), (FASHION_OLD, [FASHION_OLD]), (FASHION_OLD.upper(), [FASHION_OLD])],
)
def test_job_option_takes_a_config_or_a_physical_name(config: None, wanted: str, shown: list[str]) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(FASHION), summary(FASHION_OLD, "Stopped")]])
    expect_describes(stub, [fashion(), fashion_old()])
    expect_workteam(stub, TEAM, SUBDOMAIN)
    out = io.StringIO()

    status.run_status(
        status_args(job=wanted), clients=aws.Clients(sagemaker, None), out=out, clock=lambda: NOW
    )

    assert list(blocks(out.getvalue())) == shown


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ("numbers", "--job numbers: the job is in config/dev.toml but has no labeling job in us-east-1 yet"),
        ("nope", f"--job nope: no labeling job of {PREFIX} has this config or physical name"),
    ],
)
def test_unknown_job_is_one_line_exit_2(
    config: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    wanted: str,
    message: str,
) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(FASHION)]])
    expect_describes(stub, [fashion()])
    monkeypatch.setattr(aws, "build_clients", lambda region: aws.Clients(sagemaker, None))

    code = cli.main(["status", "--env", "dev", "--job", wanted])

    err = capsys.readouterr().err
    assert code == UsageError.exit_code == 2
    assert err.startswith(f"error: {message}") and err.count("\n") == 1


def test_watch_refreshes_until_every_job_is_settled(config: None) -> None:
    """Stopping is not settled: the watch goes on until Stopped. It never really sleeps."""
    sagemaker, stub = stubbed_sagemaker()
    for index, state in enumerate(("InProgress", "Stopping", "Stopped")):
        expect_jobs(stub, PREFIX, [[summary(FASHION, state)]])
        expect_describes(stub, [fashion(state)])
        if index == 0:
            expect_workteam(stub, TEAM, SUBDOMAIN)  # the portal is looked up once, not per refresh
    moments = iter([NOW, NOW + timedelta(seconds=10), NOW + timedelta(seconds=20)])
    slept: list[float] = []
    out = io.StringIO()

    code = status.run_status(
        status_args(watch=True, interval=10),
        clients=aws.Clients(sagemaker, None),
        out=out,
        sleep=slept.append,
        clock=lambda: next(moments),
    )

    stub.assert_no_pending_responses()
    text = out.getvalue()
    assert code == 0
    assert slept == [10.0, 10.0]
    assert [ln.split()[2] for ln in text.splitlines() if ln.startswith(f"fashion  {FASHION}")] == [
        "InProgress",
        "Stopping",
        "Stopped",
    ]
    assert text.count("Refreshing in 10 s") == 2
    assert text.rstrip().endswith("Every job is settled (Completed, Failed or Stopped).")


def test_watch_interval_must_be_sensible(config: None) -> None:
    with pytest.raises(UsageError, match=re.escape("--interval 0.5: must be at least 5 seconds")):
        status.run_status(status_args(watch=True, interval=0.5), clients=aws.Clients(None, None))


def test_no_credentials_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_credentials(monkeypatch)

    code = cli.main(["status", "--env", "dev"])

    captured = capsys.readouterr()
    assert code == NoCredentials.exit_code == 2
    assert captured.err.startswith("error: No AWS credentials found: python -m tools.results needs read")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == ""


def test_access_denied_is_one_line_and_exit_2(
    config: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sagemaker, stub = stubbed_sagemaker()
    stub.add_client_error("list_labeling_jobs", "AccessDeniedException", "not authorized: ListLabelingJobs")
    monkeypatch.setattr(aws, "build_clients", lambda region: aws.Clients(sagemaker, None))

    code = cli.main(["status", "--env", "dev"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: AWS denied ListLabelingJobs (AccessDeniedException: not authorized")
    assert err.count("\n") == 1


def test_a_team_that_cannot_be_described_does_not_hide_the_jobs(config: None) -> None:
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(FASHION)]])
    expect_describes(stub, [fashion()])
    stub.add_client_error("describe_workteam", "ResourceNotFound", "no such team")
    out = io.StringIO()

    status.run_status(status_args(), clients=aws.Clients(sagemaker, None), out=out, clock=lambda: NOW)

    assert f"workers: private team {TEAM}: portal URL unknown (ResourceNotFound)" in out.getvalue()


def test_vendor_team_and_a_job_without_our_tag(config: None) -> None:
    """A job without the job tag still finds its config job from its physical name."""
    sagemaker, stub = stubbed_sagemaker()
    expect_jobs(stub, PREFIX, [[summary(NUMBERS, "Failed")]])
    expect_describes(
        stub, [describe(NUMBERS, status="Failed", workteam_arn=VENDOR_ARN, failure_reason="ClientError: x")]
    )
    out = io.StringIO()

    status.run_status(status_args(), clients=aws.Clients(sagemaker, None), out=out, clock=lambda: NOW)

    lines = blocks(out.getvalue())[NUMBERS]
    assert lines[0].split()[:3] == ["numbers", NUMBERS, "Failed"]
    assert line(lines, "workers:").startswith(f"workers: vendor team {VENDOR_ARN} (AWS Marketplace)")
    assert line(lines, "failure reason:") == "failure reason: ClientError: x"


# --- pure functions -----------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["0.012", "0.036", "0.1", "0.84", "1.2", "2.999", "0"])
def test_usd_amount_is_the_inverse_of_price_to_usd_amount(price: str) -> None:
    assert usd_amount_to_price(price_to_usd_amount(price)) == Decimal(price)


def job(**values: Any) -> LabelingJob:
    defaults: dict[str, Any] = {
        "name": FASHION,
        "config_job": "fashion",
        "status": "InProgress",
        "created": NOW - timedelta(hours=1),
        "last_modified": NOW - timedelta(minutes=30),
        "counters": Counters(),
        "output_path": OUTPUT_PATH,
        "output_manifest": "",
        "workteam_arn": PRIVATE_TEAM_ARN,
        "workers_per_object": 1,
        "mturk_price": None,
    }
    return LabelingJob(**{**defaults, **values})


@pytest.mark.parametrize(("human", "machine"), [(0, 0), (2, 0), (3, 0), (2, 5), (40, 60)])
def test_fee_counts_human_and_machine_objects_and_mturk_only_for_humans(human: int, machine: int) -> None:
    tiers_ = tiers()
    counters = Counters(labeled=human + machine, human=human, machine=machine)
    private = job_fee(job(counters=counters), tiers_)
    assert private.ground_truth == cents(tiered_fee(human + machine, tiers_))
    assert private.mechanical_turk == 0

    public = job_fee(job(counters=counters, mturk_price=Decimal("0.024"), workers_per_object=5), tiers_)
    assert public.ground_truth == private.ground_truth
    assert public.mechanical_turk == cents(Decimal("0.024") * 5 * human)
    assert public.total == public.ground_truth + public.mechanical_turk


def test_elapsed_runs_until_now_or_until_settled() -> None:
    assert elapsed(job(status="InProgress"), NOW) == timedelta(hours=1)
    assert elapsed(job(status="Stopping"), NOW) == timedelta(hours=1)
    for settled in ("Completed", "Failed", "Stopped"):
        assert elapsed(job(status=settled), NOW) == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (59, "59 s"), (60, "1 min"), (3600 + 5 * 60, "1 h 05 min"), (3 * 86400 + 7200, "3 d 2 h")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(timedelta(seconds=seconds)) == text


def test_workteam_kinds() -> None:
    assert workteam_kind(PRIVATE_TEAM_ARN) == ("private", TEAM)
    assert workteam_kind(MTURK_ARN) == ("mturk", "")
    assert workteam_kind(VENDOR_ARN) == ("vendor", "")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"{PREFIX}-fashion-aaaa1111", "fashion"),
        (f"{PREFIX}-two-part-aaaa1111", "two-part"),
        (f"{PREFIX}-aaaa1111", "aaaa1111"),
    ],
)
def test_config_job_from_a_physical_name(name: str, expected: str) -> None:
    assert config_job_from_name(name, PREFIX) == expected


def test_listing_covers_every_status() -> None:
    assert listing_request(PREFIX) == {"NameContains": PREFIX, "MaxResults": 100}


def test_register_adds_both_commands_with_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="results")
    commands = parser.add_subparsers()
    status.register(commands)
    pull.register(commands)

    args = parser.parse_args(["status", "--env", "dev", "--job", "fashion", "--watch", "--interval", "10"])
    assert (args.func, args.env, args.job, args.watch, args.interval) == (
        status.run,
        "dev",
        "fashion",
        True,
        10.0,
    )
    args = parser.parse_args(["pull", "--env", "dev", "--max-sources", "5"])
    assert (args.func, args.job, args.to, args.max_sources) == (pull.run, None, None, 5)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["status", "--help"])
    assert exit_info.value.code == 0
    assert "--watch" in capsys.readouterr().out
