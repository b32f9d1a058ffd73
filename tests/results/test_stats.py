"""`stats`: counts, failures, label distribution, workers and agreement, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.results import builders
from tools.results import cli
from tools.results.read.jobdir import JobInput
from tools.results.stats import compute_stats

DATA = Path(__file__).parent / "data"


def run_stats(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The parsed `stats --json` output (JSON: checked field by field below)."""
    assert cli.main(["stats", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_of_a_pulled_classification_job(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = builders.classification_job(tmp_path, with_sources=False)
    stats = run_stats(capsys, "--manifest", str(builders.manifest_path(job)))
    assert (stats["objects"], stats["objects_with_label"], stats["objects_without_label"]) == (6, 4, 2)
    fashion = stats["attributes"]["fashion"]
    assert (fashion["labeled"], fashion["failed"]) == (4, 1)
    assert fashion["failure_reasons"] == {"ClientError: task timed out for every worker": 1}
    assert fashion["labels"] == {
        "Bag": {"instances": 1, "objects": 1},
        "Flipflop ": {"instances": 1, "objects": 1},  # trailing space kept
        "Watch": {"instances": 1, "objects": 1},
        "Ñandú": {"instances": 1, "objects": 1},
    }
    workers = stats["workers"]
    assert {worker: w["tasks"] for worker, w in workers.items()} == {"w1": 4, "w2": 3, "w3": 2}
    assert workers["w1"]["median_seconds"] == 10.0  # 12.5, 7.5, 5.0, 15.0
    # w3 gave no timeSpentInSeconds on object 0: acceptance to submission (30 s) is used instead
    assert (workers["w3"]["mean_seconds"], workers["w3"]["median_seconds"]) == (30.0, 30.0)
    agreement = stats["agreement"]
    assert agreement["attribute"] == "fashion"
    assert (agreement["objects_with_several_workers"], agreement["objects_where_workers_split"]) == (3, 1)
    assert agreement["split_share"] == pytest.approx(1 / 3, abs=1e-4)
    # units [Bag, Bag, Watch], [Watch, Watch], [Flipflop, Flipflop]: 1 - 6 * (7 - 5) / (49 - 17)
    assert agreement["krippendorff_alpha_nominal"] == pytest.approx(0.625)
    assert agreement["workers"]["w3"] == {"compared": 2, "agreed": 1, "agreement": 0.5}
    assert agreement["workers"]["w2"]["compared"] == 2  # its answer on the failed object is not compared


def test_stats_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = builders.classification_job(tmp_path, with_sources=False)
    assert cli.main(["stats", "--manifest", str(builders.manifest_path(job))]) == 0
    out = capsys.readouterr().out
    assert "6 objects, 4 with a label, 2 without" in out
    assert "failed x1: ClientError: task timed out for every worker" in out
    assert '"Flipflop "' in out  # a trailing space is shown, quoted
    assert "Krippendorff's alpha (nominal): 0.625" in out
    assert "w3" in out and "50.0%" in out


def test_stats_per_attribute_of_a_chained_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    stats = run_stats(capsys, "--manifest", str(DATA / "docs" / "bounding_box_verification.manifest"))
    assert set(stats["attributes"]) == {"bounding-box", "verify-bounding-box"}
    assert stats["attributes"]["bounding-box"]["labels"]["bone"] == {"instances": 2, "objects": 1}
    assert stats["workers"] is None and stats["agreement"] is None
    only = run_stats(
        capsys,
        "--manifest",
        str(DATA / "docs" / "bounding_box_verification.manifest"),
        "--attribute",
        "verify-bounding-box",
    )
    assert set(only["attributes"]) == {"verify-bounding-box"}


def test_stats_of_a_chained_adjustment_counts_its_statuses() -> None:
    stats = compute_stats(JobInput(manifest=DATA / "shapes" / "chained_adjustment_non_ascii_keys.manifest"))
    review, original = stats["attributes"]["receipt-fields-review"], stats["attributes"]["receipt-fields"]
    assert review.get("adjustment_status") == {"adjusted": 1, "unadjusted": 1}
    assert "adjustment_status" not in original
    assert review["labels"]["item_line"] == {"instances": 3, "objects": 2}
    assert review["labels"]["tax"] == {"instances": 1, "objects": 1} and "tax" not in original["labels"]


def test_stats_counts_empty_box_lists_and_segmentation_pixels(tmp_path: Path) -> None:
    pallets = compute_stats(JobInput(manifest=DATA / "shapes" / "bounding_box_empty_image.manifest"))
    boxes = pallets["attributes"]["pallet-boxes"]
    assert (boxes["labeled"], boxes["labeled_without_instances"]) == (4, 1)
    assert boxes["labels"] == {"Pallet": {"instances": 6, "objects": 3}}  # 1 + 0 + 3 + 2 boxes
    job, pixels = builders.segmentation_job(tmp_path)
    stats = compute_stats(JobInput(manifest=builders.manifest_path(job), root=job))
    streets = stats["attributes"]["streets-ref"]
    assert streets["label_files_missing"] == 1
    total = sum(pixels.values())
    assert streets["pixel_share"] == {
        name: round(count / total, 4) for name, count in sorted(pixels.items(), key=lambda p: -p[1])
    }


def test_stats_with_env_and_job_reads_the_pulled_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = builders.classification_job(tmp_path, with_sources=False)
    calls = []

    def fake_ensure_pulled(env: str, name: str) -> Path:
        calls.append((env, name))
        return job

    monkeypatch.setattr("tools.results.pull.ensure_pulled", fake_ensure_pulled)
    stats = run_stats(capsys, "--env", "dev", "--job", "fashion")
    assert (
        calls == [("dev", "fashion")]
        and stats["objects"] == 6
        and stats["agreement"]["attribute"] == "fashion"
    )


def test_stats_of_a_missing_attribute_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["stats", "--manifest", str(DATA / "docs" / "bounding_box.manifest"), "--attribute", "nope"]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no line carries the label attribute 'nope'" in err
