"""Rough monthly costs of what an environment leaves in the account, and which resource types bill
a fixed monthly price whatever the usage.

Numbers are USD list prices in us-east-1 (on-demand, 730 hours a month), as published in 2026;
other Regions differ and prices change. They are meant to spot expensive leftovers, not to budget.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICING_NOTE = "rough us-east-1 list prices in USD per month; other Regions differ"
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class MonthlyCost:
    """What one resource of a kind costs per month.

    `fixed_usd` is charged whatever the usage (None: the price depends only on usage, see `note`);
    `per_gb_usd` is added per GB-month stored.
    """

    kind: str
    fixed_usd: float | None
    per_gb_usd: float = 0.0
    note: str = ""


MONTHLY_COSTS: dict[str, MonthlyCost] = {
    c.kind: c
    for c in (
        MonthlyCost("s3_bucket", 0.0, 0.023, "0.023 per GB-month stored (Standard); an empty bucket ~0"),
        MonthlyCost(
            "kms_key",
            1.00,
            0.0,
            "1.00 per customer key (+1.00 per rotation, first two); 0 once scheduled for deletion",
        ),
        MonthlyCost("cognito_user_pool", 0.0, 0.0, "Lite/Essentials: first 10,000 MAU free; ~0 for a lab"),
        MonthlyCost("sns_topic", 0.0, 0.0, "no charge for a topic; deliveries are per request"),
        MonthlyCost("sqs_queue", 0.0, 0.0, "no charge while idle; requests beyond the free 1M"),
        MonthlyCost("log_group", 0.0, 0.03, "0.03 per GB-month stored (ingestion 0.50/GB extra)"),
        MonthlyCost("log_stream", 0.0, 0.0, "storage billed with its log group"),
        MonthlyCost(
            "labeling_job", None, 0.0, "per labeled object (0.08 first tier) + workforce fees: see pricing"
        ),
        MonthlyCost("lambda_function", 0.0, 0.0, "no charge while idle"),
        MonthlyCost("eventbridge_rule", 0.0, 0.0, "no charge for rules on AWS service events or schedules"),
        MonthlyCost("budget", 0.0, 0.0, "first two budgets free; more are charged per day"),
        MonthlyCost("secret", 0.40, 0.0, "0.40 per secret (+ API calls)"),
        MonthlyCost("nat_gateway", 0.045 * HOURS_PER_MONTH, 0.0, "0.045 per hour (+0.045 per GB processed)"),
        MonthlyCost(
            "interface_endpoint",
            0.01 * HOURS_PER_MONTH,
            0.0,
            "0.01 per hour per Availability Zone (+ per GB)",
        ),
        MonthlyCost("cloudwatch_alarm", 0.10, 0.0, "0.10 per standard alarm beyond the free 10"),
        MonthlyCost("cloudwatch_dashboard", 3.00, 0.0, "3.00 per dashboard beyond the free 3"),
        MonthlyCost("workteam", 0.0, 0.0, "no charge for a work team"),
        MonthlyCost("other", None, 0.0, "price not in our table"),
    )
}


def monthly_cost(kind: str, *, stored_gb: float = 0.0) -> float | None:
    """Rough monthly USD for one resource of `kind`; None when it depends only on usage.

    Raises KeyError for an unknown kind, so a typo cannot silently read as free.
    """
    cost = MONTHLY_COSTS[kind]
    if cost.fixed_usd is None:
        return None
    return round(cost.fixed_usd + cost.per_gb_usd * max(stored_gb, 0.0), 2)


def cost_note(kind: str) -> str:
    return MONTHLY_COSTS[kind].note
