"""Label category files (docs/ground-truth.md#label-category-config) and worker templates
(docs/ground-truth.md#worker-templates): structure, escaping, Liquid hygiene."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from gt_rules.errors import RuleViolation
from gt_rules.spec import JobSpec
from gt_rules.task_types import TASK_TYPES
from gt_rules.templates import label_category_config, paragraphs, worker_template

from .test_request import CUSTOM_TEMPLATE, valid_spec

TEMPLATE_TYPES = sorted(k for k, t in TASK_TYPES.items() if t.uses_template and not t.is_custom)
UI_TYPES = sorted(k for k, t in TASK_TYPES.items() if not t.uses_template)
HOSTILE = "Speed <script>alert('x')</script> \"30 km/h\" & {{ task.input.taskObject }} {% raw %}"

# Liquid's own tokenizer (Ruby Liquid's TemplateParser): tags `{% %}` and outputs `{{ }}`.
LIQUID_TOKEN_RE = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}?)", re.S)
BLOCKS = {"for": "endfor", "if": "endif", "unless": "endunless", "capture": "endcapture"}


def spec_with(key: str, **changes: Any) -> JobSpec:
    spec: Any = valid_spec(key)
    spec.update(changes)
    return spec


def liquid_problems(template: str) -> list[str]:
    """Stray delimiters in text, malformed tags, unbalanced blocks."""
    problems: list[str] = []
    stack: list[str] = []
    for index, part in enumerate(LIQUID_TOKEN_RE.split(template)):
        if index % 2 == 0:
            if "{{" in part or "{%" in part:
                problems.append(f"stray delimiter in text: {part[:60]!r}")
            continue
        if part.startswith("{{"):
            if not re.fullmatch(r"\{\{ [^{}]+ \}\}", part):
                problems.append(f"malformed output {part!r}")
            continue
        match = re.fullmatch(r"\{% (\w+)[^{}%]* %\}", part)
        if not match:
            problems.append(f"malformed tag {part!r}")
            continue
        word = match.group(1)
        if word in BLOCKS:
            stack.append(BLOCKS[word])
        elif word.startswith("end") and (not stack or stack.pop() != word):
            problems.append(f"unbalanced {word}")
    return problems + [f"unclosed {w}" for w in stack]


def render_once(liquid: str) -> Any:
    """The JSON an attribute yields when each loop runs once (a stand-in for Ground Truth's renderer)."""
    text = liquid.replace("{% unless forloop.first %},{% endunless %}", "").replace("{{ sep }}", "")
    text = re.sub(r"\{% capture (\w+) %\}.*?\{% endcapture %\}", "", text)
    # `to_json` prints a JSON value (here a string); bare outputs are the numbers of a box.
    text = re.sub(r"\{\{ [^{}]+ to_json [^{}]+ \}\}", '"v"', text)
    text = re.sub(r"\{\{ [^{}]+ \}\}", "1", text)
    text = re.sub(r"\{% [^{}%]+ %\}", "", text)
    return json.loads(html.unescape(text))


def attribute(template: str, name: str) -> str:
    match = re.search(rf"\n    {name}='([^']*)'\n", template)
    assert match, f"{name} not found"
    return match.group(1)


# --- escaping --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", TEMPLATE_TYPES)
def test_user_strings_are_escaped(key: str) -> None:
    spec = spec_with(
        key,
        title=HOSTILE,
        instructions={
            "short": HOSTILE,
            "full": f"line one\n{HOSTILE}",
            "good_examples": [{"label": "30 km/h", "text": "<b>round sign</b>", "explanation": 'it\'s "30"'}],
        },
    )
    template = worker_template(spec)
    assert template is not None
    assert template.count("<script") == 1  # only the Crowd HTML Elements loader
    assert "alert(&#x27;x&#x27;)" in template
    assert "&quot;30 km/h&quot;" in template and "&amp;" in template
    assert "&lt;b&gt;round sign&lt;/b&gt;" in template
    assert "it&#x27;s &quot;30&quot;" in template
    # The user's `{{ ... }}` and `{% raw %}` are shown, not run.
    assert "&#123;&#123; task.input.taskObject &#125;&#125;" in template
    assert "&#123;% raw %&#125;" in template
    assert liquid_problems(template) == []


def test_labels_never_enter_the_template() -> None:
    """Labels such as `30 km/h` reach workers from the label file, through `to_json | escape`."""
    spec = spec_with("image_classification", labels=["yield", "stop", "30 km/h", 'say "hi" <now>'])
    template = worker_template(spec)
    assert template is not None and "30 km/h" not in template and "say" not in template
    assert 'categories="{{ task.input.labels | to_json | escape }}"' in template
    assert label_category_config(spec)["labels"][3] == {"label": 'say "hi" <now>'}


def test_example_images() -> None:
    spec = spec_with(
        "bounding_box",
        instructions={
            "short": "Draw boxes",
            "good_examples": [{"label": "stop", "image_uri": "s3://examples/good stop.jpg"}],
            "bad_examples": [
                {"label": "stop", "image_uri": "s3://examples/bad.jpg"},
                {"label": "yield", "image_uri": "https://example.com/y.png?a=1&b=2"},
            ],
        },
    )
    template = worker_template(spec)
    assert template is not None
    assert "{{ 's3://examples/bad.jpg' | grant_read_access }}" in template
    assert "good stop.jpg" not in template  # a space could break the Liquid literal: left out
    assert 'src="https://example.com/y.png?a=1&amp;b=2"' in template
    assert (
        template.index("Good examples")
        < template.index("Bad examples")
        < template.index("</short-instructions>")
    )
    assert liquid_problems(template) == []


def test_paragraphs() -> None:
    assert paragraphs("one\ntwo\n\n\nthree <x>") == "<p>one<br>two</p><p>three &lt;x&gt;</p>"
    assert paragraphs("") == ""


# --- one template per task type (docs/ground-truth.md#worker-templates)
# -----------------------------------------------------------

EXPECTED_ELEMENTS = {
    "image_classification": ("crowd-image-classifier", "crowd-image-classifier", "categories"),
    "image_classification_multilabel": (
        "crowd-image-classifier-multi-select",
        "crowd-image-classifier-multi-select",
        "categories",
    ),
    "bounding_box": ("crowd-bounding-box", "boundingBox", "labels"),
    "semantic_segmentation": ("crowd-semantic-segmentation", "crowd-semantic-segmentation", "labels"),
    "bounding_box_verification": ("crowd-image-classifier", "annotatedResult", "categories"),
    "bounding_box_adjustment": ("crowd-bounding-box", "boundingBox", "labels"),
    "semantic_segmentation_verification": ("crowd-image-classifier", "annotatedResult", "categories"),
    "semantic_segmentation_adjustment": (
        "crowd-semantic-segmentation",
        "crowd-semantic-segmentation",
        "labels",
    ),
    "text_classification": ("crowd-classifier", "crowd-classifier", "categories"),
    "text_classification_multilabel": (
        "crowd-classifier-multi-select",
        "crowd-classifier-multi-select",
        "categories",
    ),
    "video_classification": ("crowd-classifier", "crowd-classifier", "categories"),
}


def test_every_template_type_is_covered() -> None:
    assert sorted(EXPECTED_ELEMENTS) == TEMPLATE_TYPES


@pytest.mark.parametrize("key", TEMPLATE_TYPES)
def test_template_structure(key: str) -> None:
    element, name, choices = EXPECTED_ELEMENTS[key]
    spec = spec_with(key, title="Classify Fashion Images to one of 4 categories")
    template = worker_template(spec)
    assert template is not None
    assert template.startswith(
        '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>\n<crowd-form>'
    )
    assert f'<{element}\n    name="{name}"' in template and template.rstrip().endswith(
        f"</{element}>\n</crowd-form>"
    )
    assert f'{choices}="{{{{ task.input.labels | to_json | escape }}}}"' in template
    assert 'header="Classify Fashion Images to one of 4 categories"' in template
    assert "<short-instructions><p>Pick one</p></short-instructions>" in template
    assert (
        '<full-instructions header="Full instructions"><p>Read carefully.</p><p>Then pick one.</p>'
        in template
    )
    family = TASK_TYPES[key].family
    if family == "image":
        assert 'src="{{ task.input.taskObject | grant_read_access }}"' in template
    elif family == "text":
        assert ">{{ task.input.taskObject }}</classification-target>" in template
    else:
        assert template.count('<source src="{{ task.input.taskObject | grant_read_access }}"') == 3
    assert liquid_problems(template) == []


def test_bounding_box_verification_overlay() -> None:
    spec = spec_with("bounding_box_verification", audit_label_attribute_name="boxes")
    overlay_liquid = attribute(worker_template(spec) or "", "overlay")
    assert 'task.input.manifestLine["boxes"].annotations' in overlay_liquid
    assert 'task.input.manifestLine["boxes-metadata"]["class-map"]' in overlay_liquid
    overlay = render_once(overlay_liquid)
    assert overlay == {
        "boundingBox": {
            "labels": ["v"],
            "value": [{"label": "v", "left": 1, "top": 1, "width": 1, "height": 1}],
        }
    }


def test_bounding_box_adjustment_initial_value() -> None:
    spec = spec_with("bounding_box_adjustment", audit_label_attribute_name="boxes")
    value = render_once(attribute(worker_template(spec) or "", "initial-value"))
    assert value == [{"label": "v", "left": 1, "top": 1, "width": 1, "height": 1}]


def test_semantic_segmentation_verification_overlay() -> None:
    spec = spec_with("semantic_segmentation_verification", audit_label_attribute_name="masks-ref")
    overlay_liquid = attribute(worker_template(spec) or "", "overlay")
    assert 'task.input.manifestLine["masks-ref-metadata"]["internal-color-map"]' in overlay_liquid
    assert (
        '{{ task.input.manifestLine["masks-ref"] | grant_read_access | to_json | escape }}' in overlay_liquid
    )
    assert render_once(overlay_liquid) == {
        "semanticSegmentation": {"labels": ["v"], "labelMappings": {"v": {"color": "v"}}, "src": "v"}
    }


def test_semantic_segmentation_adjustment_initial_value() -> None:
    spec = spec_with("semantic_segmentation_adjustment", audit_label_attribute_name="masks-ref")
    value = render_once(attribute(worker_template(spec) or "", "initial-value"))
    assert value == {"labelMappings": {"v": {"color": "v"}}, "src": "v"}


@pytest.mark.parametrize("audited", [None, "", 'x"] }}{{ evil', "x y"])
def test_audit_template_needs_a_safe_attribute_name(audited: Any) -> None:
    spec = spec_with("bounding_box_verification", audit_label_attribute_name=audited)
    with pytest.raises(RuleViolation) as caught:
        worker_template(spec)
    assert caught.value.violations[0].field == "audit_label_attribute_name"


@pytest.mark.parametrize("key", UI_TYPES)
def test_human_task_ui_types_have_no_template(key: str) -> None:
    assert worker_template(valid_spec(key)) is None


def test_custom_template_is_unchanged() -> None:
    assert worker_template(valid_spec("custom")) == CUSTOM_TEMPLATE


# --- label category configuration (docs/ground-truth.md#label-category-config, #video-and-point-cloud)
# ---------------------------------------------------


def test_classification_label_file_keeps_order() -> None:
    spec = spec_with("image_classification", labels=["Bag", "Eyewear", "Flipflop", "Watch"])
    assert label_category_config(spec) == {
        "document-version": "2018-11-28",
        "labels": [{"label": "Bag"}, {"label": "Eyewear"}, {"label": "Flipflop"}, {"label": "Watch"}],
    }


def test_ner_label_file_has_short_names_and_instructions() -> None:
    spec = spec_with(
        "named_entity_recognition",
        labels=["Person", "Date"],
        label_short_names=["PER", "DT"],
        instructions={"short": "Mark <names>", "full": "All of them"},
    )
    assert label_category_config(spec) == {
        "document-version": "2018-11-28",
        "labels": [
            {"label": "Person", "shortDisplayName": "PER"},
            {"label": "Date", "shortDisplayName": "DT"},
        ],
        "instructions": {
            "shortInstruction": "<p>Mark &lt;names&gt;</p>",
            "fullInstruction": "<p>All of them</p>",
        },
    }
    without = label_category_config(spec_with("named_entity_recognition", instructions={}))
    assert without["labels"][0] == {"label": "Even"}
    # No instructions given: the description stands in, since the NER UI shows this block.
    assert without["instructions"]["shortInstruction"] == "<p>Choose what fits best</p>"


@pytest.mark.parametrize("key", sorted(k for k, t in TASK_TYPES.items() if t.label_config_kind == "2020"))
def test_video_and_point_cloud_label_file(key: str) -> None:
    config = label_category_config(valid_spec(key))
    assert config["document-version"] == "2020-03-01"
    assert config["labels"] == [{"label": "Car"}, {"label": "Pedestrian"}]
    assert config["instructions"]["fullInstruction"] == "<p>Read carefully.</p><p>Then pick one.</p>"
    if TASK_TYPES[key].is_audit:
        assert config["auditLabelAttributeName"] == valid_spec(key)["audit_label_attribute_name"]
    else:
        assert "auditLabelAttributeName" not in config


def test_example_images_in_label_files_need_no_liquid() -> None:
    """The NER UI renders the instructions without Liquid: only https images can be shown."""
    spec = spec_with(
        "named_entity_recognition",
        instructions={
            "short": "Mark names",
            "good_examples": [
                {"text": "Ada met Alan", "image_uri": "s3://b/ner.png"},
                {"text": "x", "image_uri": "https://e.com/a.png"},
            ],
        },
    )
    short = label_category_config(spec)["instructions"]["shortInstruction"]
    assert "grant_read_access" not in short and "s3://" not in short
    assert '<img src="https://e.com/a.png"' in short and "Ada met Alan" in short


def test_the_liquid_checks_catch_known_mistakes() -> None:
    """The helpers above would flag the mistakes they exist for."""
    assert liquid_problems('{"a": {{% if x %}1{% endif %}}')  # `{{%` opens an output tag
    assert liquid_problems("{% for b in c %}x")  # unclosed block
    assert liquid_problems("{{ a }} {{ b")  # stray delimiter
    with pytest.raises(json.JSONDecodeError):
        render_once('[{% for b in c %}{"x": {{ b.x }}},{% endfor %}]')  # trailing comma
