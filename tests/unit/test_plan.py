"""`make plan`: the request files are what the Lambda will send once placeholders are filled."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from gt_config import load_environment
from gt_config.loader import CONFIG_DIR
from gt_rules.request import plan_job
from gt_rules.spec import job_context
from tools import plan

REPO_ROOT = Path(__file__).resolve().parents[2]

REAL_VALUES = {
    "${InputBucket}": "gtlab-dev-storage-input-abc",
    "${OutputBucket}": "gtlab-dev-storage-output-def",
    "${ExecutionRoleArn}": "arn:aws:iam::111122223333:role/gtlab-dev-gt-execution",
    "${WorkteamArn:super-labelers}": "arn:aws:sagemaker:us-east-1:111122223333:workteam/private-crowd/team",
    "${ManifestDigest}": "0123abcd",
    "${AWS::AccountId}": "111122223333",
}


def fill(text: str) -> str:
    for placeholder, value in REAL_VALUES.items():
        text = text.replace(placeholder, value)
    return text


def test_plan_writes_each_request_exactly_as_the_lambda_builds_it(tmp_path: Path) -> None:
    assert plan.main(["--env", "dev", "--out", str(tmp_path)]) == 0
    config = load_environment("dev", environ={})
    for name, spec in config.job_specs.items():
        written = json.loads(fill((tmp_path / f"{name}.request.json").read_text()))
        real = job_context(
            partition="aws",
            region="us-east-1",
            account="111122223333",
            name_prefix="gtlab-dev",
            input_bucket=REAL_VALUES["${InputBucket}"],
            output_bucket=REAL_VALUES["${OutputBucket}"],
            role_arn=REAL_VALUES["${ExecutionRoleArn}"],
            workteam_arns={"super-labelers": REAL_VALUES["${WorkteamArn:super-labelers}"]},
            manifest_uri=f"s3://{REAL_VALUES['${InputBucket}']}/_manifests/{name}/0123abcd.manifest",
        )
        assert written == plan_job(spec, real).request


def test_plan_prints_a_summary_and_a_cost_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan.main(["--env", "dev", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "- fashion: image_classification -> job gtlab-dev-fashion-" in out
    # The dev jobs label the sample data, so their counts are known (tests/unit/test_plan_costs.py).
    images = len(list((REPO_ROOT / "sample_data" / "fashion").glob("*.png")))
    assert f"cost: ${images * Decimal('0.08'):.2f} (Ground Truth" in out
    assert f"for {images} objects, counted in sample_data/fashion/" in out
    assert "Total for dev: $" in out and "Budget: $5.00 a month" in out


def test_plan_fails_with_the_synth_message_on_invalid_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CONFIG_DIR / "dev.toml", tmp_path / "dev.toml")
    broken = (tmp_path / "dev.toml").read_text().replace('region = "us-east-1"', 'region = "us-west-1"')
    (tmp_path / "dev.toml").write_text(broken)
    assert plan.main(["--env", "dev", "--out", str(tmp_path / "out")], config_dir=tmp_path) == 1
    err = capsys.readouterr().err
    assert "Invalid configuration for environment 'dev':" in err
    assert "region = 'us-west-1': Ground Truth runs only in these 12 Regions" in err
    assert not (tmp_path / "out").exists()


def test_plan_walks_chained_jobs_in_the_order_synth_creates_them(tmp_path: Path) -> None:
    from tests.every_kind import OVERRIDES

    config = load_environment("dev", environ={}, overrides=OVERRIDES)
    lines = plan.plan_environment(config, tmp_path)
    planned = [line.split(":")[0].removeprefix("- ") for line in lines if line.startswith("- ")]
    assert planned == list(config.job_specs)  # the labeling stack's order too
    assert planned.index("boxes") < planned.index("verify")
    verify = json.loads((tmp_path / "verify.request.json").read_text())
    assert (
        verify["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] == "${OutputManifestUri:boxes}"
    )
