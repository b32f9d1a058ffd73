"""Teardown: nothing of a dev lab bills while idle or survives `cdk destroy`; prod keeps its data."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk

from .conftest import Synthesized
from .idle_cost import fixed_price_resources


def all_resources(result: Synthesized) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        f"{component}/{logical_id}": (resource["Type"], resource)
        for component, template in result.templates.items()
        for logical_id, resource in template["Resources"].items()
    }


def test_default_dev_has_no_resource_with_a_fixed_monthly_price(dev: Synthesized) -> None:
    found = {component: fixed_price_resources(template) for component, template in dev.templates.items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_idle_cost_walk_catches_a_fixed_price_resource(prod: Synthesized) -> None:
    """prod's customer-managed key costs $1/month: the same walk must flag it."""
    flagged = fixed_price_resources(prod.templates["storage"])
    assert [f.type for f in flagged] == ["AWS::KMS::Key"]


def test_dev_deletes_every_resource_on_destroy(dev: Synthesized) -> None:
    kept = {
        name: (kind, resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
        for name, (kind, resource) in all_resources(dev).items()
        if resource.get("DeletionPolicy", "Delete") != "Delete"
        or resource.get("UpdateReplacePolicy", "Delete") != "Delete"
        # CloudFormation's default for these is Delete unless CDK says otherwise.
    }
    assert kept == {}


def test_prod_retains_exactly_its_data_buckets_user_pool_and_key(prod: Synthesized) -> None:
    retained = sorted(
        kind for kind, resource in all_resources(prod).values() if resource.get("DeletionPolicy") == "Retain"
    )
    assert retained == [
        "AWS::Cognito::UserPool",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
        "AWS::S3::Bucket",
        "AWS::S3::Bucket",
    ]


def test_every_log_group_goes_with_its_stack_and_every_function_of_ours_has_one(dev: Synthesized) -> None:
    for name, (kind, resource) in all_resources(dev).items():
        if kind == "AWS::Logs::LogGroup":
            assert resource["DeletionPolicy"] == "Delete", name
            assert resource["Properties"].get("RetentionInDays"), name
        if kind == "AWS::Lambda::Function":
            has_log_group = "LogGroup" in resource["Properties"].get("LoggingConfig", {})
            # CDK's S3 auto-delete provider has no log-group setting; the README lists its log group
            # among what remains after a destroy.
            is_auto_delete_provider = "AutoDeleteObjects" in name
            assert has_log_group or is_auto_delete_provider, name


def test_destroy_order_teardown_then_labeling_then_workforce(dev: Synthesized) -> None:
    def depends(stack: cdk.Stack) -> set[str]:
        return {dependency.stack_name for dependency in stack.dependencies}

    stacks = dev.stacks
    assert depends(stacks.teardown) == {"gtlab-dev-labeling", "gtlab-dev-workforce", "gtlab-dev-storage"}
    assert depends(stacks.labeling) == {"gtlab-dev-workforce", "gtlab-dev-storage"}
    assert "gtlab-dev-teardown" not in depends(stacks.workforce) | depends(stacks.storage)


def test_budget_has_actual_and_forecasted_alerts_to_the_configured_emails(dev: Synthesized) -> None:
    (budget,) = dev.resources("teardown", "AWS::Budgets::Budget").values()
    props = budget["Properties"]
    assert props["Budget"]["BudgetLimit"] == {"Amount": 5, "Unit": "USD"}
    assert props["Budget"]["TimeUnit"] == "MONTHLY" and props["Budget"]["BudgetType"] == "COST"
    alerts = {n["Notification"]["NotificationType"]: n for n in props["NotificationsWithSubscribers"]}
    assert alerts["ACTUAL"]["Notification"]["Threshold"] == 80
    assert alerts["FORECASTED"]["Notification"]["Threshold"] == 100
    assert alerts["ACTUAL"]["Subscribers"] == [{"Address": "owner@example.com", "SubscriptionType": "EMAIL"}]


def test_reaper_is_on_in_dev_and_off_in_prod(dev: Synthesized, prod: Synthesized) -> None:
    (rule,) = dev.resources("teardown", "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "rate(6 hours)"
    reaper = [
        r
        for r in dev.resources("teardown", "AWS::Lambda::Function").values()
        if "NAME_PREFIX" in r["Properties"].get("Environment", {}).get("Variables", {})
    ]
    (variables,) = [r["Properties"]["Environment"]["Variables"] for r in reaper]
    assert variables["NAME_PREFIX"] == "gtlab-dev" and variables["TTL_HOURS"] == "72"
    assert variables["DRY_RUN"] == "false"
    assert not prod.resources("teardown", "AWS::Events::Rule")


def test_cleanup_runs_on_destroy_and_may_delete_only_our_leftovers(dev: Synthesized) -> None:
    (cleanup,) = dev.resources("teardown", "Custom::GroundTruthLeftoverCleanup").values()
    assert cleanup["Properties"]["NamePrefix"] == "gtlab-dev"
    statements = [
        s
        for policy in dev.resources("teardown", "AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    deletes = {
        s["Action"]: json.dumps(s["Resource"])
        for s in statements
        if s["Action"] in ("sqs:DeleteQueue", "logs:DeleteLogStream")
    }
    assert "GroundTruth-gtlab-dev-*" in deletes["sqs:DeleteQueue"]
    assert "/aws/sagemaker/LabelingJobs:log-stream:gtlab-dev-*" in deletes["logs:DeleteLogStream"]
