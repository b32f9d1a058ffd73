"""Label category files (docs/ground-truth.md#label-category-config) and worker task templates in Crowd HTML +
Liquid (docs/ground-truth.md#worker-templates).

Every user string (title, instructions, examples) is HTML-escaped and its Liquid delimiters are
neutralised, so a label such as `30 km/h`, a quote or `<script>` shows as text and cannot inject
markup or Liquid. Instructions are therefore plain text: blank lines make paragraphs.
Labels never appear in templates: the elements read them from the label file at run time
(`{{ task.input.labels | to_json | escape }}`), so they need no escaping here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from .errors import RuleViolation, Violation
from .limits import EXAMPLE_IMAGE_URI_RE, LABEL_ATTRIBUTE_NAME_RE
from .spec import JobSpec
from .task_types import TaskType, get_task_type

CROWD_SCRIPT = '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>'
LABEL_CONFIG_VERSION_2018 = "2018-11-28"
LABEL_CONFIG_VERSION_2020 = "2020-03-01"
# An attribute name goes inside Liquid lookups (`manifestLine["<name>"]`): only the API's
# characters may pass, which also rules out quotes; example images likewise.
_SAFE_ATTRIBUTE_RE = LABEL_ATTRIBUTE_NAME_RE
_SAFE_IMAGE_URI_RE = EXAMPLE_IMAGE_URI_RE

# Answer names of the AWS sample templates (DG per-task pages; AIOPS for verification). Whether
# the built-in ACS functions depend on them is UNVERIFIED, so we keep AWS's names.
_ANSWER_NAMES = {
    "crowd-image-classifier": "crowd-image-classifier",
    "crowd-image-classifier-multi-select": "crowd-image-classifier-multi-select",
    "crowd-bounding-box": "boundingBox",
    "crowd-semantic-segmentation": "crowd-semantic-segmentation",
    "crowd-classifier": "crowd-classifier",
    "crowd-classifier-multi-select": "crowd-classifier-multi-select",
}
_VERIFICATION_ANSWER_NAME = "annotatedResult"


def escape_text(value: object) -> str:
    """HTML-escape (quotes too) and make `{{`/`{%` inert, so the text renders literally."""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def paragraphs(text: str) -> str:
    """Plain text to HTML: blank lines separate paragraphs, single newlines become <br>."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join("<p>" + "<br>".join(escape_text(line) for line in b.split("\n")) + "</p>" for b in blocks)


# --- label category configuration (docs/ground-truth.md#label-category-config, #video-and-point-cloud)
# ----------------------------------------------------


def label_category_config(spec: JobSpec) -> dict[str, Any]:
    """The JSON document behind LabelCategoryConfigS3Uri; label order defines the class index."""
    task_type = get_task_type(str(spec.get("task_type")))
    labels = [str(label) for label in spec.get("labels", [])]
    if task_type.label_config_kind == "2020":
        config: dict[str, Any] = {
            "document-version": LABEL_CONFIG_VERSION_2020,
            "labels": [{"label": label} for label in labels],
            "instructions": _instruction_block(spec),
        }
        if task_type.is_audit:
            config["auditLabelAttributeName"] = str(spec.get("audit_label_attribute_name", ""))
        return config
    entries: list[dict[str, str]] = [{"label": label} for label in labels]
    config = {"document-version": LABEL_CONFIG_VERSION_2018, "labels": entries}
    if task_type.key == "named_entity_recognition":
        for entry, short in zip(entries, spec.get("label_short_names") or [], strict=False):
            entry["shortDisplayName"] = str(short)
        # The NER UI shows these instructions; the docs say they must be here
        # (docs/ground-truth.md#label-category-config).
        config["instructions"] = _instruction_block(spec)
    return config


def _instruction_block(spec: JobSpec) -> dict[str, str]:
    short, full = _instruction_html(spec, liquid=False)
    return {"shortInstruction": short, "fullInstruction": full}


def _instruction_html(spec: JobSpec, *, liquid: bool) -> tuple[str, str]:
    """(short, full) HTML: short carries the good/bad examples, as the console lays them out."""
    block: Mapping[str, Any] = spec.get("instructions") or {}
    short_text = block.get("short") or spec.get("description") or spec.get("title") or ""
    full_text = block.get("full") or short_text
    short = paragraphs(str(short_text)) + _examples_html(block, liquid=liquid)
    return short, paragraphs(str(full_text))


def _examples_html(block: Mapping[str, Any], *, liquid: bool) -> str:
    parts: list[str] = []
    for group, heading in (("good_examples", "Good examples"), ("bad_examples", "Bad examples")):
        examples = [e for e in block.get(group) or [] if isinstance(e, Mapping)]
        if not examples:
            continue
        items = "".join(f"<li>{_example_html(example, liquid=liquid)}</li>" for example in examples)
        parts.append(f"<h3>{heading}</h3><ul>{items}</ul>")
    return "".join(parts)


def _example_html(example: Mapping[str, Any], *, liquid: bool) -> str:
    out: list[str] = []
    uri = example.get("image_uri")
    if isinstance(uri, str) and _SAFE_IMAGE_URI_RE.fullmatch(uri):
        if uri.startswith("https://"):
            out.append(f'<img src="{escape_text(uri)}" alt="" style="max-width: 100%">')
        elif liquid:
            # Private S3 images need a presigned URL (docs/ground-truth.md#worker-templates); the regex keeps
            # quotes out of the literal.
            out.append(f'<img src="{{{{ \'{uri}\' | grant_read_access }}}}" alt="" style="max-width: 100%">')
    if example.get("label"):
        out.append(f"<strong>{escape_text(example['label'])}</strong>")
    if example.get("text"):
        out.append(f"<p>{escape_text(example['text'])}</p>")
    if example.get("explanation"):
        out.append(f"<p><em>{escape_text(example['explanation'])}</em></p>")
    return "".join(out)


# --- worker templates (docs/ground-truth.md#worker-templates)
# ---------------------------------------------------------------------


def worker_template(spec: JobSpec) -> str | None:
    """The Liquid template for UiTemplateS3Uri; None for types that use a HumanTaskUiArn."""
    task_type = get_task_type(str(spec.get("task_type")))
    if task_type.is_custom:
        return str((spec.get("custom") or {}).get("template_html", ""))
    if not task_type.uses_template:
        return None
    short, full = _instruction_html(spec, liquid=True)
    title = escape_text(spec.get("title", task_type.display_name))
    instructions = (
        f'    <full-instructions header="Full instructions">{full}</full-instructions>\n'
        f"    <short-instructions>{short}</short-instructions>\n"
    )
    element = str(task_type.crowd_element)
    attributes = [f'header="{title}"']
    body = ""
    image_src = 'src="{{ task.input.taskObject | grant_read_access }}"'
    if task_type.family == "image":
        attributes.insert(0, image_src)
    # Classifiers call their choices `categories`; drawing tools call them `labels`
    # (docs/ground-truth.md#worker-templates).
    choices = "labels" if element in ("crowd-bounding-box", "crowd-semantic-segmentation") else "categories"
    attributes.append(f'{choices}="{{{{ task.input.labels | to_json | escape }}}}"')
    name = _ANSWER_NAMES[element]
    if task_type.is_audit:
        audited = _audited_attribute(spec)
        if element == "crowd-image-classifier":
            name = _VERIFICATION_ANSWER_NAME
            attributes.append(f"overlay='{_verification_overlay(task_type, audited)}'")
        elif element == "crowd-bounding-box":
            attributes.append(f"initial-value='[{_box_values(audited)}]'")
        else:
            attributes.append(f"initial-value='{_segmentation_value(audited)}'")
    if task_type.family == "text":
        # Ground Truth auto-escapes output (docs/ground-truth.md#worker-templates)
        target = "{{ task.input.taskObject }}"
        body = f'    <classification-target style="white-space: pre-wrap">{target}</classification-target>\n'
    elif task_type.family == "video":
        source = '<source src="{{ task.input.taskObject | grant_read_access }}" type="video/%s">'
        videos = "".join(source % kind for kind in ("mp4", "webm", "ogg"))
        video = f'<video width="100%" controls>{videos}</video>'
        body = f"    <classification-target>{video}</classification-target>\n"
    attribute_text = "".join(f"\n    {a}" for a in [f'name="{name}"', *attributes])
    return (
        f"{CROWD_SCRIPT}\n<crowd-form>\n  <{element}{attribute_text}\n  >\n{body}{instructions}"
        f"  </{element}>\n</crowd-form>\n"
    )


def _audited_attribute(spec: JobSpec) -> str:
    value = spec.get("audit_label_attribute_name")
    if not isinstance(value, str) or not _SAFE_ATTRIBUTE_RE.fullmatch(value):
        raise RuleViolation(
            [
                Violation(
                    "audit_label_attribute_name",
                    value,
                    "a verification or adjustment template needs the reviewed job's label attribute name",
                )
            ]
        )
    return value


def _line(attribute: str) -> str:
    return f'task.input.manifestLine["{attribute}"]'


def _box_values(audited: str) -> str:
    """Liquid that prints the earlier job's boxes as JSON objects (docs/ground-truth.md#output-manifest
    bounding box output)."""
    class_map = f'{_line(audited + "-metadata")}["class-map"]'
    return (
        f"{{% for box in {_line(audited)}.annotations %}}{{% unless forloop.first %}},{{% endunless %}}"
        "{% capture class_id %}{{ box.class_id }}{% endcapture %}"
        f'{{"label": {{{{ {class_map}[class_id] | to_json | escape }}}}, '
        '"left": {{ box.left }}, "top": {{ box.top }}, "width": {{ box.width }}, "height": {{ box.height }}}'
        "{% endfor %}"
    )


def _segmentation_value(audited: str) -> str:
    """Liquid for the earlier mask and its colours (docs/ground-truth.md#output-manifest semantic segmentation
    output)."""
    color_map = f'{_line(audited + "-metadata")}["internal-color-map"]'
    return (
        # A space between a JSON brace and a Liquid tag: `{{%` would open an output tag.
        '{"labelMappings": { {% assign sep = "" %}'
        f"{{% for entry in {color_map} %}}"
        '{% if entry[1]["class-name"] != "BACKGROUND" %}{{ sep }}'
        '{{ entry[1]["class-name"] | to_json | escape }}: '
        '{"color": {{ entry[1]["hex-color"] | to_json | escape }}}'
        '{% assign sep = "," %}{% endif %}{% endfor %}}, '
        f'"src": {{{{ {_line(audited)} | grant_read_access | to_json | escape }}}}}}'
    )


def _verification_overlay(task_type: TaskType, audited: str) -> str:
    if task_type.key == "bounding_box_verification":
        class_map = f'{_line(audited + "-metadata")}["class-map"]'
        labels = (
            f"{{% for entry in {class_map} %}}{{% unless forloop.first %}},{{% endunless %}}"
            "{{ entry[1] | to_json | escape }}{% endfor %}"
        )
        return f'{{"boundingBox": {{"labels": [{labels}], "value": [{_box_values(audited)}]}}}}'
    color_map = f'{_line(audited + "-metadata")}["internal-color-map"]'
    labels = (
        f'{{% assign sep = "" %}}{{% for entry in {color_map} %}}'
        '{% if entry[1]["class-name"] != "BACKGROUND" %}'
        '{{ sep }}{{ entry[1]["class-name"] | to_json | escape }}'
        '{% assign sep = "," %}{% endif %}{% endfor %}'
    )
    mapping = _segmentation_value(audited)[1:-1]  # reuse labelMappings and src without the braces
    return f'{{"semanticSegmentation": {{"labels": [{labels}], {mapping}}}}}'
