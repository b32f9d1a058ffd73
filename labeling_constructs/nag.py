"""cdk-nag acknowledgements: each names the exact finding and says why it is acceptable.

Each construct acknowledges the findings it causes itself, next to the resource and the decision
(a wildcard grant and its reason are one call: `acknowledge_wildcards`); stacks acknowledge nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    """`finding` is exact, e.g. `AwsSolutions-IAM5[Action::s3:GetObject*]`: a bare rule id such as
    `AwsSolutions-IAM5` matches nothing for IAM4/IAM5 in cdk-nag 3 (cdklabs/cdk-nag #2351)."""
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=finding, reason=reason))


LAMBDA_BASIC_EXECUTION = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]"
)
LAMBDA_BASIC_EXECUTION_REASON = (
    "CDK's own framework function (not ours, which use a role scoped to their log group) uses the AWS "
    "managed basic execution policy: CreateLogGroup/CreateLogStream/PutLogEvents only."
)


LIST_ONLY_REASON = (
    "ListLabelingJobs/ListQueues take no resource-level permission; the handler keeps only this "
    "environment's names (exact <project>-<env>- prefix)."
)


def flatten_reference(node: Any) -> str:
    """The string cdk-nag shows for a resolved CloudFormation value (cdk-nag's flattenCfnReference).

    IAM4/IAM5 findings name resources this way, e.g. `<Bucket.Arn>/*`; computing it from the value
    keeps acknowledgements exact without pasting generated logical ids into the code.
    """
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return delimiter.join(flatten_reference(item) for item in items)
        if "Fn::Sub" in node:
            return flatten_reference(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in node:
            return flatten_reference(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{flatten_reference(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))


def acknowledge_wildcards(scope: IConstruct, resources: Iterable[str], reason: str | None) -> None:
    """Acknowledge AwsSolutions-IAM5 for each wildcard among `resources`, granted in `scope` (a role
    or the construct that holds it). A wildcard without a reason is a programming error."""
    stack = cdk.Stack.of(scope)
    for resource in resources:
        rendered = flatten_reference(stack.resolve(resource))
        if "*" not in rendered:
            continue
        if not reason:
            raise ValueError(f"{scope.node.path}: the wildcard grant on {rendered} needs a reason")
        acknowledge(scope, f"AwsSolutions-IAM5[Resource::{rendered}]", reason)


def acknowledge_framework_policy(policy: IConstruct, reason: str) -> None:
    """Acknowledge every IAM5 wildcard (actions and resources) of a policy that a CDK framework
    construct writes for its own function (BucketDeployment, Provider, AwsCustomResource).

    Only for policies we do not author: their grants are CDK's, and the reason says why we accept them.
    """
    stack = cdk.Stack.of(policy)
    document = stack.resolve(policy.document.to_json())
    for statement in _as_list(document.get("Statement", [])):
        for action in _as_list(statement.get("Action", [])):
            if "*" in action:
                acknowledge(policy, f"AwsSolutions-IAM5[Action::{action}]", reason)
        for resource in _as_list(statement.get("Resource", [])):
            rendered = flatten_reference(resource)
            if "*" in rendered:
                acknowledge(policy, f"AwsSolutions-IAM5[Resource::{rendered}]", reason)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


PROVIDER_FRAMEWORK_REASON = (
    "CDK Provider framework (not our code): its functions invoke our handler's versions (<fn>:*) and "
    "its waiter state machine invokes its own isComplete/onTimeout functions."
)


def acknowledge_provider_framework(provider: IConstruct) -> None:
    """The Provider framework's own functions, roles and waiter state machine (cdk-nag SF1/SF2,
    IAM4/IAM5): configured by CDK, not by us. Our handlers carry no such acknowledgement."""
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_stepfunctions as sfn

    for construct in provider.node.find_all():
        if isinstance(construct, iam.Policy):
            acknowledge_framework_policy(construct, PROVIDER_FRAMEWORK_REASON)
        elif isinstance(construct, iam.Role):
            acknowledge(construct, LAMBDA_BASIC_EXECUTION, LAMBDA_BASIC_EXECUTION_REASON)
        elif isinstance(construct, sfn.CfnStateMachine):
            reason = (
                "CDK Provider framework's waiter: it only polls our isComplete handler, whose own logs "
                "record every check; full Step Functions logging and X-Ray would add cost to an idle lab."
            )
            acknowledge(construct, "AwsSolutions-SF1", reason)
            acknowledge(construct, "AwsSolutions-SF2", reason)
