"""Configuration messages a newcomer can act on: each rule below is shown with a broken copy of the
dev file and the message it must give (file, line shown, value written, rule, suggestion), once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from gt_config import ConfigError, load_environment
from gt_config.jobs import job_spec, placeholder_context
from gt_config.loader import CONFIG_DIR, ProfileRegion, aws_profile_region
from gt_rules.request import plan_job
from tools import deploy_check, plan

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_TEXT = (CONFIG_DIR / "dev.toml").read_text(encoding="utf-8")
REGION_LINE = 'region = "us-east-1"\n'
# Variables that name a Region or a profile: removed, so a test sees only what it sets itself.
AWS_SETTINGS = (
    "CDK_DEFAULT_REGION",
    "CDK_DEFAULT_ACCOUNT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
)


def write_dev(tmp_path: Path, *replacements: tuple[str, str], append: str = "") -> Path:
    """A copy of config/dev.toml with each (old, new) replaced once (old must be there)."""
    text = DEV_TEXT
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    (tmp_path / "dev.toml").write_text(text + append, encoding="utf-8")
    return tmp_path / "dev.toml"


def line_number(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` that contains `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def message(
    tmp_path: Path,
    environ: Mapping[str, str] | None = None,
    profile: ProfileRegion | None = None,
) -> str:
    with pytest.raises(ConfigError) as caught:
        load_environment(
            "dev", config_dir=tmp_path, environ=environ or {}, profile_region=lambda _environ: profile
        )
    return str(caught.value)


# --- the file, the line, the line shown ---------------------------------------------------------


def test_a_toml_syntax_error_names_file_line_and_column_and_points_at_it(tmp_path: Path) -> None:
    path = write_dev(tmp_path, (REGION_LINE, 'region "us-east-1"\n'))
    text = message(tmp_path)
    number = line_number(path, 'region "us-east-1"')
    column = len("region ") + 1  # where tomllib expected the `=`
    assert text.startswith(f"Invalid configuration for environment 'dev': 1 problem in {path}")
    assert f"not valid TOML (line {number}, column {column}): Expected '=' after a key" in text
    assert f"{path}:{number}:{column}" in text
    shown, caret = text.splitlines()[-2:]
    assert shown.endswith(f'{number} | region "us-east-1"')
    assert caret.index("^") == shown.index('"us-east-1"')
    assert "Traceback" not in text


def test_a_toml_error_at_the_end_of_the_file_points_at_its_last_line(tmp_path: Path) -> None:
    path = write_dev(tmp_path, append="[budget\n")
    text = message(tmp_path)
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert f"{path}:{last}:" in text and "not valid TOML" in text


def test_a_rule_broken_in_the_file_shows_the_line_that_breaks_it(tmp_path: Path) -> None:
    path = write_dev(tmp_path, (REGION_LINE, 'region = "us-west-1"\n'))
    text = message(tmp_path)
    assert "region = 'us-west-1': Ground Truth runs only in these 12 Regions" in text
    assert f'{path}:{line_number(path, "us-west-1")}: region = "us-west-1"' in text


def test_a_key_in_an_array_of_tables_is_found_in_the_right_element(tmp_path: Path) -> None:
    # Both jobs have keywords; the second job's bad keyword must point at the second job's line.
    path = write_dev(tmp_path, ('keywords = ["text", "numbers"]', 'keywords = ["text", "even-odd"]'))
    text = message(tmp_path)
    assert "jobs[1](numbers).keywords[1] = 'even-odd': a keyword may contain only letters" in text
    assert f'{path}:{line_number(path, "even-odd")}: keywords = ["text", "even-odd"]' in text


def test_a_value_from_the_environment_says_where_it_came_from(tmp_path: Path) -> None:
    path = write_dev(tmp_path, (REGION_LINE, ""))
    text = message(tmp_path, environ={"AWS_REGION": "us-west-1"})
    assert "region = 'us-west-1': Ground Truth runs only" in text
    assert f"from AWS_REGION, as {path} sets no region" in text


# --- missing fields and the value written --------------------------------------------------------


def test_a_missing_field_is_reported_as_missing_never_as_its_whole_table(tmp_path: Path) -> None:
    path = write_dev(tmp_path, ('title = "Classify Fashion Images to one of 4 categories"\n', ""))
    text = message(tmp_path)
    assert "jobs[0](fashion).title is missing: required. The task's title" in text
    assert "{" not in text and "'labels'" not in text  # pydantic's input would be the whole job
    jobs_header = line_number(path, "[[jobs]]")
    assert f"{path}:{jobs_header}: [[jobs]]   <- the table it belongs in" in text


def test_an_empty_list_is_shown_as_written(tmp_path: Path) -> None:
    path = write_dev(tmp_path, ('labels = ["Bag", "Eyewear", "Flipflop", "Watch"]', "labels = []"))
    text = message(tmp_path)
    assert "jobs[0](fashion).labels = []: labels must be a list of at least 2 names" in text
    assert f"{path}:{line_number(path, 'labels = []')}: labels = []" in text


def test_a_required_address_list_left_out_is_missing_and_written_empty_is_shown(tmp_path: Path) -> None:
    budget = 'monthly_limit_usd = 5\nemails = ["owner@example.com"]'
    write_dev(tmp_path, (budget, "monthly_limit_usd = 5"))
    assert "budget.emails is missing: at least one address when the budget is enabled" in message(tmp_path)
    write_dev(tmp_path, (budget, "monthly_limit_usd = 5\nemails = []"))
    assert "budget.emails = []: at least one address" in message(tmp_path)


# --- each problem once --------------------------------------------------------------------------


def test_an_unsupported_region_is_reported_once_not_once_per_job(tmp_path: Path) -> None:
    write_dev(tmp_path, (REGION_LINE, 'region = "us-west-1"\n'))
    text = message(tmp_path)
    assert text.count("Ground Truth runs only in these 12 Regions") == 1
    assert "1 problem in" in text


def test_a_bad_region_is_reported_with_a_misspelt_key_in_the_same_round(tmp_path: Path) -> None:
    write_dev(
        tmp_path,
        (REGION_LINE, 'region = "us-west-1"\n'),
        ("workers_per_object = 1", "workers_per_objet = 1"),
    )
    text = message(tmp_path)
    assert text.count("region = 'us-west-1': Ground Truth runs only") == 1
    assert "workers_per_objet = 1: unknown key" in text and "2 problems in" in text


def test_an_invalid_job_name_is_reported_once(tmp_path: Path) -> None:
    write_dev(tmp_path, ('name = "fashion"', 'name = "Fashion"'))
    text = message(tmp_path)
    assert text.count("jobs[0](Fashion).name = 'Fashion'") == 1


# --- suggestions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "workers_per_object = 1\ntask_time_limit_seconds = 300",
            "workers_per_objet = 1\ntask_time_limit_seconds = 300",
            "jobs[0](fashion).workers_per_objet = 1: unknown key in [[jobs]]; "
            "did you mean `workers_per_object`?",
        ),
        (
            'encryption = "s3_managed"',
            'encrypton = "s3_managed"',
            "storage.encrypton = 's3_managed': unknown key in [storage]; did you mean `encryption`?",
        ),
        (
            'task_type = "image_classification"',
            'task_type = "image_clasification"',
            "did you mean `image_classification`?",
        ),
        (
            'kind = "prefix"\nprefix = "fashion/"',
            'kind = "prefx"\nprefix = "fashion/"',
            "jobs[0](fashion).input.kind = 'prefx': must be one of: prefix, manifest, job_output; "
            "did you mean `prefix`?",
        ),
        (
            'data_type = "images"',
            'data_type = "image"',
            "jobs[0](fashion).input.data_type = 'image': must be one of: images, videos, text_objects, "
            "text_lines, csv_rows; did you mean `images`?",
        ),
        (
            '[jobs.workforce]\nkind = "private"',
            '[jobs.workforce]\nkind = "privat"',
            "jobs[0](fashion).workforce.kind = 'privat': must be one of: private, mturk, vendor; "
            "did you mean `private`?",
        ),
        (
            'mode = "cognito"',
            'mode = "cognitto"',
            "workforce.mode = 'cognitto': must be one of: cognito, existing_cognito, oidc; "
            "did you mean `cognito`?",
        ),
        (
            'data_type = "images"',
            'data_type = "images"\n[jobs.input.selection]\nmode = "sampel"\nsample_size = 5',
            "jobs[0](fashion).input.selection.mode = 'sampel': must be one of: all, sample, filter; "
            "did you mean `sample`?",
        ),
        (
            'team = "super-labelers"',
            'team = "super-labeler"',
            "jobs[0](fashion).workforce.team = 'super-labeler': must name a team of this environment "
            "(teams: super-labelers); did you mean `super-labelers`?",
        ),
    ],
)
def test_a_misspelling_gets_the_nearest_valid_spelling(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = write_dev(tmp_path, (old, new))
    text = message(tmp_path)
    assert expected in text
    changed = next(line for line in new.splitlines() if line not in old and not line.startswith("["))
    assert f"{path}:{line_number(path, changed)}: {changed}" in text


def test_a_job_reading_a_misspelt_job_gets_the_nearest_job_name(tmp_path: Path) -> None:
    write_dev(
        tmp_path,
        (
            'kind = "prefix"\nprefix = "numbers/"\ndata_type = "text_objects"',
            'kind = "job_output"\njob = "fashon"',
        ),
        ('task_type = "text_classification"', 'task_type = "image_classification"'),
    )
    text = message(tmp_path)
    assert "jobs[1](numbers).input.job = 'fashon': names no other job" in text
    assert "did you mean `fashion`?" in text


def test_an_unknown_environment_gets_the_nearest_name() -> None:
    with pytest.raises(ConfigError) as caught:
        load_environment("prd", environ={})
    assert "env = 'prd': unknown environment; known: dev, prod; did you mean `prod`?" in str(caught.value)


def test_no_suggestion_for_a_key_like_no_other_lists_the_tables_keys(tmp_path: Path) -> None:
    write_dev(tmp_path, ("[reaper]\n", "[reaper]\nzzz = 1\n"))
    text = message(tmp_path)
    assert "reaper.zzz = 1: unknown key in [reaper]; its keys are: enabled, ttl_hours" in text
    assert "did you mean" not in text


# --- Region and account: one resolution for synth and plan --------------------------------------


def load_without_region(
    tmp_path: Path, environ: Mapping[str, str], profile: ProfileRegion | None = None
) -> tuple[str, str | None]:
    write_dev(tmp_path, (REGION_LINE, ""))
    config = load_environment(
        "dev", config_dir=tmp_path, environ=environ, profile_region=lambda _environ: profile
    )
    return config.region, config.setting_origin("region")


PROFILE = ProfileRegion("ap-south-1", "AWS profile 'default' (test)")


@pytest.mark.parametrize(
    ("environ", "profile", "expected"),
    [
        (
            {"CDK_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "us-east-2"},
            PROFILE,
            ("eu-west-1", "CDK_DEFAULT_REGION"),
        ),
        (
            {"AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "us-east-2"},
            PROFILE,
            ("eu-west-2", "AWS_REGION"),
        ),
        ({"AWS_DEFAULT_REGION": "us-east-2"}, PROFILE, ("us-east-2", "AWS_DEFAULT_REGION")),
        ({}, PROFILE, ("ap-south-1", PROFILE.where)),
    ],
)
def test_a_missing_region_comes_from_cdk_then_aws_variables_then_the_profile(
    tmp_path: Path, environ: dict[str, str], profile: ProfileRegion, expected: tuple[str, str]
) -> None:
    assert load_without_region(tmp_path, environ, profile) == expected


def test_the_file_region_wins_over_every_other_source(tmp_path: Path) -> None:
    write_dev(tmp_path)
    config = load_environment(
        "dev", config_dir=tmp_path, environ={"AWS_REGION": "eu-west-2"}, profile_region=lambda _e: PROFILE
    )
    assert (config.region, config.setting_origin("region")) == ("us-east-1", str(tmp_path / "dev.toml"))


def test_no_region_anywhere_says_where_to_set_it(tmp_path: Path) -> None:
    path = write_dev(tmp_path, (REGION_LINE, ""))
    text = message(tmp_path)
    assert (
        f"region is missing: no Region in {path}, CDK_DEFAULT_REGION, AWS_REGION, AWS_DEFAULT_REGION" in text
    )
    assert f'add region = "us-east-1" (or another Region where Ground Truth runs) to {path}' in text
    assert "export AWS_REGION=us-east-1" in text and "aws configure set region" in text


def test_the_profile_region_is_read_from_the_aws_config_file_without_credentials(tmp_path: Path) -> None:
    config_file = tmp_path / "aws-config"
    config_file.write_text("[default]\nregion = eu-west-2\n[profile lab]\nregion = ap-south-1\n")
    environ = {"AWS_CONFIG_FILE": str(config_file)}
    assert aws_profile_region(environ) == ProfileRegion("eu-west-2", f"AWS profile 'default' ({config_file})")
    lab = aws_profile_region({**environ, "AWS_PROFILE": "lab"})
    assert lab is not None and lab.region == "ap-south-1"
    assert aws_profile_region({**environ, "AWS_PROFILE": "absent"}) is None
    assert aws_profile_region({"AWS_CONFIG_FILE": str(tmp_path / "none")}) is None


def test_the_account_comes_only_from_the_file_or_cdk_default_account(tmp_path: Path) -> None:
    write_dev(tmp_path)
    unknown = load_environment("dev", config_dir=tmp_path, environ={"AWS_ACCOUNT_ID": "111122223333"})
    assert unknown.account is None  # no guessing from other variables; plan shows a placeholder
    given = load_environment("dev", config_dir=tmp_path, environ={"CDK_DEFAULT_ACCOUNT": "111122223333"})
    assert (given.account, given.setting_origin("account")) == ("111122223333", "CDK_DEFAULT_ACCOUNT")


def test_plan_shows_an_unknown_account_as_a_placeholder(tmp_path: Path) -> None:
    write_dev(tmp_path)
    config = load_environment("dev", config_dir=tmp_path, environ={})
    lines = plan.plan_environment(config, tmp_path / "plan")
    assert any(line.startswith("  account: unknown") and "${AWS::AccountId}" in line for line in lines)


def _isolated_environ(tmp_path: Path, aws_config: str | None = None) -> dict[str, str]:
    """The process environment without any AWS Region or profile setting, and an AWS config file
    of the test's own (never the machine's ~/.aws)."""
    environ = {key: value for key, value in os.environ.items() if key not in AWS_SETTINGS}
    config_file = tmp_path / "aws-config"
    if aws_config is not None:
        config_file.write_text(aws_config)
    environ["AWS_CONFIG_FILE"] = str(config_file)
    environ["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "aws-credentials")
    return environ


def _run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def test_synth_and_plan_refuse_a_missing_region_with_the_same_message(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    write_dev(config_dir, (REGION_LINE, ""))
    environ = _isolated_environ(tmp_path)
    synth = _run(
        ["app.py"],
        {
            **environ,
            "CDK_CONTEXT_JSON": f'{{"config_dir": "{config_dir}"}}',
            "CDK_OUTDIR": str(tmp_path / "out"),
        },
    )
    planned = _run(["-m", "tools.plan", "--env", "dev", "--config-dir", str(config_dir)], environ)
    assert synth.returncode == planned.returncode == 1
    assert "region is missing: no Region in" in synth.stderr
    assert synth.stderr == planned.stderr
    assert "Traceback" not in synth.stderr


def test_plan_takes_the_region_of_the_aws_profile_like_the_cdk_cli_does(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    write_dev(config_dir, (REGION_LINE, ""))
    environ = _isolated_environ(tmp_path, "[default]\nregion = eu-west-1\n")
    planned = _run(["-m", "tools.plan", "--env", "dev", "--config-dir", str(config_dir)], environ)
    assert planned.returncode == 0, planned.stderr
    assert "  region: eu-west-1 (from AWS profile 'default'" in planned.stdout


# --- the sample data ---------------------------------------------------------------------------


def test_a_prefix_without_sample_data_is_refused_naming_the_prefixes_there(tmp_path: Path) -> None:
    path = write_dev(tmp_path, ('prefix = "fashion/"', 'prefix = "fasion/"'))
    text = message(tmp_path)
    folders = sorted(f"{p.name}/" for p in (REPO_ROOT / "sample_data").iterdir() if p.is_dir())
    images = len(list((REPO_ROOT / "sample_data" / "fashion").glob("*.png")))
    assert "jobs[0](fashion).input.prefix = 'fasion/': storage.upload_sample_data is true, but" in text
    assert "sample_data/ has no images (.jpg, .jpeg, .png) under this prefix" in text
    assert f"fashion/ ({images} .png)" in text and all(folder in text for folder in folders)
    assert "did you mean `fashion/`?" in text and "set upload_sample_data = false" in text
    assert f'{path}:{line_number(path, "fasion/")}: prefix = "fasion/"' in text


def test_a_prefix_with_sample_files_of_another_data_type_is_refused(tmp_path: Path) -> None:
    write_dev(tmp_path, ('data_type = "text_objects"', 'data_type = "csv_rows"'))
    text = message(tmp_path)
    assert "jobs[1](numbers).input.prefix = 'numbers/'" in text and "has no csv_rows (.csv)" in text


def test_any_prefix_is_accepted_when_the_sample_data_is_not_uploaded(tmp_path: Path) -> None:
    write_dev(
        tmp_path,
        ('prefix = "fashion/"', 'prefix = "my-photos/"'),
        ("upload_sample_data = true", "upload_sample_data = false"),
    )
    config = load_environment("dev", config_dir=tmp_path, environ={})
    assert config.job("fashion").input.prefix == "my-photos/"


def test_a_local_manifest_file_is_refused_with_its_line_count(tmp_path: Path) -> None:
    manifest = tmp_path / "dataset.manifest"
    records = ['{"source-ref": "s3://b/1.png"}', "", '{"source-ref": "s3://b/2.png"}']
    manifest.write_text("\n".join(records) + "\n")
    relative = os.path.relpath(manifest, REPO_ROOT)  # as a user would write it, from the repository
    write_dev(
        tmp_path,
        (
            'kind = "prefix"\nprefix = "fashion/"\ndata_type = "images"',
            f'kind = "manifest"\nmanifest_uri = "{relative}"',
        ),
    )
    text = message(tmp_path)
    lines = sum(1 for record in records if record)
    assert f"{relative} is a local file ({lines} manifest lines)" in text
    assert "Ground Truth reads input manifests from S3 only" in text and f"expected_objects = {lines}" in text


# --- placeholder addresses: deploy refuses them, synth and plan do not ----------------------------


def test_deploy_check_refuses_the_placeholder_addresses_one_line_each(tmp_path: Path) -> None:
    path = write_dev(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert deploy_check.main(["--env", "dev", "--config-dir", str(tmp_path)], out=out, err=err) == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Not deploying environment dev: 3 placeholder email address(es)")
    worker = line_number(path, "labeler@example.com")
    assert lines[1] == (
        f"  {path}:{worker}: teams[0].workers[0] = labeler@example.com: "
        "replace it with the address of a worker of team super-labelers (the invitation and the portal "
        "link go there)"
    )
    assert lines[2].startswith(
        f"  {path}:{line_number(path, 'job_owner_emails')}: notifications.job_owner_emails[0]"
    )
    assert "budget.emails[0] = owner@example.com" in lines[3] and "budget's alerts" in lines[3]
    assert len(lines) == 4


def test_deploy_check_passes_real_addresses(tmp_path: Path) -> None:
    write_dev(
        tmp_path,
        ("labeler@example.com", "ana@labs.acme.io"),
        ('job_owner_emails = ["owner@example.com"]', 'job_owner_emails = ["ops@acme.io"]'),
        ('emails = ["owner@example.com"]', 'emails = ["ops@acme.io"]'),
    )
    out, err = io.StringIO(), io.StringIO()
    assert deploy_check.main(["--env", "dev", "--config-dir", str(tmp_path)], out=out, err=err) == 0
    assert "no placeholder addresses" in out.getvalue() and err.getvalue() == ""


def test_deploy_check_reports_an_invalid_configuration_like_synth(tmp_path: Path) -> None:
    write_dev(tmp_path, (REGION_LINE, 'region = "us-west-1"\n'))
    err = io.StringIO()
    assert deploy_check.main(["--env", "dev", "--config-dir", str(tmp_path)], out=io.StringIO(), err=err) == 1
    assert err.getvalue().startswith("Invalid configuration for environment 'dev': 1 problem")


# --- expected_objects is planning only ----------------------------------------------------------


def test_expected_objects_never_changes_the_job_or_its_name(tmp_path: Path) -> None:
    write_dev(tmp_path, ('name = "fashion"', 'name = "fashion"\nexpected_objects = 2500'))
    with_count = load_environment("dev", config_dir=tmp_path, environ={})
    without = load_environment("dev", environ={})
    assert with_count.job("fashion").expected_objects == 2500
    assert "expected_objects" not in job_spec(with_count.job("fashion"))
    assert with_count.job_specs["fashion"] == without.job_specs["fashion"]
    names = {
        plan_job(
            config.job_specs["fashion"], placeholder_context(config, "fashion", config.job_specs["fashion"])
        ).job_name
        for config in (with_count, without)
    }
    assert len(names) == 1
