"""Who labels: a private team of the environment, Mechanical Turk (price, content
classifiers) or a vendor."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import Violation, did_you_mean
from ..limits import (
    CONTENT_CLASSIFIERS,
    PII_FREE,
    WORKFORCE_KINDS,
    WORKTEAM_ARN_MAX,
    WORKTEAM_ARN_RE,
)
from ..spec import (
    JobSpec,
)
from ..task_types import (
    TaskType,
)


def check_workforce(spec: JobSpec, task_type: TaskType, private_teams: set[str]) -> list[Violation]:
    # Read as plain data: a spec from CloudFormation may hold anything, whatever WorkforceSpec says.
    workforce: object = spec.get("workforce")
    if not isinstance(workforce, Mapping):
        return [Violation("workforce", workforce, "every job needs a workforce (private, mturk or vendor)")]
    kind = workforce.get("kind")
    if kind not in WORKFORCE_KINDS:
        return [
            Violation(
                "workforce.kind",
                kind,
                "the workforce kind must be private, mturk or vendor" + did_you_mean(kind, WORKFORCE_KINDS),
            )
        ]
    found: list[Violation] = []
    owners = {"team": "private", "price_usd": "mturk", "workteam_arn": "vendor"}
    found += [
        Violation(f"workforce.{key}", workforce[key], f"is only used with the {owner} workforce")
        for key, owner in owners.items()
        if key in workforce and owner != kind
    ]
    classifiers = workforce.get("content_classifiers", [])
    if not isinstance(classifiers, list):
        found.append(Violation("workforce.content_classifiers", classifiers, "must be a list"))
        classifiers = []
    found += [
        Violation(
            f"workforce.content_classifiers[{i}]", value, "must be one of: " + ", ".join(CONTENT_CLASSIFIERS)
        )
        for i, value in enumerate(classifiers)
        if value not in CONTENT_CLASSIFIERS
    ]
    if kind == "private":
        team = workforce.get("team")
        if team not in private_teams:
            known = ", ".join(sorted(private_teams)) or "none"
            found.append(
                Violation(
                    "workforce.team",
                    team,
                    f"must name a team of this environment (teams: {known})"
                    + did_you_mean(team, private_teams),
                )
            )
    elif kind == "mturk":
        found += check_mturk(spec, task_type, workforce, classifiers)
    else:
        arn = workforce.get("workteam_arn")
        if not isinstance(arn, str) or len(arn) > WORKTEAM_ARN_MAX or not WORKTEAM_ARN_RE.fullmatch(arn):
            found.append(
                Violation(
                    "workforce.workteam_arn",
                    arn,
                    "a vendor work team is an ARN like arn:aws:sagemaker:<region>:<account>:workteam/<path>",
                )
            )
        elif "workteam/public-crowd/" in arn:
            found.append(
                Violation(
                    "workforce.workteam_arn", arn, "this is the Mechanical Turk work team: use kind mturk"
                )
            )
    return found


def check_mturk(
    spec: JobSpec, task_type: TaskType, workforce: Mapping[str, Any], classifiers: list[Any]
) -> list[Violation]:
    if task_type.mturk_price_points is None:
        return [
            Violation(
                "workforce.kind", "mturk", f"Mechanical Turk cannot be used for {task_type.display_name}"
            )
        ]
    found: list[Violation] = []
    price = workforce.get("price_usd")
    allowed = ", ".join(str(p) for p in task_type.mturk_price_points)
    try:
        amount = Decimal(str(price)) if price is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount not in task_type.mturk_price_points:
        found.append(
            Violation(
                "workforce.price_usd",
                price,
                f"the Mechanical Turk price per task for {task_type.display_name} must be one of: {allowed}",
            )
        )
    if PII_FREE not in classifiers:
        found.append(
            Violation(
                "workforce.content_classifiers",
                classifiers,
                f"Mechanical Turk jobs fail unless the data is declared free of personal data ({PII_FREE})",
            )
        )
    return found
