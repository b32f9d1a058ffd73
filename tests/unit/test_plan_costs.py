"""`make plan`'s cost estimate counts the objects it can know and says which it assumes.

Every expected number is computed here from the files (never copied from a run): the sample data
is counted the way the manifest Lambda counts it, selection applied.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gt_config import EnvironmentConfig, load_environment
from tools import plan

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO_ROOT / "sample_data"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
FIRST_TIER = Decimal("0.08")  # the dev file's pricing is the default: $0.08 per object up to 50,000


def images_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def texts_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.txt") if p.read_text(encoding="utf-8").strip())


def dollars(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01'))}"


def dev(**overrides: Any) -> EnvironmentConfig:
    return load_environment("dev", environ={}, overrides=overrides)


def fashion_job(**changes: Any) -> dict[str, Any]:
    job = dev().job("fashion").model_dump(mode="json", exclude_none=True)
    job.update(changes)
    return job


def plan_lines(config: EnvironmentConfig, tmp_path: Path, sample_root: Path = SAMPLE_DATA) -> list[str]:
    return plan.plan_environment(config, tmp_path / "plan", sample_root=sample_root)


def cost_line(lines: list[str], job: str) -> str:
    start = lines.index(next(line for line in lines if line.startswith(f"- {job}: ")))
    return next(line for line in lines[start + 1 :] if line.startswith("    cost: "))


def test_the_dev_jobs_are_costed_from_the_sample_data_files(tmp_path: Path) -> None:
    images = len(images_in(SAMPLE_DATA / "fashion"))
    numbers = len(texts_in(SAMPLE_DATA / "numbers"))
    assert images and numbers
    lines = plan_lines(dev(), tmp_path)
    fashion_cost, numbers_cost = images * FIRST_TIER, numbers * FIRST_TIER
    assert cost_line(lines, "fashion") == (
        f"    cost: {dollars(fashion_cost)} (Ground Truth {dollars(fashion_cost)}, Mechanical Turk $0.00) "
        f"for {images} objects, counted in sample_data/fashion/"
    )
    assert cost_line(lines, "numbers").endswith(f"for {numbers} objects, counted in sample_data/numbers/")
    total = fashion_cost + numbers_cost
    assert f"Total for dev: {dollars(total)} (Ground Truth {dollars(total)}, Mechanical Turk $0.00) " in (
        "\n".join(lines)
    )
    assert f"for {images + numbers} objects; every count is known" in "\n".join(lines)
    limit = dev().budget.monthly_limit_usd
    verdict = "within it" if total <= limit else "EXCEEDS"
    assert lines[-1].startswith(
        f"Budget: {dollars(limit)} a month ([budget] monthly_limit_usd): the estimate"
    )
    assert verdict in lines[-1]


@pytest.mark.parametrize("extra", [-2, 10])
def test_a_sample_is_capped_by_the_files_there(tmp_path: Path, extra: int) -> None:
    images = len(images_in(SAMPLE_DATA / "fashion"))
    size = images + extra
    job = fashion_job(input={**fashion_job()["input"], "selection": {"mode": "sample", "sample_size": size}})
    lines = plan_lines(dev(jobs=[job]), tmp_path)
    chosen = min(size, images)
    assert cost_line(lines, "fashion").endswith(
        f"for {chosen} objects, counted in sample_data/fashion/ ({chosen} files selected)"
    )


def test_a_filter_counts_the_files_whose_key_matches(tmp_path: Path) -> None:
    pattern = r"^0(0[2-7]|1[4-9])\.png$"
    matching = [name for name in images_in(SAMPLE_DATA / "fashion") if re.search(pattern, name)]
    assert 0 < len(matching) < len(images_in(SAMPLE_DATA / "fashion"))
    job = fashion_job(input={**fashion_job()["input"], "selection": {"mode": "filter", "key_regex": pattern}})
    line = cost_line(plan_lines(dev(jobs=[job]), tmp_path), "fashion")
    assert f"for {len(matching)} objects, counted in sample_data/fashion/" in line
    assert dollars(len(matching) * FIRST_TIER) in line


def test_a_filter_matching_nothing_says_the_manifest_would_fail(tmp_path: Path) -> None:
    job = fashion_job(
        input={**fashion_job()["input"], "selection": {"mode": "filter", "key_regex": "^none$"}}
    )
    line = cost_line(plan_lines(dev(jobs=[job]), tmp_path), "fashion")
    assert "for 0 objects, from sample_data/fashion/, where the manifest would fail at deploy" in line
    assert "no objects under sample_data/fashion/" in line


# --- text_lines and csv_rows: items, not files ---------------------------------------------------

NOTES = {"a.txt": "first line\n\n  second line \r\nthird", "b.txt": " \n\n", "c.txt": "only one\n"}
ROWS = 'text,source\n"a cell with\na newline",web\n\n,\nlast,row\n'


def text_sample_root(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    (root / "notes").mkdir(parents=True)
    (root / "rows").mkdir()
    for name, text in NOTES.items():
        (root / "notes" / name).write_text(text, encoding="utf-8")
    (root / "rows" / "table.csv").write_text(ROWS, encoding="utf-8")
    return root


def text_job(name: str, prefix: str, data_type: str) -> dict[str, Any]:
    numbers = dev().job("numbers").model_dump(mode="json", exclude_none=True)
    return {**numbers, "name": name, "input": {"kind": "prefix", "prefix": prefix, "data_type": data_type}}


def test_text_lines_and_csv_rows_count_their_non_blank_items(tmp_path: Path) -> None:
    root = text_sample_root(tmp_path)
    lines_expected = sum(1 for text in NOTES.values() for line in text.splitlines() if line.strip())
    rows_expected = sum(1 for row in csv.reader(io.StringIO(ROWS)) if any(cell.strip() for cell in row))
    files_with_text = sum(1 for text in NOTES.values() if text.strip())
    jobs = [text_job("lines", "notes/", "text_lines"), text_job("rows", "rows/", "csv_rows")]
    config = load_environment("dev", environ={}, overrides={"jobs": jobs}, sample_data_dir=root)
    lines = plan_lines(config, tmp_path, sample_root=root)
    assert cost_line(lines, "lines").endswith(
        f"for {lines_expected} objects, counted in sample_data/notes/ "
        f"(non-blank lines of {len(NOTES)} files; {len(NOTES) - files_with_text} blank file skipped)"
    )
    assert cost_line(lines, "rows").endswith(
        f"for {rows_expected} objects, counted in sample_data/rows/ (non-blank rows of 1 file)"
    )


# --- what the sample data cannot tell ------------------------------------------------------------


def own_data(**changes: Any) -> dict[str, Any]:
    return {"storage": {"upload_sample_data": False}, **changes}


def test_an_unknown_count_is_assumed_and_says_so_on_the_same_line(tmp_path: Path) -> None:
    config = dev(**own_data())
    assumed = config.pricing.assumed_objects_per_job
    lines = plan_lines(config, tmp_path)
    line = cost_line(lines, "fashion")
    assert line.endswith(
        f"for {assumed:,} objects, assumed (the objects under fashion/ are listed at deploy): "
        "set expected_objects to plan with your count"
    )
    assert "counts assumed for fashion, numbers: set expected_objects" in "\n".join(lines)


def test_a_manifest_in_s3_is_assumed(tmp_path: Path) -> None:
    uri = "s3://my-input/manifests/dataset.manifest"
    job = fashion_job(input={"kind": "manifest", "manifest_uri": uri})
    line = cost_line(plan_lines(dev(jobs=[job]), tmp_path), "fashion")
    assert f"assumed (the manifest {uri} is read at deploy): set expected_objects" in line


def test_expected_objects_is_the_users_count(tmp_path: Path) -> None:
    job = fashion_job(
        input={"kind": "manifest", "manifest_uri": "s3://b/m.manifest"}, expected_objects=60_000
    )
    line = cost_line(plan_lines(dev(jobs=[job]), tmp_path), "fashion")
    tiers = dev().pricing.fee_tiers
    first = tiers[0].up_to_objects
    assert first is not None and first < 60_000
    fee = first * tiers[0].usd_per_object + (60_000 - first) * tiers[1].usd_per_object
    assert line.startswith(f"    cost: {dollars(fee)} ")
    assert line.endswith("for 60,000 objects, expected_objects")


def test_a_job_reading_another_jobs_output_has_that_jobs_count(tmp_path: Path) -> None:
    images = len(images_in(SAMPLE_DATA / "fashion"))
    review = {
        **fashion_job(),
        "name": "review",
        "task_type": "image_classification",
        "input": {"kind": "job_output", "job": "fashion"},
    }
    lines = plan_lines(dev(jobs=[review, fashion_job()]), tmp_path)
    assert cost_line(lines, "review").endswith(
        f"for {images} objects, the output of job fashion: counted in sample_data/fashion/"
    )


def test_a_chain_from_an_assumed_count_is_assumed_too(tmp_path: Path) -> None:
    review = {**fashion_job(), "name": "review", "input": {"kind": "job_output", "job": "fashion"}}
    lines = plan_lines(dev(**own_data(jobs=[fashion_job(), review])), tmp_path)
    assert "assumed (the output of job fashion: the objects under fashion/" in cost_line(lines, "review")


# --- the environment's total against the budget --------------------------------------------------


def test_a_total_over_the_monthly_budget_says_by_how_much(tmp_path: Path) -> None:
    images = len(images_in(SAMPLE_DATA / "fashion"))
    limit = Decimal("1")
    config = dev(jobs=[fashion_job()], budget={"monthly_limit_usd": limit, "emails": ["ops@acme.io"]})
    total = images * FIRST_TIER
    assert total > limit
    assert plan_lines(config, tmp_path)[-1] == (
        f"Budget: {dollars(limit)} a month ([budget] monthly_limit_usd): the estimate EXCEEDS it by "
        f"{dollars(total - limit)}"
    )


def test_no_budget_is_said(tmp_path: Path) -> None:
    config = dev(budget={"enabled": False})
    assert plan_lines(config, tmp_path)[-1] == "Budget: none ([budget] enabled = false)"
