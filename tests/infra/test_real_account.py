"""What a real account needs that a template can show: over an environment with every kind of job
(tests/every_kind.py), the grants, conditions, timeouts and dead-letter queue are exact."""

from __future__ import annotations

import json
from typing import Any

from gt_rules.handler_keys import ResourceTypes
from gt_rules.task_types import public_workteam_arn
from tests.every_kind import ACS_LAMBDA, PRE_LAMBDA, REGION, VENDOR_WORKTEAM

from .conftest import Synthesized

FRAMEWORK_LIMIT_SECONDS = 15 * 60  # the CDK Provider framework's own Lambda


def statements(result: Synthesized, component: str) -> list[tuple[str, dict[str, Any]]]:
    """(role logical id, statement) of every inline policy of a stack."""
    found = []
    for policy in result.resources(component, "AWS::IAM::Policy").values():
        for role in policy["Properties"].get("Roles", []):
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                found.append((role["Ref"], statement))
    return found


def actions(statement: dict[str, Any]) -> list[str]:
    value = statement["Action"]
    return value if isinstance(value, list) else [value]


def test_create_is_allowed_for_exactly_the_work_teams_the_jobs_use(every_kind: Synthesized) -> None:
    creates = [
        s for _, s in statements(every_kind, "labeling") if "sagemaker:CreateLabelingJob" in actions(s)
    ]
    (create,) = creates
    assert actions(create) == ["sagemaker:CreateLabelingJob"]  # the condition holds for this action alone
    allowed = create["Condition"]["ArnEquals"]["sagemaker:WorkteamArn"]
    assert isinstance(allowed, list) and len(allowed) == 3
    (private,) = [arn for arn in allowed if not isinstance(arn, str)]
    assert set(private) == {"Fn::ImportValue"}  # the private team's ARN, from the workforce stack
    assert "superlabelers" in json.dumps(private)
    literals = sorted(arn for arn in allowed if isinstance(arn, str))
    assert literals == sorted([VENDOR_WORKTEAM, public_workteam_arn(REGION)])


def test_the_public_crowd_is_allowed_only_when_a_mechanical_turk_job_is_configured(dev: Synthesized) -> None:
    (create,) = [s for _, s in statements(dev, "labeling") if "sagemaker:CreateLabelingJob" in actions(s)]
    allowed = create["Condition"]["ArnEquals"]["sagemaker:WorkteamArn"]
    assert "public-crowd" not in json.dumps(allowed)
    assert len(allowed) == 1  # dev's one private team


def test_each_job_function_holds_only_what_it_calls(every_kind: Synthesized) -> None:
    by_role: dict[str, set[str]] = {}
    for role, statement in statements(every_kind, "labeling"):
        by_role.setdefault(role, set()).update(actions(statement))
    (is_complete,) = [role for role in by_role if role.startswith("LabelingJobsHandlersIsComplete")]
    (on_event,) = [role for role in by_role if role.startswith("LabelingJobsHandlersOnEvent")]
    sagemaker = {a for a in by_role[is_complete] if not a.startswith("logs:")}
    assert sagemaker == {"sagemaker:DescribeLabelingJob"}
    assert {
        "sagemaker:CreateLabelingJob",
        "sagemaker:DescribeLabelingJob",
        "sagemaker:StopLabelingJob",
        "sagemaker:AddTags",
        "iam:PassRole",
        "s3:PutObject",
    } <= by_role[on_event]


def test_execution_role_may_invoke_exactly_the_custom_task_functions(every_kind: Synthesized) -> None:
    invokes = [s for _, s in statements(every_kind, "storage") if "lambda:InvokeFunction" in actions(s)]
    (invoke,) = invokes
    assert invoke["Resource"] == sorted([PRE_LAMBDA, ACS_LAMBDA])


def test_without_custom_jobs_the_execution_role_invokes_nothing(dev: Synthesized) -> None:
    assert not [s for _, s in statements(dev, "storage") if any(a.startswith("lambda:") for a in actions(s))]


def test_execution_role_trust_is_limited_to_sagemaker_for_this_account(every_kind: Synthesized) -> None:
    roles = every_kind.resources("storage", "AWS::IAM::Role")
    (role,) = [r for r in roles.values() if r["Properties"].get("RoleName") == "gtlab-dev-gt-execution"]
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"]["StringEqualsIfExists"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source_arn = json.dumps(trust["Condition"]["ArnLikeIfExists"]["aws:SourceArn"])
    assert ":sagemaker:" in source_arn and "AWS::AccountId" in source_arn


def test_chained_job_reads_the_output_of_the_job_declared_after_it(every_kind: Synthesized) -> None:
    jobs = every_kind.resources("labeling", ResourceTypes.LABELING_JOB)
    by_name = {json.loads(r["Properties"]["SpecJson"])["name"]: (lid, r) for lid, r in jobs.items()}
    verify_context = by_name["verify"][1]["Properties"]["Context"]
    assert verify_context["manifest_uri"] == {"Fn::GetAtt": [by_name["boxes"][0], "OutputManifestUri"]}


def test_every_function_the_framework_calls_answers_well_within_its_limit(every_kind: Synthesized) -> None:
    for component in ("workforce", "labeling", "teardown"):
        for logical_id, function in every_kind.resources(component, "AWS::Lambda::Function").items():
            timeout = function["Properties"].get("Timeout", 3)
            if "Providerframework" in logical_id or "framework" in logical_id.lower():
                continue  # the framework's own functions
            assert timeout <= FRAMEWORK_LIMIT_SECONDS * 2 // 3, f"{component}/{logical_id}: {timeout} s"


def test_every_custom_resource_has_a_service_timeout(every_kind: Synthesized) -> None:
    found = 0
    for component in ("workforce", "labeling", "teardown"):
        for logical_id, resource in every_kind.templates[component]["Resources"].items():
            if not resource["Type"].startswith("Custom::"):
                continue
            found += 1
            timeout = resource["Properties"].get("ServiceTimeout")
            assert timeout is not None, f"{component}/{logical_id} waits up to an hour when nobody answers"
            assert int(timeout) <= 3600
    assert found >= 8


def test_invitation_trigger_fits_cognitos_five_seconds(every_kind: Synthesized) -> None:
    functions = every_kind.resources("workforce", "AWS::Lambda::Function")
    (invite,) = [f for lid, f in functions.items() if lid.startswith("WorkersInviteMessage")]
    assert invite["Properties"]["Timeout"] <= 5


def test_job_state_events_have_a_dead_letter_queue_and_a_retry_policy(every_kind: Synthesized) -> None:
    (rule,) = every_kind.resources("labeling", "AWS::Events::Rule").values()
    (target,) = rule["Properties"]["Targets"]
    queues = every_kind.resources("labeling", "AWS::SQS::Queue")
    (queue_id,) = queues
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] >= 3600
    functions = every_kind.resources("labeling", "AWS::Lambda::Function")
    (notifier,) = [f for lid, f in functions.items() if lid.startswith("JobNotificationsNotifier")]
    assert notifier["Properties"]["DeadLetterConfig"]["TargetArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    policies = every_kind.resources("labeling", "AWS::SQS::QueuePolicy")
    sends = [
        s
        for p in policies.values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert sends and all(s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in sends)


def test_prod_keeps_input_object_versions(prod: Synthesized, dev: Synthesized) -> None:
    def versioning(result: Synthesized) -> str | None:
        (bucket,) = [
            b
            for lid, b in result.resources("storage", "AWS::S3::Bucket").items()
            if lid.startswith("BucketsInput")
        ]
        return bucket["Properties"].get("VersioningConfiguration", {}).get("Status")

    assert versioning(prod) == "Enabled"
    assert versioning(dev) is None


def test_synth_carries_exactly_the_specs_plan_shows(every_kind: Synthesized) -> None:
    jobs = every_kind.resources("labeling", ResourceTypes.LABELING_JOB)
    carried = {
        json.loads(r["Properties"]["SpecJson"])["name"]: json.loads(r["Properties"]["SpecJson"])
        for r in jobs.values()
    }
    assert carried == every_kind.config.job_specs


def test_a_job_bringing_its_own_manifest_may_read_that_bucket(every_kind: Synthesized) -> None:
    reads = {
        str(resource)
        for _, statement in statements(every_kind, "storage")
        if statement.get("Sid") == "ReadManifestBuckets"
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    }
    assert any("my-video-data/*" in r for r in reads)


def test_without_manifest_jobs_no_other_bucket_is_readable(dev: Synthesized) -> None:
    assert not [s for _, s in statements(dev, "storage") if s.get("Sid") == "ReadManifestBuckets"]
