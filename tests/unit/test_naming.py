"""Physical job names: deterministic, new on any change, lowercase, at most 63 chars, valid
(docs/ground-truth.md#create-labeling-job, #stop-and-delete)."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from gt_rules.errors import RuleViolation
from gt_rules.limits import LABELING_JOB_NAME_RE
from gt_rules.naming import (
    canonical_value,
    contains_placeholder,
    is_environment_job,
    job_name_prefix,
    physical_job_name,
    spec_digest,
)
from gt_rules.spec import JobSpec

FASHION: JobSpec = {
    "name": "fashion",
    "revision": 0,
    "task_type": "image_classification",
    "labels": ["Bag", "Eyewear", "Flipflop", "Watch"],
    "title": "Classify Fashion Images to one of 4 categories",
    "description": "Choose the category that fits the item best",
    "instructions": {"short": "Pick one category"},
    "input": {"kind": "prefix", "prefix": "fashion/", "data_type": "images", "selection": {"mode": "all"}},
    "workforce": {"kind": "private", "team": "super-labelers"},
    "workers_per_object": 1,
    "task_time_limit_seconds": 300,
    "automated_labeling": False,
    "tags": {"Team": "vision"},
}


def changed(path: str, value: Any) -> JobSpec:
    spec = copy.deepcopy(FASHION)
    *parents, last = path.split(".")
    target: Any = spec
    for part in parents:
        target = target[part]
    target[last] = value
    return spec


def test_same_spec_same_name() -> None:
    assert physical_job_name("gtlab-dev", FASHION) == physical_job_name("gtlab-dev", copy.deepcopy(FASHION))


def test_name_shape() -> None:
    name = physical_job_name("gtlab-dev", FASHION)
    assert re.fullmatch(r"gtlab-dev-fashion-[0-9a-f]{8}", name)
    assert name.endswith(spec_digest(FASHION))


def test_key_order_does_not_matter() -> None:
    reordered = dict(reversed(list(FASHION.items())))
    assert spec_digest(reordered) == spec_digest(FASHION)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("revision", 1),
        ("labels", ["Bag", "Eyewear", "Watch", "Flipflop"]),  # order is the class index
        ("title", "Classify fashion images"),
        ("workers_per_object", 3),
        ("input.prefix", "fashion2/"),
        ("workforce.team", "other-team"),
        ("tags", {"Team": "Vision"}),
        ("automated_labeling", True),
    ],
)
def test_any_change_gives_a_new_name(path: str, value: Any) -> None:
    assert physical_job_name("gtlab-dev", changed(path, value)) != physical_job_name("gtlab-dev", FASHION)


def test_cloudformation_strings_give_the_same_name() -> None:
    """Synth sees ints and bools; a Lambda may receive CloudFormation's strings."""
    as_strings: dict[str, Any] = dict(changed("workers_per_object", "1"))
    as_strings["revision"] = "0"
    as_strings["automated_labeling"] = "false"
    as_strings["task_time_limit_seconds"] = "300"
    assert spec_digest(as_strings) == spec_digest(FASHION)  # type: ignore[arg-type]
    assert canonical_value({"a": None, "b": [1, True]}) == {"b": ["1", "true"]}


def test_lowercase_even_with_uppercase_prefix() -> None:
    name = physical_job_name("GTLab-Dev", FASHION)
    assert name == name.lower()
    assert name == physical_job_name("gtlab-dev", FASHION)  # names are unique case-insensitively


def test_long_names_are_cut_in_the_middle_never_the_digest() -> None:
    prefix = "p" * 40
    spec = changed("name", "a-very-long-job-name")
    name = physical_job_name(prefix, spec)
    assert len(name) <= 63
    assert LABELING_JOB_NAME_RE.fullmatch(name)
    assert name.startswith(prefix + "-a-very")
    assert name.endswith("-" + spec_digest(spec))


def test_cut_never_leaves_a_hyphen_before_the_digest() -> None:
    # 63 - 8 - 2 = 53 characters for prefix + name; the name is cut right after a hyphen.
    prefix = "p" * 48
    name = physical_job_name(prefix, changed("name", "abcd-efgh"))
    assert "--" not in name and name.startswith(prefix + "-abcd-")
    assert len(name) <= 63 and LABELING_JOB_NAME_RE.fullmatch(name)


@pytest.mark.parametrize("prefix_length", range(1, 53))
def test_every_fitting_prefix_gives_a_valid_name(prefix_length: int) -> None:
    name = physical_job_name("g" * prefix_length, changed("name", "labeling-job-project"))
    assert len(name) <= 63 and LABELING_JOB_NAME_RE.fullmatch(name)


def test_a_prefix_that_leaves_no_room_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        physical_job_name("p" * 53, FASHION)
    (violation,) = caught.value.violations
    assert violation.field == "name_prefix" and "no room" in violation.rule


def test_an_invalid_prefix_is_refused() -> None:
    with pytest.raises(RuleViolation, match="must match"):
        physical_job_name("gt_lab", FASHION)


def test_placeholder_prefix_is_kept_for_make_plan() -> None:
    assert contains_placeholder("${NamePrefix}")
    name = physical_job_name("${NamePrefix}", FASHION)
    assert name == f"${{NamePrefix}}-fashion-{spec_digest(FASHION)}"


def test_environment_prefix() -> None:
    assert job_name_prefix("GTLab-Dev") == "gtlab-dev-"
    name = physical_job_name("gtlab-dev", FASHION)
    assert is_environment_job(name, "gtlab-dev")
    assert is_environment_job(name.upper(), "gtlab-dev")
    assert not is_environment_job(name, "gtlab-de")
    assert not is_environment_job("gtlab-devx-fashion-12345678", "gtlab-dev")
