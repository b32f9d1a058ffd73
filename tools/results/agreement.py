"""How far workers agree: with the consolidated label, with each other, and Krippendorff's alpha.

Alpha is the textbook nominal form (Krippendorff, "Computing Krippendorff's Alpha-Reliability",
2011): with the coincidence matrix o and value totals n_c over all pairable values n,

    alpha = 1 - (n - 1) * (n - sum_c o_cc) / (n^2 - sum_c n_c^2)

where a unit (object) with m_u >= 2 values adds n_uc (n_uc - 1) / (m_u - 1) to o_cc. Only the
per-value totals are kept, so it streams. Why not a library: `krippendorff` (PyPI) is GPL-3.0,
`simpledorff` is unmaintained since 2020 and needs pandas, and NLTK's AnnotationTask would add a
toolkit for one formula; tests/results/test_agreement.py checks this one against Krippendorff's
own worked examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict


class NominalAlpha:
    """Krippendorff's alpha for nominal data, accumulated one unit at a time."""

    def __init__(self) -> None:
        self._totals: Counter[Hashable] = Counter()
        self._coincident = 0.0  # sum over c of o_cc
        self.units = 0  # pairable units (two or more values)

    def add_unit(self, values: Sequence[Hashable]) -> None:
        """The values the coders gave one unit (missing values simply left out)."""
        pairable = len(values)
        if pairable < 2:
            return  # a unit coded once carries no information about agreement
        self.units += 1
        for value, count in Counter(values).items():
            self._totals[value] += count
            self._coincident += count * (count - 1) / (pairable - 1)

    def value(self) -> float | None:
        """Alpha, or None when undefined (no pairable unit, or every value the same)."""
        n = sum(self._totals.values())
        expected = n * n - sum(count * count for count in self._totals.values())
        if n < 2 or expected == 0:
            return None
        return 1.0 - (n - 1) * (n - self._coincident) / expected


def nominal_alpha(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Alpha over `units`, each the values its coders gave (None entries are missing values)."""
    accumulator = NominalAlpha()
    for unit in units:
        accumulator.add_unit([value for value in unit if value is not None])
    return accumulator.value()


class WorkerAgreement(TypedDict):
    compared: int  # answers on objects with a consolidated label
    agreed: int
    agreement: float | None


class AgreementCounts(TypedDict):
    objects_with_several_workers: int
    objects_where_workers_split: int
    split_share: float | None
    krippendorff_alpha_nominal: float | None
    workers: dict[str, WorkerAgreement]


@dataclass
class WorkerTally:
    compared: int = 0  # answers on objects that have a consolidated label
    agreed: int = 0


@dataclass
class AgreementTally:
    """Agreement between each worker's answer and the consolidated label, and among workers."""

    workers: dict[str, WorkerTally] = field(default_factory=dict)
    alpha: NominalAlpha = field(default_factory=NominalAlpha)
    several: int = 0  # objects answered by two or more workers
    split: int = 0  # of those, objects where the answers differ

    def add(
        self, consolidated: tuple[str, ...] | None, answers: Sequence[tuple[str, tuple[str, ...]]]
    ) -> None:
        """One object: its consolidated label(s) and each (worker, chosen labels)."""
        values = [tuple(sorted(labels)) for _, labels in answers]
        if len(values) >= 2:
            self.several += 1
            if len(set(values)) > 1:
                self.split += 1
            self.alpha.add_unit(values)
        if consolidated is None:
            return
        expected = tuple(sorted(consolidated))
        for (worker, _), value in zip(answers, values, strict=True):
            tally = self.workers.setdefault(worker, WorkerTally())
            tally.compared += 1
            tally.agreed += value == expected

    def summary(self) -> AgreementCounts:
        alpha = self.alpha.value()
        return {
            "objects_with_several_workers": self.several,
            "objects_where_workers_split": self.split,
            "split_share": round(self.split / self.several, 4) if self.several else None,
            "krippendorff_alpha_nominal": round(alpha, 4) if alpha is not None else None,
            "workers": {
                worker: {
                    "compared": tally.compared,
                    "agreed": tally.agreed,
                    "agreement": round(tally.agreed / tally.compared, 4) if tally.compared else None,
                }
                for worker, tally in sorted(self.workers.items())
            },
        }
