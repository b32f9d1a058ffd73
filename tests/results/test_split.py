"""Splits: parsed strictly, reproducible for a seed, different across seeds, stratified by class."""

from __future__ import annotations

import pytest

from tools.results.errors import UsageError
from tools.results.split import NOT_EXPORTED, SplitSpec, assign, parse_split, shares


def test_parse_split() -> None:
    assert parse_split("train=0.8,validation=0.2") == SplitSpec(("train", "validation"), (0.8, 0.2))
    assert parse_split(" train = 0.7 , val=0.2,test=0.1") == SplitSpec(
        ("train", "val", "test"), (0.7, 0.2, 0.1)
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("train=0.8,validation=0.1", "add up to 0.9, not 1"),
        ("train=0.8,train=0.2", "'train' appears twice"),
        ("train:0.8", "is not NAME=RATIO"),
        ("../x=1", "is not NAME=RATIO"),
        ("train=abc", "ratio 'abc' of 'train' is not a number"),
        ("train=1.5,val=-0.5", "must be above 0 and at most 1"),
    ],
)
def test_parse_split_errors(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        parse_split(text)


def test_shares_use_largest_remainder() -> None:
    assert shares(10, (0.8, 0.2)) == [8, 2]
    assert shares(7, (0.5, 0.5)) == [4, 3]
    assert shares(1, (0.8, 0.2)) == [1, 0]
    assert shares(3, (0.34, 0.33, 0.33)) == [1, 1, 1]
    assert sum(shares(101, (0.7, 0.2, 0.1))) == 101


def strata() -> dict[str, list[int]]:
    return {"cat": list(range(0, 100)), "dog": list(range(100, 120)), "bird": [120, 121, 122, 123, 124]}


def test_assign_is_reproducible_and_seeded() -> None:
    spec = parse_split("train=0.8,validation=0.2")
    first = assign(strata(), spec, seed=7, size=130)
    assert assign(strata(), spec, seed=7, size=130) == first
    assert assign(strata(), spec, seed=8, size=130) != first
    assert all(first[index] == NOT_EXPORTED for index in range(125, 130))


def test_assign_is_stratified_per_class() -> None:
    spec = parse_split("train=0.8,validation=0.2")
    assignment = assign(strata(), spec, seed=3, size=125)
    for name, indices in strata().items():
        validation = sum(assignment[index] == 1 for index in indices)
        assert validation == shares(len(indices), spec.ratios)[1], name
