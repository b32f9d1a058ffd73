"""Security properties as checks over synthesized templates.

Each check raises AssertionError naming what is wrong. Tests run every check against the real
templates (it holds) and against a deliberately broken variant (it is caught).
"""

from __future__ import annotations

from typing import Any

Template = dict[str, Any]


def _resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template.get("Resources", {}).items() if v["Type"] == resource_type}


def _ref_id(value: Any) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
    return None


def _statements(policy_document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy_document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _denies_insecure_transport(statements: list[dict[str, Any]]) -> bool:
    return any(
        s.get("Effect") == "Deny"
        and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
        and s.get("Principal") in ({"AWS": "*"}, "*")
        for s in statements
    )


def assert_buckets_tls_only(template: Template) -> None:
    """Every bucket has a bucket policy denying requests without TLS."""
    policies = _resources(template, "AWS::S3::BucketPolicy")
    covered = {
        _ref_id(p["Properties"]["Bucket"])
        for p in policies.values()
        if _denies_insecure_transport(_statements(p["Properties"]["PolicyDocument"]))
    }
    missing = set(_resources(template, "AWS::S3::Bucket")) - covered
    assert not missing, f"buckets without a TLS-only policy: {sorted(missing)}"


def assert_buckets_block_public_access(template: Template) -> None:
    flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    for logical_id, bucket in _resources(template, "AWS::S3::Bucket").items():
        config = bucket["Properties"].get("PublicAccessBlockConfiguration", {})
        off = [flag for flag in flags if config.get(flag) is not True]
        assert not off, f"{logical_id}: Block Public Access not fully on ({off})"


def assert_buckets_encrypted(template: Template, *, kms_key: bool) -> None:
    """SSE-S3 everywhere, or (kms_key) SSE-KMS with a key on every bucket except the log bucket."""
    for logical_id, bucket in _resources(template, "AWS::S3::Bucket").items():
        rules = bucket["Properties"].get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        assert rules, f"{logical_id}: no default encryption"
        default = rules[0]["ServerSideEncryptionByDefault"]
        is_log_bucket = "AccessLogs" in logical_id
        if kms_key and not is_log_bucket:
            assert default["SSEAlgorithm"] == "aws:kms" and default.get("KMSMasterKeyID"), (
                f"{logical_id}: expected SSE-KMS with the customer key, got {default}"
            )
        else:
            assert default["SSEAlgorithm"] == "AES256", f"{logical_id}: expected SSE-S3, got {default}"


def assert_topics_tls_only(template: Template) -> None:
    covered: set[str] = set()
    for policy in _resources(template, "AWS::SNS::TopicPolicy").values():
        if _denies_insecure_transport(_statements(policy["Properties"]["PolicyDocument"])):
            covered |= {str(_ref_id(topic)) for topic in policy["Properties"]["Topics"]}
    missing = set(_resources(template, "AWS::SNS::Topic")) - covered
    assert not missing, f"topics without a TLS-only policy: {sorted(missing)}"


def assert_service_publish_is_conditioned(template: Template, service: str) -> None:
    """A service principal may publish only for our account and matching source ARNs
    (docs/ground-truth.md#notifications)."""
    found = 0
    for logical_id, policy in _resources(template, "AWS::SNS::TopicPolicy").items():
        for statement in _statements(policy["Properties"]["PolicyDocument"]):
            if statement.get("Principal") != {"Service": service} or statement.get("Effect") != "Allow":
                continue
            found += 1
            conditions = statement.get("Condition", {})
            assert "aws:SourceAccount" in conditions.get("StringEquals", {}), (
                f"{logical_id}: no aws:SourceAccount"
            )
            assert "aws:SourceArn" in conditions.get("ArnLike", {}), f"{logical_id}: no aws:SourceArn"
            assert _as_list(statement["Action"]) == ["sns:Publish"], (
                f"{logical_id}: {service} may do more than publish"
            )
    assert found, f"no topic lets {service} publish"


def assert_no_s3_action_on_any_resource(template: Template) -> None:
    """No IAM policy grants an S3 action on Resource '*'."""
    for logical_id, policy in _resources(template, "AWS::IAM::Policy").items():
        for statement in _statements(policy["Properties"]["PolicyDocument"]):
            actions = [
                a for a in _as_list(statement.get("Action", [])) if str(a).startswith("s3:") or a == "*"
            ]
            if actions and statement.get("Effect") == "Allow":
                assert "*" not in _as_list(statement.get("Resource")), (
                    f"{logical_id}: {actions} on Resource '*'"
                )


def assert_role_trusts_only(template: Template, role_logical_id: str, service: str) -> None:
    role = template["Resources"][role_logical_id]["Properties"]
    principals = [s.get("Principal") for s in _statements(role["AssumeRolePolicyDocument"])]
    assert principals == [{"Service": service}], f"{role_logical_id} trusts {principals}"
    managed = [str(arn) for arn in role.get("ManagedPolicyArns", [])]
    assert not managed, f"{role_logical_id} has managed policies {managed}"


def assert_admin_only_sign_up(template: Template) -> None:
    pools = _resources(template, "AWS::Cognito::UserPool")
    assert pools, "no user pool"
    for logical_id, pool in pools.items():
        props = pool["Properties"]
        assert props.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly") is True, (
            f"{logical_id}: self sign-up is enabled"
        )
        assert props.get("MfaConfiguration") == "ON", f"{logical_id}: MFA is not required"


def assert_no_plaintext_secret(template_text: str, secret_value: str) -> None:
    assert secret_value not in template_text, "a secret appears in plain text in the template"
    assert "{{resolve:secretsmanager:" in template_text, "no Secrets Manager dynamic reference"


def _allow_statements(template: Template) -> list[dict[str, Any]]:
    return [
        statement
        for policy in _resources(template, "AWS::IAM::Policy").values()
        for statement in _statements(policy["Properties"]["PolicyDocument"])
        if statement.get("Effect") == "Allow"
    ]


def assert_job_creation_limited_to(template: Template, workteams: list[Any]) -> None:
    """Every grant of sagemaker:CreateLabelingJob names exactly these work teams
    (sagemaker:WorkteamArn) and no other action, so no job can go to another team."""
    creates = [
        s for s in _allow_statements(template) if "sagemaker:CreateLabelingJob" in _as_list(s["Action"])
    ]
    assert creates, "nothing may create labeling jobs"
    for statement in creates:
        assert _as_list(statement["Action"]) == ["sagemaker:CreateLabelingJob"], (
            f"the work-team condition also applies to {statement['Action']}"
        )
        allowed = statement.get("Condition", {}).get("ArnEquals", {}).get("sagemaker:WorkteamArn")
        assert allowed is not None, "CreateLabelingJob without a sagemaker:WorkteamArn condition"
        assert sorted(map(str, _as_list(allowed))) == sorted(map(str, workteams)), (
            f"CreateLabelingJob allowed for {allowed}, expected {workteams}"
        )


def assert_invokes_exactly(template: Template, functions: list[str]) -> None:
    """lambda:InvokeFunction is granted on exactly these function ARNs (none: no grant at all)."""
    invoked = sorted(
        str(resource)
        for statement in _allow_statements(template)
        if any(str(a).startswith("lambda:") or a == "*" for a in _as_list(statement["Action"]))
        for resource in _as_list(statement["Resource"])
    )
    assert invoked == sorted(functions), f"lambda:InvokeFunction on {invoked}, expected {sorted(functions)}"
