"""`make docs`: the configuration reference and the editor schema, generated from the config models.

    python -m tools.config_reference           write docs/configuration.md and config/schema.json
    python -m tools.config_reference --check   exit 1 with "run: make docs" when either is out of date

One source for each fact: descriptions, types, defaults and bounds come from gt_config.models
(pydantic); the Ground Truth rules a job must follow come from the constants and the task-type
table of gt_rules, read here when the files are generated, never copied. The schema is JSON Schema
draft 4, the draft that Taplo (the TOML language server behind VS Code's "Even Better TOML")
documents support for (https://taplo.tamasfe.dev/configuration/developing-schemas.html).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from gt_config import models
from gt_config.annotations import inner_type
from gt_config.models import EnvironmentConfig
from gt_rules import limits, project, regions, task_types
from gt_rules import request as job_request
from gt_rules.task_types import TASK_TYPES, TaskType

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = Path("docs/configuration.md")
SCHEMA_FILE = Path("config/schema.json")
REGENERATE = "make docs"
DRAFT_04 = "http://json-schema.org/draft-04/schema#"

# A JSON Schema node: JSON of any shape, so its values are Any.
SchemaNode = dict[str, Any]

# Keys the loader fills in when a file leaves them out: the file name, and the Region from the environment.
LOADER_FILLED = ("name", "region")
FAMILY_NAMES = {
    "image": "image",
    "text": "text",
    "video": "video classification",
    "video_frame": "video frame",
    "point_cloud": "3D point cloud",
    "custom": "custom",
}


# --- the rules that pydantic does not know ----------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """What the generator adds to one field: schema keywords, rule text, the meaning of unset."""

    schema: SchemaNode = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    unset: str | None = None  # what leaving an optional field out means
    default_text: str | None = None  # replaces "required" for fields the loader fills in


NO_RULE = FieldRule()


def _full_match(pattern: re.Pattern[str]) -> str:
    """A Python full-match regex as a JSON Schema pattern (which is searched, not matched)."""
    return f"^(?:{pattern.pattern})$"


def _types_where(predicate: typing.Callable[[TaskType], bool]) -> str:
    return ", ".join(f"`{t.key}`" for t in TASK_TYPES.values() if predicate(t))


def _by_family(value: typing.Callable[[TaskType], int]) -> str:
    """`value` of each task type, grouped: "28,800 for image, text, ...; 2,592,000 for ..."."""
    groups: dict[int, list[str]] = {}
    for task_type in TASK_TYPES.values():
        family = FAMILY_NAMES.get(task_type.family, task_type.family)
        names = groups.setdefault(value(task_type), [])
        if family not in names:
            names.append(family)
    return "; ".join(f"{number:,} for {', '.join(names)}" for number, names in groups.items())


def _usual_and_exceptions(value: typing.Callable[[TaskType], int]) -> str:
    """The most common `value` of the task types, then the types that differ from it."""
    groups: dict[int, list[str]] = {}
    for task_type in TASK_TYPES.values():
        groups.setdefault(value(task_type), []).append(f"`{task_type.key}`")
    usual = max(groups, key=lambda number: len(groups[number]))
    others = [f"{number:,} for {', '.join(keys)}" for number, keys in groups.items() if number != usual]
    return "; ".join([f"{usual:,}", *others])


def _email_list_rule() -> FieldRule:
    return FieldRule(
        schema={"uniqueItems": True, "items": {"pattern": _full_match(limits.EMAIL_RE)}},
        rules=("duplicates are found case-insensitively",),
    )


def field_rules() -> dict[tuple[type[BaseModel], str], FieldRule]:
    """Rules by (model, field), built from gt_rules' constants each time (tests may patch them)."""
    v, t = limits, task_types
    oidc_endpoint = FieldRule(
        schema={"pattern": _full_match(limits.OIDC_ENDPOINT_RE), "maxLength": limits.OIDC_ENDPOINT_MAX}
    )
    lan_schema: SchemaNode = {
        "pattern": _full_match(v.LABEL_ATTRIBUTE_NAME_RE),
        "maxLength": v.LABEL_ATTRIBUTE_NAME_MAX,
    }
    reserved = ", ".join(f"`{name}`" for name in v.RESERVED_LABEL_ATTRIBUTE_NAMES)
    auto_types = _types_where(lambda task: task.allows_auto_labeling)
    rules: dict[tuple[type[BaseModel], str], FieldRule] = {
        (EnvironmentConfig, "name"): FieldRule(
            schema={"pattern": _full_match(models.ENVIRONMENT_NAME_RE)},
            default_text="the file's name",
        ),
        (EnvironmentConfig, "project_prefix"): FieldRule(
            schema={"pattern": _full_match(models.PROJECT_PREFIX_RE)},
            rules=(
                "must not contain "
                + ", ".join(f"`{word}`" for word in models.COGNITO_RESERVED_WORDS)
                + " (Cognito refuses such domain prefixes)",
            ),
        ),
        (EnvironmentConfig, "account"): FieldRule(
            schema={"pattern": _full_match(models.ACCOUNT_RE)}, unset="`CDK_DEFAULT_ACCOUNT`"
        ),
        (EnvironmentConfig, "region"): FieldRule(
            schema={"enum": list(regions.SUPPORTED_REGIONS)},
            default_text="required, or from the environment (`CDK_DEFAULT_REGION`, `AWS_REGION`, profile)",
        ),
        (EnvironmentConfig, "teams"): FieldRule(
            schema={"maxItems": limits.MAX_WORKTEAMS_PER_REGION},
            rules=("team names are unique", "the limit counts every work team of the account and Region"),
        ),
        (EnvironmentConfig, "jobs"): FieldRule(rules=("job names are unique",)),
        (models.WorkforceConfig, "user_pool_id"): FieldRule(
            schema={"pattern": _full_match(limits.COGNITO_POOL_ID_RE)}
        ),
        (models.OidcConfig, "issuer"): oidc_endpoint,
        (models.OidcConfig, "authorization_endpoint"): oidc_endpoint,
        (models.OidcConfig, "token_endpoint"): oidc_endpoint,
        (models.OidcConfig, "user_info_endpoint"): oidc_endpoint,
        (models.OidcConfig, "logout_endpoint"): oidc_endpoint,
        (models.OidcConfig, "jwks_uri"): oidc_endpoint,
        (models.TeamConfig, "name"): FieldRule(
            schema={"pattern": _full_match(models.TEAM_NAME_RE)},
            rules=(
                f"the work team name `<project_prefix>-<env>-<name>` must fully match "
                f"`{limits.WORKTEAM_NAME_RE.pattern}` (at most {limits.WORKTEAM_NAME_MAX} characters)",
            ),
        ),
        # --- jobs: gt_rules.validation ---
        (models.JobConfig, "name"): FieldRule(
            schema={"pattern": _full_match(v.JOB_NAME_PART_RE), "maxLength": v.JOB_NAME_PART_MAX},
            rules=(
                "lowercase letters, digits and single hyphens, not at either end; short enough that "
                f"the labeling job name fits {limits.LABELING_JOB_NAME_MAX} characters",
            ),
        ),
        (models.JobConfig, "task_type"): FieldRule(
            schema={
                "enum": list(TASK_TYPES),
                "x-taplo": {"docs": {"enumValues": [task.display_name for task in TASK_TYPES.values()]}},
            },
            rules=("each type's input, labels, worker UI and special rules: see [Task types](#task-types)",),
        ),
        (models.JobConfig, "label_attribute_name"): FieldRule(
            schema=lan_schema,
            rules=(
                f"not {reserved}, and not ending with `-metadata`",
                "must end with `-ref` for: " + _types_where(lambda task: task.lan_must_end_with_ref),
                "must not end with `-ref` for the other task types",
                "a verification or adjustment job needs another name than the job it reviews",
            ),
            unset="the job's `name`, plus `-ref` where the task type requires it",
        ),
        (models.JobConfig, "labels"): FieldRule(
            schema={"uniqueItems": True, "items": {"minLength": 1, "maxLength": t.MAX_LABEL_LENGTH}},
            rules=(
                "how many labels, and how long each may be, depends on the task type "
                "(see [Task types](#task-types))",
            ),
        ),
        (models.JobConfig, "label_short_names"): FieldRule(
            rules=("`named_entity_recognition` only: exactly one non-empty short name per label",)
        ),
        (models.JobConfig, "title"): FieldRule(
            schema={"minLength": 1, "maxLength": v.TASK_TITLE_MAX},
            rules=("no control characters but tab and line breaks, nothing beyond U+FFFD (such as emoji)",),
        ),
        (models.JobConfig, "description"): FieldRule(
            schema={"minLength": 1, "maxLength": v.TASK_DESCRIPTION_MAX}, rules=("a single line",)
        ),
        (models.JobConfig, "keywords"): FieldRule(
            schema={
                "maxItems": v.KEYWORDS_MAX,
                "items": {"pattern": _full_match(v.KEYWORD_RE), "maxLength": v.KEYWORD_MAX},
            },
            rules=("letters, digits and single spaces (no hyphens)",),
            unset="the task type's keywords (see [Task types](#task-types))",
        ),
        (models.JobConfig, "workers_per_object"): FieldRule(
            schema={"minimum": 1, "maximum": v.MAX_WORKERS_PER_OBJECT},
            unset="the task type's default (see [Task types](#task-types))",
        ),
        (models.JobConfig, "task_time_limit_seconds"): FieldRule(
            schema={"minimum": t.MIN_TASK_TIME, "maximum": t.MAX_TASK_TIME_LONG},
            rules=("at most " + _by_family(lambda task: task.max_task_time_limit_seconds),),
            unset=_by_family(lambda task: task.default_task_time_limit_seconds),
        ),
        (models.JobConfig, "task_availability_lifetime_seconds"): FieldRule(
            schema={"minimum": v.MIN_TASK_AVAILABILITY},
            rules=(
                f"at most {v.MAX_TASK_AVAILABILITY_MTURK:,} with Mechanical Turk",
                f"`make plan` warns above {v.USUAL_MAX_TASK_AVAILABILITY:,}, most accounts' limit",
            ),
            unset=(
                f"{job_request.DEFAULT_AVAILABILITY:,}; with Mechanical Turk "
                f"{job_request.DEFAULT_AVAILABILITY_MTURK:,}"
            ),
        ),
        (models.JobConfig, "max_concurrent_task_count"): FieldRule(
            schema={"minimum": 1, "maximum": v.MAX_CONCURRENT_TASKS},
            rules=(f"above {v.DEFAULT_MAX_CONCURRENT_TASKS:,} needs a quota raised by AWS Support",),
            unset=f"{v.DEFAULT_MAX_CONCURRENT_TASKS:,}",
        ),
        (models.JobConfig, "automated_labeling"): FieldRule(
            rules=(
                f"only for: {auto_types}",
                f"needs at least {v.MIN_OBJECTS_FOR_AUTOMATED_LABELING:,} objects (AWS suggests "
                f"{v.SUGGESTED_OBJECTS_FOR_AUTOMATED_LABELING:,}): checked against `sample_size` at "
                "synth, against the listed objects at deploy",
            )
        ),
        (models.JobConfig, "initial_active_learning_model_arn"): FieldRule(
            schema={"pattern": _full_match(v.MODEL_ARN_RE)},
            rules=("only with `automated_labeling = true`",),
        ),
        (models.JobConfig, "kms_key_id"): FieldRule(
            schema={"pattern": _full_match(v.KMS_KEY_ID_RE), "maxLength": v.KMS_KEY_ID_MAX},
            unset='the environment\'s key when `storage.encryption = "kms"`',
        ),
        (models.JobConfig, "tags"): FieldRule(
            schema={
                "maxProperties": v.TAGS_MAX,
                "additionalProperties": {"type": "string", "maxLength": v.TAG_VALUE_MAX},
            },
            rules=(
                f"keys of 1 to {v.TAG_KEY_MAX} characters, not starting with `aws:` and not "
                f"`{project.JOB_TAG_KEY}`",
                f"keys and values: letters, digits, spaces and `{v.TAG_EXTRA_CHARS}`",
            ),
        ),
        (models.JobConfig, "custom"): FieldRule(
            rules=("required for `custom`, refused for the other types",)
        ),
        (models.JobConfig, "audit_label_attribute_name"): FieldRule(
            schema=lan_schema,
            rules=(
                "verification and adjustment jobs only; filled in from the earlier job when "
                '`input.kind = "job_output"`, required otherwise',
                "must differ from this job's `label_attribute_name`",
            ),
        ),
        (models.Example, "image_uri"): FieldRule(
            rules=(f"must fully match `{v.EXAMPLE_IMAGE_URI_RE.pattern}`",)
        ),
        (models.StorageConfig, "video_and_point_cloud_cors"): FieldRule(
            rules=(
                "must be true when a job is of: " + _types_where(lambda task: t.needs_wide_cors(task.key)),
            )
        ),
        (models.InputConfig, "kind"): FieldRule(
            rules=("which kinds each task type accepts: see [Task types](#task-types)",)
        ),
        (models.InputConfig, "prefix"): FieldRule(rules=("required with kind `prefix`; no leading `/`",)),
        (models.InputConfig, "data_type"): FieldRule(
            rules=(
                "required with kind `prefix`; which data types each task type accepts: see "
                "[Task types](#task-types)",
                "file extensions (any case): "
                + "; ".join(
                    f"`{name}` " + ", ".join(extensions)
                    for name, extensions in t.DATA_TYPE_EXTENSIONS.items()
                ),
            )
        ),
        (models.InputConfig, "manifest_uri"): FieldRule(
            schema={"pattern": _full_match(v.MANIFEST_URI_RE), "maxLength": v.S3_URI_MAX},
            rules=("required with kind `manifest`",),
        ),
        (models.InputConfig, "job"): FieldRule(
            rules=(
                "required with kind `job_output`: another job of this environment; for verification "
                "and adjustment, a job of a type it reviews",
            )
        ),
        (models.InputConfig, "selection"): FieldRule(rules=("used only with kind `prefix`",)),
        (models.SelectionConfig, "sample_size"): FieldRule(
            rules=(
                "required with mode `sample`; at most the task type's object quota: "
                + _usual_and_exceptions(lambda task: task.max_objects),
            )
        ),
        (models.SelectionConfig, "seed"): FieldRule(rules=("at least 0 (mode `sample`)",)),
        (models.SelectionConfig, "key_regex"): FieldRule(
            rules=("required with mode `filter`; must be a valid Python regular expression",)
        ),
        (models.JobWorkforceConfig, "kind"): FieldRule(
            rules=(
                "Mechanical Turk is not available for: " + _types_where(lambda task: not task.allows_mturk),
            )
        ),
        (models.JobWorkforceConfig, "team"): FieldRule(
            rules=("required with kind `private`: the name of one of this environment's teams",)
        ),
        (models.JobWorkforceConfig, "price_usd"): FieldRule(
            rules=(
                "required with kind `mturk`: one of the task type's price points "
                "(see [Task types](#task-types))",
            )
        ),
        (models.JobWorkforceConfig, "content_classifiers"): FieldRule(
            rules=(f"kind `mturk` requires `{v.PII_FREE}`",)
        ),
        (models.JobWorkforceConfig, "workteam_arn"): FieldRule(
            schema={"pattern": _full_match(v.WORKTEAM_ARN_RE), "maxLength": v.WORKTEAM_ARN_MAX},
            rules=(
                "required with kind `vendor`; not the Mechanical Turk team (`workteam/public-crowd/...`)",
            ),
        ),
        (models.StoppingConfig, "max_human_labeled_object_count"): FieldRule(schema={"minimum": 1}),
        (models.StoppingConfig, "max_percentage_of_input_dataset_labeled"): FieldRule(
            schema={"minimum": 1, "maximum": 100}
        ),
        (models.CustomTaskConfig, "template_file"): FieldRule(
            rules=("the file must use a Crowd HTML element (`crowd-...`) or read `{{ task.input }}`",)
        ),
        (models.CustomTaskConfig, "pre_lambda_arn"): FieldRule(
            schema={"pattern": _full_match(v.LAMBDA_ARN_RE), "maxLength": v.LAMBDA_ARN_MAX}
        ),
        (models.CustomTaskConfig, "acs_lambda_arn"): FieldRule(
            schema={"pattern": _full_match(v.LAMBDA_ARN_RE), "maxLength": v.LAMBDA_ARN_MAX}
        ),
    }
    for section in sections():
        for name, info in section.model.model_fields.items():
            if _is_email_list(info):
                rules[(section.model, name)] = _email_list_rule()
    for model, name in rules:
        if name not in model.model_fields:
            raise KeyError(f"field_rules names {model.__name__}.{name}, which is not a field")
    return rules


def _is_email_list(info: FieldInfo) -> bool:
    email_checks = typing.get_args(models.EmailList)[1:]
    return any(item in email_checks for item in info.metadata)


# --- the models, as TOML tables ---------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One model and the TOML tables it describes, e.g. `[[jobs]]` for JobConfig."""

    model: type[BaseModel]
    tables: tuple[str, ...]  # "[storage]", "[[jobs]]"; empty for the top level
    anchor: str


def nested_model(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """(model, is_array) when a field holds a table or an array of tables."""
    inner = inner_type(annotation)
    if typing.get_origin(inner) is list:
        item = inner_type(typing.get_args(inner)[0])
        if inspect.isclass(item) and issubclass(item, BaseModel):
            return item, True
        return None
    if inspect.isclass(inner) and issubclass(inner, BaseModel):
        return inner, False
    return None


def sections() -> list[Section]:
    """Every model reachable from EnvironmentConfig, depth first, in field order."""
    tables: dict[type[BaseModel], list[str]] = {EnvironmentConfig: []}
    anchors: dict[type[BaseModel], str] = {EnvironmentConfig: "top-level"}

    def visit(model: type[BaseModel], path: str) -> None:
        for name, info in model.model_fields.items():
            found = nested_model(info.annotation)
            if found is None:
                continue
            child, is_array = found
            child_path = f"{path}.{name}" if path else name
            table = f"[[{child_path}]]" if is_array else f"[{child_path}]"
            first = child not in tables
            tables.setdefault(child, []).append(table)
            anchors.setdefault(child, child_path.replace(".", "-"))
            if first:
                visit(child, child_path)

    visit(EnvironmentConfig, "")
    return [Section(model, tuple(paths), anchors[model]) for model, paths in tables.items()]


# --- the JSON Schema ---------------------------------------------------------------------------


def _json_default(value: object) -> Any:
    """A default as JSON, as it would be written in TOML; None when there is nothing to show."""
    if value is None or isinstance(value, BaseModel):
        return None  # unset; a table's keys carry their own defaults
    return _plain(value)


def _plain(value: object) -> Any:
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(exclude_none=True))
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _clean(node: SchemaNode) -> SchemaNode:
    """pydantic's schema as a draft-4 TOML schema: no titles, no null (TOML has none)."""
    out: SchemaNode = {}
    for key, value in node.items():
        if key == "title" or (key == "default" and value is None):
            continue
        if key == "properties":
            out[key] = {name: _clean(prop) for name, prop in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _clean(value)
        elif key in ("anyOf", "allOf"):
            branches = [_clean(branch) for branch in value if branch != {"type": "null"}]
            if len(branches) == 1:
                out.update(branches[0])
            else:
                out[key] = branches
        else:
            out[key] = value
    # Draft 4 writes exclusive bounds as flags beside minimum/maximum.
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out[bound], bool):
            out[flag] = out.pop(bound)
            out[bound] = True
    return out


def _merge(node: SchemaNode, extra: Mapping[str, Any]) -> SchemaNode:
    merged = dict(node)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _without_anchor_links(text: str) -> str:
    """Editors show hover text out of this page: point its in-page links at the page."""
    return re.sub(r"\[([^\]]+)\]\(#([^)]+)\)", rf"\1 ({REFERENCE_FILE}#\2)", text)


def schema_description(info: FieldInfo, rule: FieldRule) -> str:
    """The hover text of a key: what it is, what unset means, and its rules."""
    parts = [info.description or ""]
    if rule.unset:
        parts.append(_sentence(f"Unset: {rule.unset}"))
    parts += [_sentence(text[0].upper() + text[1:]) for text in rule.rules]
    return _without_anchor_links(" ".join(part for part in parts if part))


def _property_schema(node: SchemaNode, info: FieldInfo, rule: FieldRule) -> SchemaNode:
    prop = _merge(_clean(node), rule.schema)
    prop.pop("default", None)
    if not info.is_required():
        default = _json_default(info.get_default(call_default_factory=True))
        if default is not None:
            prop["default"] = default
    if info.examples:
        prop["examples"] = [_plain(example) for example in info.examples]
    prop.pop("description", None)  # pydantic's copy of info.description; ours adds the rules
    description = schema_description(info, rule)
    if "$ref" in prop:
        # Draft 4 (and Taplo) ignore every keyword beside $ref: keep the description via allOf.
        prop = {"allOf": [{"$ref": prop.pop("$ref")}], **prop}
    return {"description": description, **prop} if description else prop


def _model_schema(node: SchemaNode, model: type[BaseModel], rules: Mapping[Any, FieldRule]) -> SchemaNode:
    out = _clean({key: value for key, value in node.items() if key != "properties"})
    out["properties"] = {
        name: _property_schema(prop, model.model_fields[name], rules.get((model, name), NO_RULE))
        for name, prop in node["properties"].items()
    }
    return out


def build_schema() -> SchemaNode:
    """config/schema.json: every key of an environment file, for editors (draft 4)."""
    raw = EnvironmentConfig.model_json_schema(ref_template="#/definitions/{model}")
    definitions: SchemaNode = raw.pop("$defs", {})
    rules = field_rules()
    by_name = {section.model.__name__: section.model for section in sections()}
    root = _model_schema(raw, EnvironmentConfig, rules)
    root["required"] = [key for key in root.get("required", []) if key not in LOADER_FILLED]
    if not root["required"]:
        del root["required"]
    out_defs = {
        name: _model_schema(node, by_name[name], rules) if name in by_name else _clean(node)
        for name, node in sorted(definitions.items())
    }
    return {
        "$schema": DRAFT_04,
        "title": "gt-labeling-stack environment (config/<env>.toml)",
        **root,
        "definitions": out_defs,
    }


# --- the Markdown reference --------------------------------------------------------------------


def toml_literal(value: object) -> str:
    """A value as TOML source, for defaults and examples."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return toml_literal(value.value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # a literal string keeps a regex's backslashes readable
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, BaseModel):
        return toml_literal(value.model_dump(exclude_none=True))
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_toml_key(str(key))} = {toml_literal(item)}" for key, item in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _ref_name(node: SchemaNode) -> str | None:
    ref = node.get("$ref") or next((b.get("$ref") for b in node.get("allOf", []) if "$ref" in b), None)
    return str(ref).rsplit("/", 1)[-1] if ref else None


def _is_decimal(node: SchemaNode) -> bool:
    kinds = {branch.get("type") for branch in node.get("anyOf", [])}
    return kinds == {"number", "string"}


def type_text(node: SchemaNode, schema: SchemaNode, links: Mapping[str, Section]) -> str:
    """The Type column: string, integer, decimal, list of strings, table (link), ..."""
    name = _ref_name(node)
    if name is not None:
        target = schema["definitions"][name]
        if "enum" in target:
            return "string"
        section = links[name]
        return f"table ([`{section.tables[0]}`](#{section.anchor}))"
    if "enum" in node:
        return "string"
    if _is_decimal(node):
        return "decimal"
    kind = node.get("type")
    if kind == "array":
        item = node.get("items", {})
        item_name = _ref_name(item)
        if item_name is not None and "enum" not in schema["definitions"][item_name]:
            section = links[item_name]
            return f"array of tables ([`{section.tables[0]}`](#{section.anchor}))"
        return f"list of {type_text(item, schema, links)}s"
    if kind == "object":
        return f"table of {type_text(node.get('additionalProperties', {}), schema, links)}s"
    return str(kind)


def _number(value: float) -> str:
    """1000000.0 -> "1,000,000"; 0.5 -> "0.5" (pydantic writes Decimal bounds as floats)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def _count(low: float | None, high: float | None, unit: str = "") -> str | None:
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{_number(low)} to {_number(high)}{suffix}"
    if low is not None:
        return f"at least {_number(low)}{suffix}"
    if high is not None:
        return f"at most {_number(high)}{suffix}"
    return None


def _pattern_text(pattern: str) -> str:
    """The regex a value must fully match, without the anchors the schema needs."""
    if pattern.startswith("^(?:") and pattern.endswith(")$"):
        return f"fully matches `{pattern[4:-2]}`"
    return f"matches `{pattern}`"


def constraint_texts(node: SchemaNode, schema: SchemaNode) -> list[str]:
    """Every bound, allowed value and pattern the schema states for one key."""
    name = _ref_name(node)
    if name is not None and "enum" in schema["definitions"][name]:
        node = schema["definitions"][name]
    if _is_decimal(node):
        node = next(branch for branch in node["anyOf"] if branch.get("type") == "number")
    found: list[str] = []
    if "enum" in node:
        found.append("one of " + ", ".join(f"`{toml_literal(value)}`" for value in node["enum"]))
    low, high = node.get("minimum"), node.get("maximum")
    if node.get("exclusiveMinimum") and low is not None:
        found.append(f"greater than {_number(low)}")
        low = None
    if node.get("exclusiveMaximum") and high is not None:
        found.append(f"less than {_number(high)}")
        high = None
    numbers = _count(low, high)
    if numbers:
        found.append(numbers)
    if node.get("minLength") == 1 and "maxLength" not in node:
        found.append("not empty")
    else:
        length = _count(node.get("minLength"), node.get("maxLength"), "characters")
        if length:
            found.append(length)
    if "pattern" in node:
        found.append(_pattern_text(node["pattern"]))
    items = _count(node.get("minItems"), node.get("maxItems"), "items")
    if items:
        found.append(items)
    if node.get("uniqueItems"):
        found.append("no duplicates")
    if "maxProperties" in node:
        found.append(f"at most {node['maxProperties']:,} entries")
    item_rules = constraint_texts(node["items"], schema) if isinstance(node.get("items"), dict) else []
    if item_rules:
        found.append("each: " + ", ".join(item_rules))
    values = node.get("additionalProperties")
    value_rules = constraint_texts(values, schema) if isinstance(values, dict) else []
    if value_rules:
        found.append("each value: " + ", ".join(value_rules))
    return found


def default_text(info: FieldInfo, rule: FieldRule) -> str:
    if rule.default_text:
        return rule.default_text
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see its keys"
    if value is None:
        return f"unset: {rule.unset}" if rule.unset else "unset"
    return f"`{toml_literal(value)}`"


def _field_row(name: str, node: SchemaNode, info: FieldInfo, rule: FieldRule, context: _Context) -> str:
    rules = [*constraint_texts(node, context.schema), *rule.rules]
    description = info.description or ""
    if info.examples:
        shown = ", ".join(f"`{name} = {toml_literal(example)}`" for example in info.examples)
        description += f" Example: {shown}"
    cells = [
        f"`{name}`",
        type_text(node, context.schema, context.links),
        default_text(info, rule),
        "; ".join(rules) or "",
        description,
    ]
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


@dataclass(frozen=True)
class _Context:
    schema: SchemaNode
    links: Mapping[str, Section]
    rules: Mapping[tuple[type[BaseModel], str], FieldRule]


def _section_lines(section: Section, context: _Context) -> Iterator[str]:
    yield f'<a id="{section.anchor}"></a>'
    heading = ", ".join(f"`{table}`" for table in section.tables) or "Top level"
    yield ""
    yield f"### {heading}"
    yield ""
    yield inspect.cleandoc(section.model.__doc__ or "")
    yield ""
    yield "| Key | Type | Default | Allowed values and rules | Description |"
    yield "| --- | --- | --- | --- | --- |"
    definition = (
        context.schema
        if section.model is EnvironmentConfig
        else context.schema["definitions"][section.model.__name__]
    )
    for name, info in section.model.model_fields.items():
        node = definition["properties"][name]
        rule = context.rules.get((section.model, name), NO_RULE)
        yield _field_row(name, node, info, rule, context)
    yield ""


def _ui_text(task: TaskType) -> str:
    if task.is_custom:
        return "your template (`custom.template_file`)"
    if task.uses_template:
        return f"generated template with `<{task.crowd_element}>`"
    return f"AWS-provided UI `{task.human_task_ui_name}`"


def _input_text(task: TaskType) -> str:
    kinds = ", ".join(f"`{kind}`" for kind in task.input_kinds)
    if task.prefix_data_types:
        kinds += " (data types: " + ", ".join(f"`{name}`" for name in task.prefix_data_types) + ")"
    return kinds


def _labels_text(task: TaskType) -> str:
    count = _count(task.min_labels, task.max_labels) or ""
    if task.max_labels_with_auto_labeling is not None:
        count += f" (at most {task.max_labels_with_auto_labeling:,} with automated labeling)"
    return f"{count}, each at most {task.max_label_length:,} characters"


def _task_type_lines(task: TaskType) -> Iterator[str]:
    yield f'<a id="task-{task.key.replace("_", "-")}"></a>'
    yield ""
    yield f"### `{task.key}`: {task.display_name}"
    yield ""
    yield f"- **Input:** {_input_text(task)}."
    if task.prefix_data_types:
        extensions = sorted(
            {ext for name in task.prefix_data_types for ext in task_types.DATA_TYPE_EXTENSIONS[name]}
        )
        yield f"  From a prefix it takes objects ending in {', '.join(extensions)}."
    else:
        yield "  It needs a manifest you provide or an earlier job's output: the stack writes none for it."
    yield f"- **Labels:** {_labels_text(task)}."
    if task.console_max_labels is not None and (
        task.max_labels is None or task.console_max_labels < task.max_labels
    ):
        yield f"  The console allows {task.console_max_labels:,}; `make plan` warns above that."
    yield f"- **Worker UI:** {_ui_text(task)}."
    suffix = "must end" if task.lan_must_end_with_ref else "must not end"
    yield f"- **Label attribute name:** {suffix} with `-ref`."
    if task.is_audit:
        reviewed = ", ".join(f"`{key}`" for key in task.audit_of)
        yield f"- **Reviews the output of:** {reviewed} (via `job_output`, or a manifest with those labels)."
    if task.is_custom:
        yield "- **Needs:** a `[jobs.custom]` table with your template and PRE/ACS Lambda ARNs."
    if task_types.needs_wide_cors(task.key):
        yield "- **Needs:** `storage.video_and_point_cloud_cors = true` (the wider CORS rule of these UIs)."
    auto = (
        f"available (algorithm `{task.auto_labeling_algorithm}`)"
        if task.allows_auto_labeling
        else "not available"
    )
    yield f"- **Automated labeling:** {auto}."
    if task.mturk_price_points is None:
        yield "- **Mechanical Turk:** not available."
    else:
        prices = ", ".join(str(price) for price in task.mturk_price_points)
        yield f"- **Mechanical Turk:** `price_usd` one of {prices}."
    yield (
        f"- **Defaults:** {task.default_workers_per_object} worker(s) per object; task time limit "
        f"{task.default_task_time_limit_seconds:,} s (at most {task.max_task_time_limit_seconds:,} s); "
        "keywords " + ", ".join(f'"{word}"' for word in task.default_keywords) + "."
    )
    yield f"- **Objects per job:** at most {task.max_objects:,}."
    yield f"- **Example:** [examples/jobs/{task.key}.toml](../examples/jobs/{task.key}.toml)."
    yield ""


def _task_table(tasks: Sequence[TaskType]) -> Iterator[str]:
    yield "| Key | Task | Input | Labels | Worker UI |"
    yield "| --- | --- | --- | --- | --- |"
    for task in tasks:
        anchor = f"task-{task.key.replace('_', '-')}"
        cells = [
            f"[`{task.key}`](#{anchor})",
            task.display_name,
            _input_text(task),
            _count(task.min_labels, task.max_labels) or "",
            _ui_text(task),
        ]
        yield "| " + " | ".join(_cell(cell) for cell in cells) + " |"
    yield ""


INTRO = f"""\
# Configuration reference

<!-- Generated by `python -m tools.config_reference` from gt_config/models.py and the rules in
gt_rules/. Do not edit: change the models or the rules, then run `{REGENERATE}`. -->

Each environment is one TOML file, `config/<env>.toml`. This page lists every key: its type, its
default, the values it allows and the rules it must follow. Unknown keys are errors, and every rule
below is checked by `make synth` and `make plan` with a message naming the environment, the key,
the value and the rule. A ready-to-copy job for every task type is in
[examples/jobs/](../examples/jobs/).

Editors can check these files and complete their keys with the JSON Schema
[config/schema.json](../config/schema.json), generated with this page. With Taplo (the TOML
language server in VS Code's "Even Better TOML" extension), start a file with the directive
`#:schema ./schema.json`, or map the files to the schema in a `.taplo.toml` at the repository root:

```toml
[[rule]]
include = ["config/*.toml", "examples/jobs/*.toml"]
[rule.schema]
path = "config/schema.json"
```

The schema knows the types, defaults, bounds and patterns; rules that depend on other keys (the
task type's limits, the workforce kind) are checked by `make plan`.

## Selecting objects from a prefix

With `input.kind = "prefix"`, the stack lists the objects of the job's data type under the prefix
(any case of the extensions; folder keys and `_manifests/` are skipped) and writes the manifest at
deploy time. `[jobs.input.selection]` chooses among them:

```toml
[jobs.input]
kind = "prefix"
prefix = "fashion/"
data_type = "images"
# Leave [jobs.input.selection] out, or set mode = "all": every object.

[jobs.input.selection]       # a reproducible sample: the same seed picks the same objects
mode = "sample"
sample_size = 200
seed = 7

# or: only the keys (relative to the prefix) in which a Python regular expression is found
# [jobs.input.selection]
# mode = "filter"
# key_regex = '^2024/.*\\.png$'   # a literal string: backslashes stay as written
```

A sample keeps the keys with the lowest hashes of seed and key, so it does not depend on listing
order, and objects added to the prefix change it only where a new key hashes lower than a chosen
one. With `text_lines` and `csv_rows`, a sample counts files, and every line or row of a chosen
file becomes an item.

## Keys
"""


def render_reference(schema: SchemaNode) -> str:
    all_sections = sections()
    context = _Context(schema=schema, links={s.model.__name__: s for s in all_sections}, rules=field_rules())
    lines = [INTRO]
    lines += [
        "- " + (", ".join(f"[`{t}`](#{s.anchor})" for t in s.tables) or "[Top level](#top-level)")
        for s in all_sections
    ]
    lines.append("- [Task types](#task-types)")
    lines.append("")
    for section in all_sections:
        lines += _section_lines(section, context)
    tasks = list(TASK_TYPES.values())
    lines += ['<a id="task-types"></a>', "", "## Task types", ""]
    lines.append(
        "The `task_type` of a job decides what it reads, how many labels it takes, which worker UI "
        "it uses and which special rules apply. Generated from the task-type table in "
        "`gt_rules/task_types.py`."
    )
    lines.append("")
    lines += _task_table(tasks)
    for task in tasks:
        lines += _task_type_lines(task)
    return "\n".join(lines).rstrip("\n") + "\n"


# --- files -------------------------------------------------------------------------------------


def generated_files() -> dict[Path, str]:
    """Relative path -> content of every generated file."""
    schema = build_schema()
    return {
        REFERENCE_FILE: render_reference(schema),
        SCHEMA_FILE: json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
    }


def stale_files(root: Path) -> list[Path]:
    """Generated files under `root` that are missing or differ from what would be generated now."""
    stale: list[Path] = []
    for relative, text in generated_files().items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(relative)
    return stale


def main(argv: list[str] | None = None, *, root: Path = REPO_ROOT) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(root)
        if stale:
            names = ", ".join(str(path) for path in stale)
            print(
                f"{names} out of date with gt_config/models.py and gt_rules: run: {REGENERATE}",
                file=sys.stderr,
            )
            return 1
        return 0
    for relative, text in generated_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
