"""A rough cost estimate for a job and for an environment's jobs together, following Ground Truth's
billing model (https://aws.amazon.com/sagemaker/groundtruth/pricing/): a fee per labeled object,
in tiers counted over the month's objects, plus the Mechanical Turk workers' pay.

The numbers are configuration, not facts: only the first tier ($0.08 per object) is confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import RuleViolation, Violation
from .spec import JobSpec, as_int
from .task_types import TASK_TYPES

# (up to this many objects in the month, USD per object); None = no upper bound. Only the first
# tier is confirmed (AWS's example notebooks); the later tiers are UNVERIFIED and belong in config.
DEFAULT_FEE_TIERS: list[tuple[int | None, Decimal]] = [(50_000, Decimal("0.08")), (None, Decimal("0.04"))]
FREE_TIER_OBJECTS_PER_MONTH = 500
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class CostEstimate:
    gt_fee: Decimal  # Ground Truth's per-object fee
    mturk_fee: Decimal  # price x workers x objects, public workforce only
    total: Decimal
    notes: tuple[str, ...]
    billed_objects: int = 0  # the objects the fee is paid for (stopping conditions applied)


def price_to_usd_amount(price: str) -> dict[str, int]:
    """`"0.036"` -> `{"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_USD.html)."""
    try:
        amount = Decimal(str(price).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    tenths = amount * 1000 if amount.is_finite() else Decimal("NaN")
    if not tenths.is_finite() or tenths != tenths.to_integral_value() or not 0 <= amount < 3:
        raise RuleViolation(
            [
                Violation(
                    "workforce.price_usd",
                    price,
                    "the price must be a dollar amount from 0 to 2.999 with at most 3 decimals, e.g. 0.036",
                )
            ]
        )
    total = int(tenths)
    return {"Dollars": total // 1000, "Cents": total // 10 % 100, "TenthFractionsOfACent": total % 10}


def tiered_fee(object_count: int, tiers: list[tuple[int | None, Decimal]]) -> Decimal:
    """Fee for `object_count` objects where each tier's bound is a running total."""
    fee = Decimal(0)
    done = 0
    for bound, unit in tiers:
        upto = object_count if bound is None else min(object_count, bound)
        if upto > done:
            fee += (upto - done) * unit
            done = upto
        if done >= object_count:
            break
    if done < object_count:
        raise ValueError("the last fee tier must have no upper bound (None)")
    return fee


def _billed_objects(spec: JobSpec, object_count: int) -> tuple[int, list[str]]:
    notes: list[str] = []
    count = object_count
    stopping = spec.get("stopping") or {}
    if stopping.get("max_human_labeled_object_count") is not None:
        cap = as_int(stopping["max_human_labeled_object_count"])
        if cap < count:
            count = cap
            notes.append(f"the job stops after {cap} human-labeled objects")
    if stopping.get("max_percentage_of_input_dataset_labeled") is not None:
        percent = as_int(stopping["max_percentage_of_input_dataset_labeled"])
        cap = object_count * percent // 100
        if cap < count:
            count = cap
            notes.append(f"the job stops after {percent}% of the objects are labeled")
    return count, notes


def estimate_job_cost(
    spec: JobSpec, object_count: int, tiers: list[tuple[int | None, Decimal]] = DEFAULT_FEE_TIERS
) -> CostEstimate:
    """Upper-bound estimate: every billed object is assumed to be labeled by humans."""
    count, notes = _billed_objects(spec, max(0, object_count))
    gt_fee = tiered_fee(count, tiers)
    mturk_fee = Decimal(0)
    workforce = spec.get("workforce") or {}
    kind = workforce.get("kind", "private")
    task_type = TASK_TYPES.get(str(spec.get("task_type", "")))
    workers = as_int(spec.get("workers_per_object", task_type.default_workers_per_object if task_type else 1))
    if kind == "mturk":
        price = Decimal(str(workforce.get("price_usd", "0")))
        mturk_fee = price * workers * count
        notes.append(f"Mechanical Turk: ${price} x {workers} workers x {count} objects")
    elif kind == "vendor":
        notes.append("vendor workforce: the per-object price is set by the vendor and is not included")
    else:
        notes.append("private workforce: no per-object workforce charge")
    if str(spec.get("automated_labeling", "false")).lower() == "true":
        notes.append(
            "automated labeling: training and inference instance hours are billed on top; "
            "machine-labeled objects pay the Ground Truth fee but no workforce fee"
        )
    notes.append(
        f"free tier: the first {FREE_TIER_OBJECTS_PER_MONTH} objects per month are free for the first "
        "two months of SageMaker use (not the workforce fees); fee tiers count the whole month's objects"
    )
    gt_fee, mturk_fee = gt_fee.quantize(_CENT), mturk_fee.quantize(_CENT)
    return CostEstimate(
        gt_fee=gt_fee, mturk_fee=mturk_fee, total=gt_fee + mturk_fee, notes=tuple(notes), billed_objects=count
    )


@dataclass(frozen=True)
class EnvironmentCost:
    objects: int  # billed objects of every job
    gt_fee: Decimal
    mturk_fee: Decimal
    total: Decimal


def estimate_environment_cost(
    estimates: Sequence[CostEstimate], tiers: list[tuple[int | None, Decimal]] = DEFAULT_FEE_TIERS
) -> EnvironmentCost:
    """The jobs together in one month: the fee tiers count all their objects at once (so the total
    can be below the sum of the jobs' own estimates, each of which starts at the first tier)."""
    objects = sum(estimate.billed_objects for estimate in estimates)
    gt_fee = tiered_fee(objects, tiers).quantize(_CENT)
    mturk_fee = sum((estimate.mturk_fee for estimate in estimates), Decimal(0)).quantize(_CENT)
    return EnvironmentCost(objects=objects, gt_fee=gt_fee, mturk_fee=mturk_fee, total=gt_fee + mturk_fee)
