"""One error type for bad configuration, whose message names environment, field, value and rule."""

from __future__ import annotations

from gt_rules.errors import Violation


class ConfigError(ValueError):
    def __init__(self, environment: str, violations: list[Violation]) -> None:
        self.environment = environment
        self.violations = list(violations)
        lines = [f"Invalid configuration for environment '{environment}':"]
        lines += [f"  - {v.field} = {v.value!r}: {v.rule}" for v in self.violations]
        super().__init__("\n".join(lines))
