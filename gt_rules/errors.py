"""How a broken rule is reported: field, value and rule, so messages read the same everywhere."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final


class _Missing:
    """The value of a field that is not written at all: the message says "missing" instead of
    printing a value the user never wrote (such as the whole enclosing table)."""

    def __repr__(self) -> str:
        return "<missing>"

    def __reduce__(self) -> str:
        return "MISSING"  # copies and pickles are this module's MISSING, so `is MISSING` holds


MISSING: Final = _Missing()


@dataclass(frozen=True)
class Violation:
    """One broken rule. `field` is a dotted path such as `jobs.fashion.labels[2]`; `value` is
    the value written there, or MISSING when nothing is."""

    field: str
    value: object
    rule: str

    def __str__(self) -> str:
        if self.value is MISSING:
            return f"{self.field} is missing: {self.rule}"
        return f"{self.field} = {self.value!r}: {self.rule}"


class RuleViolation(ValueError):
    """Raised where a caller wants an exception rather than a list of violations."""

    def __init__(self, violations: list[Violation], context: str = "") -> None:
        self.violations = list(violations)
        self.context = context
        lines = [f"{context}{v}" for v in self.violations]
        super().__init__("\n".join(lines))


def nearest(value: object, candidates: Iterable[str]) -> str | None:
    """The candidate `value` most likely misspells (difflib's ratio, case ignored), or None."""
    if not isinstance(value, str) or not value:
        return None
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    if value.casefold() in by_folded and by_folded[value.casefold()] != value:
        return by_folded[value.casefold()]  # only the letter case differs
    matches = difflib.get_close_matches(value.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[matches[0]] if matches else None


def did_you_mean(value: object, candidates: Iterable[str]) -> str:
    """`; did you mean `x`?` for the nearest candidate, to append to a rule; "" when none is near."""
    match = nearest(value, candidates)
    return f"; did you mean `{match}`?" if match is not None and match != value else ""
