"""Cost estimate: per-object fee tiers, MTurk price x workers x objects, and the notes.

Source: docs/ground-truth.md#pricing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gt_rules.errors import RuleViolation
from gt_rules.pricing import (
    DEFAULT_FEE_TIERS,
    estimate_environment_cost,
    estimate_job_cost,
    price_to_usd_amount,
    tiered_fee,
)
from gt_rules.spec import JobSpec


@pytest.mark.parametrize(
    ("price", "dollars", "cents", "tenths"),
    [
        ("0.012", 0, 1, 2),
        ("0.036", 0, 3, 6),  # EX object detection notebook
        ("0.84", 0, 84, 0),
        ("1.200", 1, 20, 0),
        ("2.999", 2, 99, 9),
        ("0", 0, 0, 0),
    ],
)
def test_price_to_usd_amount(price: str, dollars: int, cents: int, tenths: int) -> None:
    assert price_to_usd_amount(price) == {"Dollars": dollars, "Cents": cents, "TenthFractionsOfACent": tenths}


@pytest.mark.parametrize("price", ["0.0125", "3", "-0.012", "abc", "NaN", "Infinity", ""])
def test_price_that_cannot_be_encoded(price: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        price_to_usd_amount(price)
    (violation,) = caught.value.violations
    assert violation.field == "workforce.price_usd" and violation.value == price


@pytest.mark.parametrize(
    ("count", "fee"),
    [(0, "0"), (20, "1.60"), (50_000, "4000.00"), (60_000, "4400.00")],
)
def test_tiered_fee(count: int, fee: str) -> None:
    assert tiered_fee(count, DEFAULT_FEE_TIERS) == Decimal(fee)


def test_tiers_must_end_unbounded() -> None:
    with pytest.raises(ValueError, match="no upper bound"):
        tiered_fee(20, [(10, Decimal("0.08"))])


MTURK_SPEC = {"kind": "mturk", "price_usd": "0.036"}


def spec(**extra: object) -> JobSpec:
    base: dict[str, object] = {"name": "fashion", "task_type": "image_classification"}
    base.update(extra)
    return base  # type: ignore[return-value]


def test_fashion_private_job() -> None:
    estimate = estimate_job_cost(spec(workforce={"kind": "private", "team": "t"}, workers_per_object=1), 20)
    assert (estimate.gt_fee, estimate.mturk_fee, estimate.total) == (
        Decimal("1.60"),
        Decimal(0),
        Decimal("1.60"),
    )
    assert any("no per-object workforce charge" in n for n in estimate.notes)
    assert any("first 500 objects" in n for n in estimate.notes)


def test_mturk_matches_the_aws_notebooks() -> None:
    """`$0.08 + 5 * $0.036 = $0.26` per object (bounding box, 5 workers)."""
    job = spec(
        task_type="bounding_box", workforce={"kind": "mturk", "price_usd": "0.036"}, workers_per_object=5
    )
    estimate = estimate_job_cost(job, 100)
    assert estimate.gt_fee == Decimal("8.00")
    assert estimate.mturk_fee == Decimal("18.00")
    assert estimate.total == Decimal("26.00")
    # `$0.08 + 3 * $0.012 = $0.116` (image classification, default 3 workers)
    default_workers = estimate_job_cost(spec(workforce={"kind": "mturk", "price_usd": "0.012"}), 1000)
    assert default_workers.total == Decimal("116.00")


def test_vendor_and_automated_labeling_notes() -> None:
    estimate = estimate_job_cost(
        spec(workforce={"kind": "vendor", "workteam_arn": "arn"}, automated_labeling=True), 2000
    )
    assert estimate.mturk_fee == 0
    assert any("set by the vendor" in n for n in estimate.notes)
    assert any("instance hours" in n for n in estimate.notes)


def test_stopping_conditions_cap_the_billed_objects() -> None:
    capped = estimate_job_cost(spec(stopping={"max_human_labeled_object_count": "10"}), 100)
    assert capped.gt_fee == Decimal("0.80")
    half = estimate_job_cost(spec(stopping={"max_percentage_of_input_dataset_labeled": 50}), 100)
    assert half.gt_fee == Decimal("4.00")
    assert any("50%" in n for n in half.notes)


def test_custom_tiers_from_config() -> None:
    tiers = [(10, Decimal("1")), (None, Decimal("0.5"))]
    assert estimate_job_cost(spec(), 30, tiers).gt_fee == Decimal("20.00")


def test_the_environment_total_counts_every_jobs_objects_in_one_set_of_tiers() -> None:
    tiers = [(10, Decimal("1")), (None, Decimal("0.5"))]
    jobs = [estimate_job_cost(spec(), 8, tiers), estimate_job_cost(spec(workforce=MTURK_SPEC), 8, tiers)]
    assert [job.billed_objects for job in jobs] == [8, 8]
    total = estimate_environment_cost(jobs, tiers)
    # 16 objects: 10 at $1 and 6 at $0.50, where the two jobs alone would each pay $8.
    assert total.objects == 16 and total.gt_fee == Decimal("13.00")
    assert total.gt_fee < sum(job.gt_fee for job in jobs)
    assert total.mturk_fee == jobs[1].mturk_fee > 0
    assert total.total == total.gt_fee + total.mturk_fee


def test_the_billed_objects_follow_the_stopping_conditions() -> None:
    capped = estimate_job_cost(spec(stopping={"max_human_labeled_object_count": 10}), 100)
    assert capped.billed_objects == 10
    assert estimate_environment_cost([capped]).objects == 10
