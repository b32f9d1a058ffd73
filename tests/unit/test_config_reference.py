"""docs/configuration.md and config/schema.json: current, complete, and generated from the models
and the Ground Truth rules rather than copied from them."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import types
import typing
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Gt, Le, MaxLen, MinLen
from jsonschema import Draft4Validator
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from gt_config.models import EnvironmentConfig
from gt_rules import limits
from gt_rules.task_types import TASK_TYPES
from tools import config_reference

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = REPO_ROOT / "docs" / "configuration.md"
SCHEMA = REPO_ROOT / "config" / "schema.json"


def strip_optional(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        else:
            return annotation


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def tables() -> list[tuple[str, type[BaseModel]]]:
    """(TOML table heading, model) for every table of an environment file, walked from the root."""
    found: list[tuple[str, type[BaseModel]]] = []

    def walk(model: type[BaseModel], path: str) -> None:
        for name, info in model.model_fields.items():
            inner = strip_optional(info.annotation)
            is_array = typing.get_origin(inner) is list
            child = strip_optional(typing.get_args(inner)[0]) if is_array else inner
            if is_model(child):
                child_path = f"{path}.{name}" if path else name
                found.append((f"[[{child_path}]]" if is_array else f"[{child_path}]", child))
                walk(child, child_path)

    walk(EnvironmentConfig, "")
    return found


def headed_models() -> list[tuple[str, type[BaseModel]]]:
    """(text of the reference's heading, model) for the top level and every table."""
    top: list[tuple[str, type[BaseModel]]] = [("Top level", EnvironmentConfig)]
    return top + [(f"`{table}`", model) for table, model in tables()]


def section(heading_text: str) -> list[str]:
    """The table rows under the heading that contains `heading_text`."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### ") and heading_text in line)
    rows: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("| `"):
            rows.append(line)
    return rows


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def row_for(rows: list[str], key: str) -> list[str]:
    (row,) = [row for row in rows if row.startswith(f"| `{key}` |")]
    return cells(row)


def expected_type(annotation: Any) -> str:
    inner = strip_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is list:
        return "array of tables" if is_model(strip_optional(typing.get_args(inner)[0])) else "list of"
    if origin is dict:
        return "table of"
    if is_model(inner):
        return "table"
    if origin is typing.Literal or (isinstance(inner, type) and issubclass(inner, Enum)):
        return "string"
    return {bool: "boolean", int: "integer", str: "string", Decimal: "decimal"}[inner]


def assert_default_shown(default_cell: str, info: FieldInfo, where: str) -> None:
    if info.is_required():
        assert default_cell == "**required**", where
        return
    value = info.get_default(call_default_factory=True)
    if value is None:
        assert default_cell.startswith("unset"), where
    elif isinstance(value, BaseModel):
        assert default_cell == "see its keys", where
    elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
        for item in value:
            for number in item.model_dump(exclude_none=True).values():
                assert str(number) in default_cell, where
    elif isinstance(value, bool):
        assert default_cell == f"`{str(value).lower()}`", where
    elif isinstance(value, Enum):
        assert default_cell == f'`"{value.value}"`', where
    elif isinstance(value, str):
        assert default_cell == f'`"{value}"`', where
    else:
        assert default_cell == f"`{value}`", where


def load_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema() -> Draft4Validator:
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(document)
    return Draft4Validator(document)


def errors(validator: Draft4Validator, data: dict[str, Any]) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


# --- the files are current -------------------------------------------------------------------


def test_generated_files_are_current() -> None:
    stale = config_reference.stale_files(REPO_ROOT)
    assert not stale, f"{', '.join(map(str, stale))} out of date: run: make docs"


def test_check_says_the_one_command_to_run_and_passes_once_regenerated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert config_reference.main(["--check"], root=tmp_path) == 1
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1 and message.endswith("run: make docs")

    assert config_reference.main([], root=tmp_path) == 0
    assert config_reference.main(["--check"], root=tmp_path) == 0

    schema_file = tmp_path / "config" / "schema.json"
    schema_file.write_text(schema_file.read_text().replace('"maximum": 9', '"maximum": 8'))
    capsys.readouterr()
    assert config_reference.main(["--check"], root=tmp_path) == 1
    assert "config/schema.json" in capsys.readouterr().err


def test_generation_is_deterministic() -> None:
    assert config_reference.generated_files() == config_reference.generated_files()


# --- the reference: every key, its type, default and bounds ------------------------------------


def test_every_model_field_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for _, model in headed_models()
        for name, info in model.model_fields.items()
        if not (info.description or "").strip()
    ]
    assert not missing


def test_every_field_appears_in_its_table_with_its_type_and_default() -> None:
    for heading, model in headed_models():
        rows = section(heading)
        assert len(rows) == len(model.model_fields), heading
        for name, info in model.model_fields.items():
            _key, type_cell, default_cell, _rules, description = row_for(rows, name)
            where = f"{heading} {name}"
            assert type_cell.startswith(expected_type(info.annotation)), where
            assert description.startswith((info.description or "")[:40]), where
            if model is EnvironmentConfig and name in ("name", "region"):
                # The loader fills these in from the file name and CDK_DEFAULT_REGION.
                assert "file" in default_cell or "CDK_DEFAULT_REGION" in default_cell, where
            else:
                assert_default_shown(default_cell, info, where)


def test_every_pydantic_bound_is_stated_with_its_number() -> None:
    checked = 0
    for heading, model in headed_models():
        rows = section(heading)
        for name, info in model.model_fields.items():
            rules_cell = row_for(rows, name)[3]
            for bound in info.metadata:
                if isinstance(bound, Ge | Le | Gt | MinLen | MaxLen):
                    (number,) = dataclasses.astuple(bound)
                    stated = f"{number:,}" in rules_cell
                    if bound == MinLen(1):
                        stated = stated or "not empty" in rules_cell
                    assert stated, f"{heading} {name}: {bound}"
                    checked += 1
    assert checked >= 10


def test_allowed_values_of_enums_and_literals_are_listed() -> None:
    assert '`"s3_managed"`, `"kms"`' in row_for(section("`[storage]`"), "encryption")[3]
    assert '`"all"`, `"sample"`, `"filter"`' in row_for(section("`[jobs.input.selection]`"), "mode")[3]


def test_job_rules_are_read_from_gt_rules_when_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing a Ground Truth limit in gt_rules changes the reference and the schema."""
    limit = limits.MAX_WORKERS_PER_OBJECT
    assert f"1 to {limit}" in row_for(section("`[[jobs]]`"), "workers_per_object")[3]
    monkeypatch.setattr(limits, "MAX_WORKERS_PER_OBJECT", limit - 2)
    schema = config_reference.build_schema()
    assert schema["definitions"]["JobConfig"]["properties"]["workers_per_object"]["maximum"] == limit - 2
    assert f"| 1 to {limit - 2} |" in config_reference.render_reference(schema)


def test_every_task_type_appears_with_its_input_labels_and_ui() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for key, task in TASK_TYPES.items():
        heading = f"### `{key}`: {task.display_name}"
        assert heading in text, key
        body = text.split(heading, 1)[1].split("\n### ", 1)[0]
        for data_type in task.prefix_data_types:
            assert f"`{data_type}`" in body, key
        if not task.prefix_data_types:
            assert "`prefix`" not in body.split("**Input:**", 1)[1].split("\n", 1)[0], key
        ui = task.crowd_element or task.human_task_ui_name or "your template"
        assert ui in body.split("**Worker UI:**", 1)[1].split("\n", 1)[0], key
        assert f"at least {task.min_labels}" in body or f"{task.min_labels} to" in body, key
        assert f"examples/jobs/{key}.toml" in body, key
        assert f"[`{key}`](#task-" in text, f"{key} is in the summary table"


# --- the schema: accepts the real files, refuses typos -------------------------------------------


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_schema_accepts_the_repository_environments(schema: Draft4Validator, env: str) -> None:
    assert errors(schema, load_toml(REPO_ROOT / "config" / f"{env}.toml")) == []


def test_schema_accepts_every_example_job(schema: Draft4Validator) -> None:
    examples = sorted((REPO_ROOT / "examples" / "jobs").glob("*.toml"))
    assert examples
    for path in examples:
        assert errors(schema, load_toml(path)) == [], path.name


def _dev_with(change: typing.Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = load_toml(REPO_ROOT / "config" / "dev.toml")
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "misspelt"),
    [
        (lambda d: d.__setitem__("regoin", "us-east-1"), "regoin"),
        (lambda d: d["storage"].__setitem__("encrypton", "kms"), "encrypton"),
        (lambda d: d["jobs"][0].__setitem__("task_typ", "bounding_box"), "task_typ"),
        (lambda d: d["jobs"][0]["input"].__setitem__("prefx", "x/"), "prefx"),
    ],
)
def test_schema_rejects_a_misspelt_key(
    schema: Draft4Validator, change: typing.Callable[[dict[str, Any]], None], misspelt: str
) -> None:
    (message,) = errors(schema, _dev_with(change))
    assert f"'{misspelt}' was unexpected" in message


def test_schema_rejects_values_that_break_the_rules(schema: Draft4Validator) -> None:
    def unknown_task_type(d: dict[str, Any]) -> None:
        d["jobs"][0]["task_type"] = "image_clasification"

    def too_many_workers(d: dict[str, Any]) -> None:
        d["jobs"][0]["workers_per_object"] = limits.MAX_WORKERS_PER_OBJECT + 1

    def unsupported_region(d: dict[str, Any]) -> None:
        d["region"] = "us-west-1"

    for change in (unknown_task_type, too_many_workers, unsupported_region):
        assert len(errors(schema, _dev_with(change))) == 1, change.__name__


def test_schema_leaves_out_what_the_loader_fills_in(schema: Draft4Validator) -> None:
    """An environment file may omit its name (the file name) and Region (CDK_DEFAULT_REGION)."""
    data = _dev_with(lambda d: d.pop("region"))
    assert "name" not in data
    assert errors(schema, data) == []
