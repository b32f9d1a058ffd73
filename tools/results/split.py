"""Seeded, reproducible train/validation/... splits, stratified by label for classification.

Within each stratum (a class, or a set of classes for multi-label; one stratum for other types)
the object indices are shuffled with `random.Random(f"{seed}:{stratum}")` and cut by the ratios,
rounding by largest remainder, so each split gets its share of every class (to within one
object). The same manifest and seed always give the same split, on any machine: string seeds are
hashed by `random` itself (version 2 seeding), not by Python's per-process `hash()`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tools.results.errors import UsageError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NOT_EXPORTED = 255  # in the assignment array: the object is in no split


@dataclass(frozen=True)
class SplitSpec:
    names: tuple[str, ...]
    ratios: tuple[float, ...]


def parse_split(text: str) -> SplitSpec:
    """`train=0.8,validation=0.2` -> SplitSpec; the ratios must be positive and add up to 1."""
    names: list[str] = []
    ratios: list[float] = []
    for part in text.split(","):
        name, equals, ratio_text = part.strip().partition("=")
        name = name.strip()
        if not equals or not _NAME.match(name):
            raise UsageError(
                f"--split {text!r}: '{part.strip()}' is not NAME=RATIO (NAME: letters, digits, _ and -)"
            )
        try:
            ratio = float(ratio_text)
        except ValueError:
            raise UsageError(
                f"--split {text!r}: ratio '{ratio_text.strip()}' of '{name}' is not a number"
            ) from None
        if not 0 < ratio <= 1 or not math.isfinite(ratio):
            raise UsageError(f"--split {text!r}: ratio of '{name}' must be above 0 and at most 1")
        if name in names:
            raise UsageError(f"--split {text!r}: '{name}' appears twice")
        names.append(name)
        ratios.append(ratio)
    if len(names) > 50:
        raise UsageError(f"--split {text!r}: at most 50 splits")
    if abs(sum(ratios) - 1.0) > 1e-6:
        raise UsageError(f"--split {text!r}: the ratios add up to {sum(ratios):g}, not 1")
    return SplitSpec(tuple(names), tuple(ratios))


def shares(count: int, ratios: Sequence[float]) -> list[int]:
    """`count` objects cut by `ratios` (largest remainder; ties go to the earlier split)."""
    exact = [count * ratio for ratio in ratios]
    sizes = [math.floor(value) for value in exact]
    leftover = count - sum(sizes)
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - sizes[i]), i))
    for i in order[:leftover]:
        sizes[i] += 1
    return sizes


def assign(strata: Mapping[str, Iterable[int]], spec: SplitSpec, seed: int, size: int) -> bytearray:
    """Split number per object index (NOT_EXPORTED for objects in no stratum)."""
    assignment = bytearray([NOT_EXPORTED]) * size
    for stratum in sorted(strata):
        indices = sorted(strata[stratum])
        random.Random(f"{seed}:{stratum}").shuffle(indices)
        start = 0
        for split_number, share in enumerate(shares(len(indices), spec.ratios)):
            for index in indices[start : start + share]:
                assignment[index] = split_number
            start += share
    return assignment
