"""validate_job_spec: one case per rule, each naming the field, the value and the rule.

The rules and their sources: docs/ground-truth.md#create-labeling-job and #input-manifest.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest

from gt_rules.errors import MISSING, Violation, did_you_mean, nearest
from gt_rules.limits import MIN_OBJECTS_FOR_AUTOMATED_LABELING
from gt_rules.project import JOB_TAG_KEY
from gt_rules.spec import JobSpec
from gt_rules.validation import (
    job_spec_warnings,
    validate_job_name_part,
    validate_job_spec,
)

from .test_request import TEAM, valid_spec

DELETE = object()
PII = "FreeOfPersonallyIdentifiableInformation"
MTURK = {"kind": "mturk", "price_usd": "0.036", "content_classifiers": [PII]}
BOXES: JobSpec = {**valid_spec("bounding_box"), "name": "boxes"}


def build(base: str, changes: dict[str, Any]) -> JobSpec:
    spec: Any = copy.deepcopy(valid_spec(base))
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = spec
        for part in parents:
            target = target.setdefault(part, {})
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return spec


def check(
    spec: JobSpec, *, region: str = "us-east-1", others: dict[str, JobSpec] | None = None
) -> list[Violation]:
    return validate_job_spec(spec, region=region, private_teams={TEAM}, other_jobs=others or {})


@dataclass
class Case:
    base: str
    changes: dict[str, Any]
    field: str
    value: Any
    fragment: str
    others: dict[str, JobSpec] = dataclasses.field(default_factory=dict)
    region: str = "us-east-1"


AUDIT_OF_BOXES = {"input": {"kind": "job_output", "job": "boxes"}}

CASES = {
    # job name (config) and task type
    "name-too-long": Case(
        "image_classification",
        {"name": "my-first-labeling-job"},
        "name",
        "my-first-labeling-job",
        "at most 20",
    ),
    "name-uppercase": Case(
        "image_classification", {"name": "Fashion"}, "name", "Fashion", "lowercase letters"
    ),
    "name-missing": Case("image_classification", {"name": DELETE}, "name", None, "needs a name"),
    "task-type-unknown": Case(
        "image_classification",
        {"task_type": "image_clasification"},
        "task_type",
        "image_clasification",
        "task type must be one of",
    ),
    "unknown-field": Case(
        "image_classification", {"worker_per_object": 3}, "worker_per_object", 3, "not a job field"
    ),
    "unknown-nested-field": Case(
        "image_classification", {"input.prefx": "x/"}, "input.prefx", "x/", "not a field of `input`"
    ),
    "region-unsupported": Case(
        "image_classification", {}, "region", "us-west-1", "only in these 12 Regions", region="us-west-1"
    ),
    # label attribute name (docs/ground-truth.md#label-attribute-name)
    "lan-pattern": Case(
        "image_classification",
        {"label_attribute_name": "my_label"},
        "label_attribute_name",
        "my_label",
        "must match",
    ),
    "lan-too-long": Case(
        "image_classification",
        {"label_attribute_name": "a" * 128},
        "label_attribute_name",
        "a" * 128,
        "at most 127",
    ),
    "lan-metadata": Case(
        "image_classification",
        {"label_attribute_name": "fashion-metadata"},
        "label_attribute_name",
        "fashion-metadata",
        "cannot end with -metadata",
    ),
    "lan-reserved": Case(
        "image_classification",
        {"label_attribute_name": "source"},
        "label_attribute_name",
        "source",
        "reserved",
    ),
    "lan-needs-ref": Case(
        "semantic_segmentation",
        {"label_attribute_name": "masks"},
        "label_attribute_name",
        "masks",
        "must end with -ref",
    ),
    "lan-no-ref": Case(
        "image_classification",
        {"label_attribute_name": "fashion-ref"},
        "label_attribute_name",
        "fashion-ref",
        "must not end with -ref",
    ),
    "lan-semseg-verification-exception": Case(
        "semantic_segmentation_verification",
        {"label_attribute_name": "check-ref"},
        "label_attribute_name",
        "check-ref",
        "must not end with -ref",
    ),
    "lan-audit-same-as-earlier": Case(
        "bounding_box_verification",
        {**AUDIT_OF_BOXES, "label_attribute_name": "boxes", "audit_label_attribute_name": "boxes"},
        "label_attribute_name",
        "boxes",
        "different label attribute name",
        others={"boxes": BOXES},
    ),
    # audit jobs (docs/ground-truth.md#label-attribute-name, #label-category-config, #worker-templates)
    "audit-lan-missing": Case(
        "bounding_box_verification",
        {"audit_label_attribute_name": DELETE},
        "audit_label_attribute_name",
        None,
        "needs the label attribute name",
    ),
    "audit-lan-same-as-own": Case(
        "bounding_box_adjustment",
        {"audit_label_attribute_name": "job-1"},
        "audit_label_attribute_name",
        "job-1",
        "must differ",
    ),
    "audit-lan-on-normal-job": Case(
        "image_classification",
        {"audit_label_attribute_name": "earlier"},
        "audit_label_attribute_name",
        "earlier",
        "only used by verification",
    ),
    "audit-lan-not-the-earlier": Case(
        "bounding_box_verification",
        {**AUDIT_OF_BOXES, "audit_label_attribute_name": "other"},
        "audit_label_attribute_name",
        "other",
        "writes its labels as 'boxes'",
        others={"boxes": BOXES},
    ),
    "audit-of-wrong-type": Case(
        "bounding_box_verification",
        {**AUDIT_OF_BOXES, "audit_label_attribute_name": "boxes"},
        "input.job",
        "boxes",
        "reviews the output of",
        others={"boxes": {**BOXES, "task_type": "image_classification", "labels": ["a", "b"]}},
    ),
    # labels (docs/ground-truth.md#label-category-config, #video-and-point-cloud)
    "labels-too-few": Case(
        "text_classification", {"labels": ["Even"]}, "labels", ["Even"], "at least 2 labels"
    ),
    "labels-too-many": Case(
        "image_classification_multilabel",
        {"labels": [f"l{i}" for i in range(51)]},
        "labels",
        51,
        "at most 50 labels",
    ),
    "labels-auto-labeling-segmentation": Case(
        "semantic_segmentation",
        {"labels": [f"l{i}" for i in range(21)], "automated_labeling": True},
        "labels",
        21,
        "at most 20 labels",
    ),
    "labels-duplicate": Case(
        "image_classification", {"labels": ["Bag", "Watch", "Bag"]}, "labels[2]", "Bag", "unique"
    ),
    "labels-empty": Case("image_classification", {"labels": ["Bag", " "]}, "labels[1]", " ", "non-empty"),
    "labels-too-long": Case(
        "image_classification",
        {"labels": ["Bag", "x" * 257]},
        "labels[1]",
        "x" * 257,
        "at most 256 characters",
    ),
    "labels-video-16-chars": Case(
        "video_object_detection",
        {"labels": ["Car", "Pedestrian crossing"]},
        "labels[1]",
        "Pedestrian crossing",
        "at most 16 characters",
    ),
    "labels-not-a-list": Case(
        "image_classification", {"labels": "Bag,Watch"}, "labels", "Bag,Watch", "must be a list"
    ),
    "short-names-not-ner": Case(
        "image_classification",
        {"label_short_names": ["B", "E", "F", "W"]},
        "label_short_names",
        ["B", "E", "F", "W"],
        "only used by NER",
    ),
    "short-names-count": Case(
        "named_entity_recognition",
        {"labels": ["Person", "Date"], "label_short_names": ["PER"]},
        "label_short_names",
        ["PER"],
        "one short name per label",
    ),
    # title, description, keywords (docs/ground-truth.md#human-task-config)
    "title-missing": Case("image_classification", {"title": ""}, "title", "", "needs a title"),
    "title-too-long": Case("image_classification", {"title": "t" * 129}, "title", "t" * 129, "at most 128"),
    "title-control-char": Case(
        "image_classification", {"title": "bell\x07"}, "title", "bell\x07", "control characters"
    ),
    "description-missing": Case(
        "image_classification", {"description": DELETE}, "description", None, "needs a description"
    ),
    "description-too-long": Case(
        "image_classification", {"description": "d" * 256}, "description", "d" * 256, "at most 255"
    ),
    "description-multiline": Case(
        "image_classification", {"description": "one\ntwo"}, "description", "one\ntwo", "single line"
    ),
    "keywords-too-many": Case(
        "image_classification", {"keywords": list("abcdef")}, "keywords", list("abcdef"), "1 to 5 keywords"
    ),
    "keywords-hyphen": Case(
        "image_classification", {"keywords": ["Multi-label"]}, "keywords[0]", "Multi-label", "no hyphens"
    ),
    "keywords-too-long": Case(
        "image_classification", {"keywords": ["k" * 31]}, "keywords[0]", "k" * 31, "1 to 30 characters"
    ),
    # numbers (docs/ground-truth.md#human-task-config)
    "workers-over-9": Case(
        "image_classification", {"workers_per_object": 10}, "workers_per_object", 10, "from 1 to 9"
    ),
    "workers-zero": Case(
        "image_classification", {"workers_per_object": 0}, "workers_per_object", 0, "from 1 to 9"
    ),
    "workers-not-a-number": Case(
        "image_classification", {"workers_per_object": "three"}, "workers_per_object", "three", "whole number"
    ),
    "time-limit-under-30": Case(
        "image_classification",
        {"task_time_limit_seconds": 29},
        "task_time_limit_seconds",
        29,
        "from 30 to 28,800",
    ),
    "time-limit-image-8h": Case(
        "image_classification",
        {"task_time_limit_seconds": 28_801},
        "task_time_limit_seconds",
        28_801,
        "from 30 to 28,800",
    ),
    "time-limit-video-30d": Case(
        "video_object_tracking",
        {"task_time_limit_seconds": 2_592_001},
        "task_time_limit_seconds",
        2_592_001,
        "from 30 to 2,592,000",
    ),
    "availability-under-60": Case(
        "image_classification",
        {"task_availability_lifetime_seconds": 59},
        "task_availability_lifetime_seconds",
        59,
        "at least 60",
    ),
    "availability-mturk-12h": Case(
        "image_classification",
        {"workforce": MTURK, "task_availability_lifetime_seconds": 43_201},
        "task_availability_lifetime_seconds",
        43_201,
        "from 60 to 43,200",
    ),
    "concurrency-over-5000": Case(
        "image_classification",
        {"max_concurrent_task_count": 5001},
        "max_concurrent_task_count",
        5001,
        "from 1 to 5,000",
    ),
    "concurrency-zero": Case(
        "image_classification",
        {"max_concurrent_task_count": 0},
        "max_concurrent_task_count",
        0,
        "from 1 to 5,000",
    ),
    "revision-negative": Case("image_classification", {"revision": -1}, "revision", -1, "at least 0"),
    # stopping conditions (docs/ground-truth.md#create-labeling-job)
    "stopping-count-zero": Case(
        "image_classification",
        {"stopping": {"max_human_labeled_object_count": 0}},
        "stopping.max_human_labeled_object_count",
        0,
        "at least 1",
    ),
    "stopping-percent-101": Case(
        "image_classification",
        {"stopping": {"max_percentage_of_input_dataset_labeled": 101}},
        "stopping.max_percentage_of_input_dataset_labeled",
        101,
        "from 1 to 100",
    ),
    # automated labeling (docs/ground-truth.md#automated-labeling)
    "auto-labeling-not-allowed": Case(
        "image_classification_multilabel",
        {"automated_labeling": True},
        "automated_labeling",
        True,
        "only available for",
    ),
    "auto-labeling-not-a-bool": Case(
        "image_classification", {"automated_labeling": 1}, "automated_labeling", 1, "true or false"
    ),
    "auto-labeling-not-true-or-false": Case(
        "image_classification", {"automated_labeling": "yes"}, "automated_labeling", "yes", "true or false"
    ),
    "auto-labeling-sample-too-small": Case(
        "bounding_box",
        {"automated_labeling": True, "input.selection": {"mode": "sample", "sample_size": 1000}},
        "input.selection.sample_size",
        1000,
        "at least 1,250",
    ),
    "initial-model-without-auto-labeling": Case(
        "bounding_box",
        {"initial_active_learning_model_arn": "arn:aws:sagemaker:us-east-1:111122223333:model/m"},
        "initial_active_learning_model_arn",
        "arn:aws:sagemaker:us-east-1:111122223333:model/m",
        "only used with automated labeling",
    ),
    "initial-model-bad-arn": Case(
        "bounding_box",
        {"automated_labeling": True, "initial_active_learning_model_arn": "model/m"},
        "initial_active_learning_model_arn",
        "model/m",
        "SageMaker model ARN",
    ),
    # workforce (docs/ground-truth.md#human-task-config, #mturk)
    "workforce-missing": Case(
        "image_classification", {"workforce": DELETE}, "workforce", None, "needs a workforce"
    ),
    "workforce-kind": Case(
        "image_classification",
        {"workforce.kind": "crowd"},
        "workforce.kind",
        "crowd",
        "private, mturk or vendor",
    ),
    "private-team-unknown": Case(
        "image_classification",
        {"workforce.team": "nobody"},
        "workforce.team",
        "nobody",
        "must name a team of this environment",
    ),
    "mturk-not-for-video-frames": Case(
        "video_object_tracking",
        {"workforce": MTURK},
        "workforce.kind",
        "mturk",
        "cannot be used for Video frame object tracking",
    ),
    "mturk-price-not-a-price-point": Case(
        "image_classification",
        {"workforce": {**MTURK, "price_usd": "0.05"}},
        "workforce.price_usd",
        "0.05",
        "must be one of: 0.012",
    ),
    "mturk-price-segmentation-list": Case(
        "semantic_segmentation",
        {"workforce": {**MTURK, "price_usd": "0.036"}},
        "workforce.price_usd",
        "0.036",
        "must be one of: 0.840",
    ),
    "mturk-price-missing": Case(
        "image_classification",
        {"workforce": {"kind": "mturk", "content_classifiers": [PII]}},
        "workforce.price_usd",
        None,
        "price per task",
    ),
    "mturk-needs-pii-free": Case(
        "image_classification",
        {"workforce": {**MTURK, "content_classifiers": ["FreeOfAdultContent"]}},
        "workforce.content_classifiers",
        ["FreeOfAdultContent"],
        "free of personal data",
    ),
    "content-classifier-unknown": Case(
        "image_classification",
        {"workforce.content_classifiers": ["FreeOfPII"]},
        "workforce.content_classifiers[0]",
        "FreeOfPII",
        "must be one of",
    ),
    "field-of-another-workforce": Case(
        "image_classification",
        {"workforce.price_usd": "0.012"},
        "workforce.price_usd",
        "0.012",
        "only used with the mturk workforce",
    ),
    "vendor-arn-pattern": Case(
        "image_classification",
        {"workforce": {"kind": "vendor", "workteam_arn": "acme"}},
        "workforce.workteam_arn",
        "acme",
        "vendor work team is an ARN",
    ),
    "vendor-is-mturk": Case(
        "image_classification",
        {
            "workforce": {
                "kind": "vendor",
                "workteam_arn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
            }
        },
        "workforce.workteam_arn",
        "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default",
        "use kind mturk",
    ),
    # input (docs/ground-truth.md#input-manifest)
    "input-missing": Case("image_classification", {"input": DELETE}, "input", None, "needs an input"),
    "input-kind": Case(
        "image_classification",
        {"input.kind": "bucket"},
        "input.kind",
        "bucket",
        "prefix, manifest or job_output",
    ),
    "input-kind-for-audit": Case(
        "bounding_box_adjustment",
        {"input": {"kind": "prefix", "prefix": "a/", "data_type": "images"}},
        "input.kind",
        "prefix",
        "reads its objects from: manifest or job_output",
    ),
    "input-data-type": Case(
        "text_classification",
        {"input.data_type": "images"},
        "input.data_type",
        "images",
        "text_objects, text_lines, csv_rows",
    ),
    "input-prefix-slash": Case(
        "image_classification", {"input.prefix": "/fashion/"}, "input.prefix", "/fashion/", "no leading slash"
    ),
    "input-manifest-uri": Case(
        "image_classification",
        {"input": {"kind": "manifest", "manifest_uri": "https://b/m.manifest"}},
        "input.manifest_uri",
        "https://b/m.manifest",
        "s3://<bucket>/<key>",
    ),
    "input-job-itself": Case(
        "image_classification",
        {"name": "fashion", "input": {"kind": "job_output", "job": "fashion"}},
        "input.job",
        "fashion",
        "its own output",
    ),
    "input-job-unknown": Case(
        "image_classification",
        {"input": {"kind": "job_output", "job": "nope"}},
        "input.job",
        "nope",
        "names no other job",
    ),
    "selection-mode": Case(
        "image_classification",
        {"input.selection": {"mode": "random"}},
        "input.selection.mode",
        "random",
        "all, sample or filter",
    ),
    "selection-sample-size-missing": Case(
        "image_classification",
        {"input.selection": {"mode": "sample"}},
        "input.selection.sample_size",
        None,
        "needs a sample_size",
    ),
    "selection-sample-size-zero": Case(
        "image_classification",
        {"input.selection": {"mode": "sample", "sample_size": 0}},
        "input.selection.sample_size",
        0,
        "from 1 to 100,000",
    ),
    "selection-sample-over-quota": Case(
        "semantic_segmentation",
        {"input.selection": {"mode": "sample", "sample_size": 20_001}},
        "input.selection.sample_size",
        20_001,
        "from 1 to 20,000",
    ),
    "selection-regex": Case(
        "image_classification",
        {"input.selection": {"mode": "filter", "key_regex": "(jpg"}},
        "input.selection.key_regex",
        "(jpg",
        "valid Python regular expression",
    ),
    "selection-unknown-field": Case(
        "image_classification",
        {"input.selection": {"mode": "all", "size": 3}},
        "input.selection.size",
        3,
        "not a field of `selection`",
    ),
    # custom tasks
    "custom-missing": Case("custom", {"custom": DELETE}, "custom", None, "needs a template"),
    "custom-template-plain-html": Case(
        "custom",
        {"custom.template_html": "<p>hello</p>"},
        "custom.template_html",
        "<p>hello</p>",
        "no Crowd HTML element",
    ),
    "custom-lambda-arn": Case(
        "custom",
        {"custom.pre_lambda_arn": "my-pre"},
        "custom.pre_lambda_arn",
        "my-pre",
        "Lambda function ARN",
    ),
    "custom-block-on-built-in": Case(
        "image_classification",
        {"custom": {"template_html": "x"}},
        "custom",
        {"template_html": "x"},
        "only for the custom task type",
    ),
    # tags (docs/ground-truth.md#create-labeling-job)
    "tags-too-many": Case(
        "image_classification", {"tags": {f"k{i}": "v" for i in range(50)}}, "tags", 50, "at most 49 tags"
    ),
    "tags-aws-prefix": Case(
        "image_classification", {"tags": {"AWS:team": "x"}}, "tags['AWS:team']", "AWS:team", "reserved by AWS"
    ),
    "tags-job-key-reserved": Case(
        "image_classification",
        {"tags": {JOB_TAG_KEY: "x"}},
        f"tags[{JOB_TAG_KEY!r}]",
        JOB_TAG_KEY,
        "set by the stack",
    ),
    "tags-key-chars": Case(
        "image_classification", {"tags": {"team!": "x"}}, "tags['team!']", "team!", "tag key may contain only"
    ),
    "tags-value-chars": Case(
        "image_classification", {"tags": {"team": "a#b"}}, "tags['team']", "a#b", "tag value may contain only"
    ),
    "tags-key-too-long": Case(
        "image_classification", {"tags": {"k" * 129: "x"}}, f"tags[{'k' * 129!r}]", "k" * 129, "1 to 128"
    ),
    "tags-value-too-long": Case(
        "image_classification", {"tags": {"team": "v" * 257}}, "tags['team']", "v" * 257, "at most 256"
    ),
    # KMS, instructions
    "kms-key-pattern": Case(
        "image_classification", {"kms_key_id": "alias/my key"}, "kms_key_id", "alias/my key", "must match"
    ),
    "instructions-not-text": Case(
        "image_classification", {"instructions.short": 3}, "instructions.short", 3, "must be text"
    ),
    "example-empty": Case(
        "image_classification",
        {"instructions.good_examples": [{}]},
        "instructions.good_examples[0]",
        {},
        "needs a label, text",
    ),
    "example-image-uri": Case(
        "image_classification",
        {"instructions.bad_examples": [{"label": "Bag", "image_uri": "s3://b/it's.jpg"}]},
        "instructions.bad_examples[0].image_uri",
        "s3://b/it's.jpg",
        "without quotes",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_rule(case: Case) -> None:
    found = check(build(case.base, case.changes), region=case.region, others=case.others)
    assert len(found) == 1, found
    (violation,) = found
    assert violation.field == case.field
    assert violation.value == case.value
    assert case.fragment in violation.rule
    text = str(violation)
    assert text.startswith(f"{case.field} = {case.value!r}: ") and case.fragment in text


# --- what must pass ------------------------------------------------------------------------------


def test_seed_examples_are_valid() -> None:
    fashion = build(
        "image_classification",
        {
            "name": "fashion",
            "title": "Classify Fashion Images to one of 4 categories",
            "workers_per_object": 1,
        },
    )
    numbers = build(
        "text_classification",
        {
            "name": "numbers",
            "instructions.short": "Classify the number as even or odd",
            "task_time_limit_seconds": 3600,
        },
    )
    signs = build(
        "image_classification",
        {
            "name": "labeling-job-project",
            "labels": ["yield", "stop", "30 km/h"],
            "keywords": ["traffic signs"],
        },
    )
    for spec in (fashion, numbers, signs):
        assert check(spec) == []


def test_cloudformation_strings_are_accepted() -> None:
    spec = build(
        "image_classification",
        {"workers_per_object": "3", "task_time_limit_seconds": "300", "automated_labeling": "false"},
    )
    assert check(spec) == []


def test_automated_labeling_with_enough_objects() -> None:
    spec = build(
        "bounding_box",
        {
            "automated_labeling": True,
            "input.selection": {
                "mode": "sample",
                "sample_size": MIN_OBJECTS_FOR_AUTOMATED_LABELING,
                "seed": 7,
            },
        },
    )
    assert check(spec) == []
    # selection `all`: the count is unknown here; the manifest Lambda enforces the minimum.
    assert check(build("bounding_box", {"automated_labeling": True})) == []


def test_mturk_job_is_valid_with_its_requirements() -> None:
    spec = build("bounding_box", {"workforce": MTURK, "task_availability_lifetime_seconds": 43_200})
    assert check(spec) == []


def test_audit_of_an_earlier_job_is_valid() -> None:
    spec = build("bounding_box_verification", {**AUDIT_OF_BOXES, "audit_label_attribute_name": "boxes"})
    assert check(spec, others={"boxes": BOXES}) == []


def test_unicode_tags_are_letters() -> None:
    assert check(build("image_classification", {"tags": {"Équipe": "Vision 3D", "チーム": "画像"}})) == []


def test_concurrency_above_1000_is_allowed_but_warned() -> None:
    spec = build("image_classification", {"max_concurrent_task_count": 2000})
    assert check(spec) == []
    (warning,) = job_spec_warnings(spec)
    assert warning.field == "max_concurrent_task_count" and "AWS Support" in warning.rule


def test_warnings_for_doubtful_choices() -> None:
    many_boxes = build("bounding_box", {"labels": [f"l{i}" for i in range(11)]})
    assert check(many_boxes) == []
    assert [w.field for w in job_spec_warnings(many_boxes)] == ["labels"]
    small_auto = build(
        "bounding_box",
        {"automated_labeling": True, "input.selection": {"mode": "sample", "sample_size": 2000}},
    )
    assert [w.field for w in job_spec_warnings(small_auto)] == ["input.selection.sample_size"]
    assert job_spec_warnings(valid_spec("image_classification")) == []


def test_all_violations_are_reported_at_once() -> None:
    spec = build("image_classification", {"labels": ["Bag"], "workers_per_object": 10, "keywords": ["a-b"]})
    assert {v.field for v in check(spec)} == {"labels", "workers_per_object", "keywords[0]"}


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("fashion", True),
        ("labeling-job-project", True),  # 20 characters
        ("job-1", True),
        ("my-first-labeling-job", False),  # 21 characters
        ("-job", False),
        ("job-", False),
        ("a--b", False),
        ("a_b", False),
        ("Job", False),
        ("", False),
    ],
)
def test_validate_job_name_part(name: str, valid: bool) -> None:
    found = validate_job_name_part(name)
    assert (found == []) is valid
    if not valid:
        assert found[0].field == "name" and found[0].value == name


# --- reported once, with suggestions -------------------------------------------------------------


def test_the_region_is_checked_only_when_the_caller_passes_it() -> None:
    spec = valid_spec("image_classification")
    assert validate_job_spec(spec, private_teams={TEAM}, other_jobs={}) == []
    (violation,) = validate_job_spec(spec, region="us-west-1", private_teams={TEAM}, other_jobs={})
    assert violation.field == "region"


@pytest.mark.parametrize(
    ("changes", "field", "suggestion"),
    [
        ({"task_type": "bounding_bx"}, "task_type", "bounding_box"),
        ({"workers_per_objekt": 1}, "workers_per_objekt", "workers_per_object"),
        ({"input.data_typ": "images"}, "input.data_typ", "data_type"),
        ({"input.kind": "manifset"}, "input.kind", "manifest"),
        ({"workforce.kind": "Private"}, "workforce.kind", "private"),
        ({"workforce.team": TEAM.upper()}, "workforce.team", TEAM),
        ({"input.selection": {"mode": "filtre"}}, "input.selection.mode", "filter"),
    ],
)
def test_a_misspelt_name_or_value_gets_the_nearest_valid_one(
    changes: dict[str, Any], field: str, suggestion: str
) -> None:
    (violation,) = check(build("image_classification", changes))
    assert violation.field == field
    assert violation.rule.endswith(f"; did you mean `{suggestion}`?")


def test_a_job_read_by_a_misspelt_name_gets_the_nearest_job() -> None:
    spec = build("bounding_box_verification", {"input": {"kind": "job_output", "job": "box"}})
    (violation,) = check(spec, others={"boxes": BOXES})
    assert violation.field == "input.job" and violation.rule.endswith("did you mean `boxes`?")


def test_no_suggestion_when_nothing_is_near() -> None:
    assert nearest("zzz", ["private", "mturk", "vendor"]) is None
    assert did_you_mean("zzz", ["private"]) == ""
    assert did_you_mean("private", ["private"]) == ""  # the value itself is no suggestion
    assert nearest("KMS", ["s3_managed", "kms"]) == "kms"  # only the letter case differs


def test_a_missing_value_reads_as_missing_and_survives_copies() -> None:
    violation = Violation("title", MISSING, "every job needs a title")
    assert str(violation) == "title is missing: every job needs a title"
    assert copy.deepcopy(violation).value is MISSING
