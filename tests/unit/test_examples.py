"""examples/jobs/: one ready-to-copy job per task type, each of which `make plan` accepts when its
block is pasted into the dev environment (with the earlier job it reviews, and the storage
setting its header asks for)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from gt_config import load_environment
from gt_config.loader import CONFIG_DIR
from gt_rules.task_types import TASK_TYPES
from tools import plan

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO_ROOT / "examples" / "jobs"
CORS_INSTRUCTION = "video_and_point_cloud_cors = true"
SAMPLE_INSTRUCTION = "upload_sample_data = false"


def example_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(EXAMPLES_DIR.glob("*.toml"))}


def example_job(path: Path) -> dict[str, Any]:
    (job,) = tomllib.loads(path.read_text(encoding="utf-8"))["jobs"]
    return dict(job)


def header(path: Path) -> str:
    """The comment lines before the [[jobs]] block."""
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n[[jobs]]\n")]


def earlier_example(job: dict[str, Any]) -> Path | None:
    """The example whose job this one reads (verification and adjustment chain to it)."""
    if job["input"].get("kind") != "job_output":
        return None
    by_name = {example_job(path)["name"]: path for path in example_files().values()}
    return by_name[job["input"]["job"]]


def test_every_task_type_has_exactly_one_example_named_after_it() -> None:
    files = example_files()
    assert sorted(files) == sorted(TASK_TYPES)
    for key, path in files.items():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert list(data) == ["jobs"], f"{path.name}: only a [[jobs]] block, nothing else"
        assert len(data["jobs"]) == 1, f"{path.name}: exactly one job"
        assert data["jobs"][0]["task_type"] == key, path.name


def test_example_job_names_are_unique_so_any_of_them_can_be_pasted_together() -> None:
    names = [example_job(path)["name"] for path in example_files().values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_each_example_starts_with_a_header_saying_what_to_change(key: str) -> None:
    text = header(EXAMPLES_DIR / f"{key}.toml")
    lines = text.strip().splitlines()
    assert lines and all(line.startswith("#") for line in lines)
    assert f'task_type = "{key}"' in text
    assert "then change:" in text and "workforce.team" in text
    job = example_job(EXAMPLES_DIR / f"{key}.toml")
    where = {"prefix": "input.prefix", "manifest": "input.manifest_uri", "job_output": "input.job"}
    assert where[job["input"]["kind"]] in text, "the header names the input to change"


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_each_example_passes_plan_in_the_dev_environment(key: str, tmp_path: Path) -> None:
    path = EXAMPLES_DIR / f"{key}.toml"
    job = example_job(path)
    blocks = [(CONFIG_DIR / "dev.toml").read_text(encoding="utf-8")]
    earlier = earlier_example(job)
    if earlier is not None:
        blocks.append(earlier.read_text(encoding="utf-8"))
    blocks.append(path.read_text(encoding="utf-8"))
    # The blocks pasted as text, exactly as the headers tell a user to do.
    (tmp_path / "dev.toml").write_text("\n".join(blocks), encoding="utf-8")
    # The storage settings the header tells a user to make.
    storage = dict(tomllib.loads(blocks[0]).get("storage", {}))
    if CORS_INSTRUCTION in header(path):
        storage["video_and_point_cloud_cors"] = True
    if any(SAMPLE_INSTRUCTION in header(pasted) for pasted in (path, earlier) if pasted is not None):
        storage["upload_sample_data"] = False
    overrides: dict[str, Any] = {"storage": storage}

    config = load_environment("dev", config_dir=tmp_path, environ={}, overrides=overrides)
    lines = plan.plan_environment(config, tmp_path / "plan")

    printed = "\n".join(lines)
    assert f"- {job['name']}: {key} -> job gtlab-dev-{job['name']}-" in printed
    request = json.loads((tmp_path / "plan" / f"{job['name']}.request.json").read_text())
    assert request["LabelingJobName"].startswith(f"gtlab-dev-{job['name']}-")
    job_lines = printed.split(f"- {job['name']}: ", 1)[1].split("\n- ", 1)[0]
    assert "warning:" not in job_lines, "an example should not need a warning"


@pytest.mark.parametrize("key", sorted(TASK_TYPES))
def test_a_prefix_example_says_how_to_use_it_with_your_own_data(key: str) -> None:
    path = example_files()[key]
    reads_a_prefix = example_job(path)["input"].get("kind", "prefix") == "prefix"
    assert (SAMPLE_INSTRUCTION in header(path)) == reads_a_prefix
