"""Placeholder email addresses left in a configuration.

The sample configs ship addresses under the domains RFC 2606 reserves for documentation
(https://www.rfc-editor.org/rfc/rfc2606): example.com, example.org, example.net and the top-level
names .example, .invalid, .localhost and .test. Mail to them never arrives, so a worker listed
that way never gets an invitation and a budget alert goes nowhere. Every string field of the
config is searched, so a new address field is covered without changing this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gt_rules.limits import EMAIL_RE

from .models import EnvironmentConfig

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TOP_LEVEL = ("example", "invalid", "localhost", "test")


def is_placeholder_address(value: str) -> bool:
    """An email address under a reserved domain (or one of its subdomains), any letter case."""
    if not EMAIL_RE.fullmatch(value):
        return False
    domain = value.rsplit("@", 1)[1].lower().rstrip(".")
    if domain.rsplit(".", 1)[-1] in RESERVED_TOP_LEVEL:
        return True
    return any(domain == reserved or domain.endswith("." + reserved) for reserved in RESERVED_DOMAINS)


def placeholder_addresses(config: EnvironmentConfig) -> list[tuple[str, str]]:
    """(config field path, address) for every placeholder address, in file order.

    Paths read like the config errors: `teams[0].workers[1]`, `budget.emails[0]`.
    """
    found: list[tuple[str, str]] = []
    _collect(config.model_dump(mode="json"), "", found)
    return found


def _collect(value: Any, path: str, found: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        if is_placeholder_address(value):
            found.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _collect(item, f"{path}[{index}]", found)
