"""Krippendorff's alpha against Krippendorff's own worked examples, and worker agreement."""

from __future__ import annotations

import pytest

from tools.results.agreement import AgreementTally, NominalAlpha, nominal_alpha


def test_alpha_binary_example_two_observers() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A:
    # two observers, ten units, binary data; alpha = 0.095.
    observer_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    observer_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    alpha = nominal_alpha(zip(observer_a, observer_b, strict=True))
    assert alpha == pytest.approx(0.095, abs=5e-4)


def test_alpha_nominal_example_with_missing_values() -> None:
    # Krippendorff (2011), example C: four observers, twelve units, missing values (None);
    # nominal alpha = 0.743.
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    alpha = nominal_alpha(zip(a, b, c, d, strict=True))
    assert alpha == pytest.approx(0.743, abs=5e-4)


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert nominal_alpha([["x", "x"], ["x", "x", "x"]]) is None  # every value the same
    assert nominal_alpha([["x"], ["y"]]) is None  # no unit coded twice
    accumulator = NominalAlpha()
    accumulator.add_unit(["a", "b"])
    accumulator.add_unit(["a", "b"])
    accumulator.add_unit(["a"])  # not pairable: ignored
    # n = 4, no coincidence, sum n_c^2 = 8: alpha = 1 - 3 * 4 / (16 - 8), systematic disagreement
    assert accumulator.units == 2 and accumulator.value() == pytest.approx(-0.5)


def test_alpha_perfect_agreement_is_one() -> None:
    assert nominal_alpha([["a", "a"], ["b", "b"], ["c", "c", "c"]]) == pytest.approx(1.0)


def test_agreement_with_consolidated_labels_and_split_share() -> None:
    tally = AgreementTally()
    tally.add(("Bag",), [("w1", ("Bag",)), ("w2", ("Bag",)), ("w3", ("Watch",))])
    tally.add(("Watch",), [("w1", ("Watch",)), ("w2", ("Watch",))])
    tally.add(None, [("w2", ("Bag",))])  # failed object: nothing to compare with
    tally.add(("a", "b"), [("w1", ("b", "a")), ("w3", ("a",))])  # multi-label: order does not matter
    summary = tally.summary()
    assert summary["objects_with_several_workers"] == 3
    assert summary["objects_where_workers_split"] == 2
    assert summary["split_share"] == pytest.approx(0.6667, abs=1e-4)
    assert summary["workers"] == {
        "w1": {"compared": 3, "agreed": 3, "agreement": 1.0},
        "w2": {"compared": 2, "agreed": 2, "agreement": 1.0},
        "w3": {"compared": 2, "agreed": 0, "agreement": 0.0},
    }
