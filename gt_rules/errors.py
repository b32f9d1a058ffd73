"""How a broken rule is reported: field, value and rule, so messages read the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One broken rule. `field` is a dotted path such as `jobs.fashion.labels[2]`."""

    field: str
    value: object
    rule: str

    def __str__(self) -> str:
        return f"{self.field} = {self.value!r}: {self.rule}"


class RuleViolation(ValueError):
    """Raised where a caller wants an exception rather than a list of violations."""

    def __init__(self, violations: list[Violation], context: str = "") -> None:
        self.violations = list(violations)
        self.context = context
        lines = [f"{context}{v}" for v in self.violations]
        super().__init__("\n".join(lines))
