"""A monthly cost budget with actual and forecasted alerts (the walk-throughs' "set a budget alert")."""

from __future__ import annotations

from decimal import Decimal

from aws_cdk import aws_budgets as budgets
from constructs import Construct


class CostBudget(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        budget_name: str,
        monthly_limit_usd: Decimal,
        emails: list[str],
        actual_threshold_percent: int,
        forecast_threshold_percent: int,
    ) -> None:
        super().__init__(scope, construct_id)
        subscribers = [
            budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=e) for e in emails
        ]

        def alert(kind: str, threshold: int) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind,
                    comparison_operator="GREATER_THAN",
                    threshold=threshold,
                    threshold_type="PERCENTAGE",
                ),
                subscribers=subscribers,
            )

        # Account-wide: Ground Truth's per-object fees are not tagged with our stack's tags, so a
        # tag-filtered budget would miss the very charges a forgotten job runs up.
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=budget_name,
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=float(monthly_limit_usd), unit="USD"),
            ),
            notifications_with_subscribers=[
                alert("ACTUAL", actual_threshold_percent),
                alert("FORECASTED", forecast_threshold_percent),
            ],
        )
