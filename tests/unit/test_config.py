"""One test per configuration rule: each error names the environment, field, value and rule."""

from __future__ import annotations

from typing import Any

import pytest

from gt_config import ConfigError, EnvironmentConfig, known_environments, load_environment
from gt_rules.spec import JobSpec

OIDC = {
    "issuer": "https://i",
    "authorization_endpoint": "https://a",
    "token_endpoint": "https://t",
    "user_info_endpoint": "https://u",
    "logout_endpoint": "https://l",
    "jwks_uri": "https://j",
    "client_id": "c",
    "client_secret_name": "s",
}
PRE_LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:gt-keypoints-pre"
ACS_LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:gt-keypoints-acs"
KEYPOINTS_JOB: dict[str, Any] = {
    "name": "keypoints",
    "task_type": "custom",
    "labels": ["Left eye", "Right eye", "Nose"],
    "title": "Mark keypoints",
    "description": "Mark the eyes and the nose",
    "instructions": {"short": "Mark the eyes and the nose."},
    "input": {"kind": "prefix", "prefix": "faces/", "data_type": "images"},
    "workforce": {"kind": "private", "team": "super-labelers"},
    "custom": {
        "template_file": "examples/keypoints.liquid",
        "pre_lambda_arn": PRE_LAMBDA,
        "acs_lambda_arn": ACS_LAMBDA,
    },
}
# The keypoints job reads the user's own faces/, not the sample data the dev file uploads.
OWN_DATA = {"upload_sample_data": False}
TEAM = {"name": "super-labelers", "description": "Labels", "workers": ["a@example.com"]}


def load(environ: dict[str, str] | None = None, **overrides: Any) -> EnvironmentConfig:
    return load_environment("dev", environ=environ or {}, overrides=overrides)


def error(**overrides: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load(**overrides)
    message = str(caught.value)
    assert message.startswith("Invalid configuration for environment 'dev':")
    return message


def test_repository_environments_load() -> None:
    assert {"dev", "prod"} <= set(known_environments())
    dev = load_environment("dev", environ={})
    assert dev.name_prefix == "gtlab-dev" and dev.stack_name("storage") == "gtlab-dev-storage"
    assert load_environment("prod", environ={}).retain_data is True


def test_default_environment_is_dev() -> None:
    assert load_environment(None, environ={}).name == "dev"


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        load_environment("staging", environ={})
    assert "env = 'staging': unknown environment; known: dev, prod" in str(caught.value)


def test_region_outside_ground_truth_is_refused_with_the_list() -> None:
    message = error(region="us-west-1")
    assert "region = 'us-west-1': Ground Truth runs only in these 12 Regions: ap-northeast-1" in message
    assert "us-west-2" in message


def test_region_and_account_come_from_cdk_defaults_when_config_has_none() -> None:
    config = load({"CDK_DEFAULT_REGION": "eu-west-1", "CDK_DEFAULT_ACCOUNT": "111122223333"}, region=None)
    assert (config.region, config.account) == ("eu-west-1", "111122223333")


def test_config_region_wins_over_cdk_default() -> None:
    assert load({"CDK_DEFAULT_REGION": "eu-west-1"}).region == "us-east-1"


def test_missing_region_is_an_error() -> None:
    assert "region is missing: no Region in config/dev.toml, CDK_DEFAULT_REGION" in error(region=None)


def test_account_must_be_twelve_digits() -> None:
    assert "account = '1234': Value error, account is a 12-digit" in error(account="1234").replace(
        "account = '1234': account", "account = '1234': Value error, account"
    )


@pytest.mark.parametrize("name", ["Super_Labelers", "-lead", "trail-", "double--hyphen", "x" * 31])
def test_team_name_rule(name: str) -> None:
    message = error(teams=[{**TEAM, "name": name}], jobs=[])
    assert f"teams[0].name = {name!r}: team names are 1-30 lowercase letters" in message


def test_duplicate_team_names() -> None:
    message = error(teams=[TEAM, TEAM], jobs=[])
    assert "teams[1].name = 'super-labelers': team names must be unique" in message


def test_malformed_worker_email() -> None:
    message = error(teams=[{**TEAM, "workers": ["not-an-email"]}], jobs=[])
    assert "teams[0].workers = ['not-an-email']: workers[0] 'not-an-email' is not an email address" in message


def test_duplicate_worker_email_is_case_insensitive() -> None:
    message = error(teams=[{**TEAM, "workers": ["a@example.com", "A@Example.com"]}], jobs=[])
    assert "workers[1] 'A@Example.com' is listed twice" in message


def test_empty_team_description() -> None:
    assert "teams[0].description = ''" in error(teams=[{**TEAM, "description": ""}], jobs=[])


def test_at_most_25_teams() -> None:
    teams = [{**TEAM, "name": f"team{i}"} for i in range(26)]
    assert "teams = 26: at most 25 work teams per account and Region" in error(teams=teams, jobs=[])


@pytest.mark.parametrize("prefix", ["myaws", "amazonx", "cognito1"])
def test_project_prefix_must_not_contain_cognito_reserved_words(prefix: str) -> None:
    assert f"project_prefix = {prefix!r}: project_prefix must not contain" in error(project_prefix=prefix)


def test_project_prefix_pattern() -> None:
    assert "project_prefix = 'Gt_Lab': project_prefix is 2-12 lowercase" in error(project_prefix="Gt_Lab")


def test_unknown_keys_are_errors_not_silently_ignored() -> None:
    message = error(storage={"encrypton": "kms"})
    assert "storage.encrypton = 'kms': unknown key in [storage]; did you mean `encryption`?" in message


def test_unknown_encryption_value() -> None:
    assert "storage.encryption = 'sse-c'" in error(storage={"encryption": "sse-c"})


def test_existing_workforce_needs_pool_and_client() -> None:
    message = error(workforce={"mode": "existing_cognito"})
    assert "workforce.user_pool_id is missing: required when workforce.mode is 'existing_cognito'" in message
    assert "workforce.client_id is missing: required" in message


def test_existing_pool_id_pattern() -> None:
    message = error(workforce={"mode": "existing_cognito", "user_pool_id": "pool", "client_id": "c"})
    assert "workforce.user_pool_id = 'pool': must be a Cognito user pool id" in message


def test_oidc_needs_its_config_and_groups_and_no_workers() -> None:
    message = error(workforce={"mode": "oidc"})
    assert "workforce.oidc is missing: required when workforce.mode is 'oidc'" in message
    assert "teams[0].oidc_groups is missing: an OIDC work team needs at least one IdP group" in message
    assert (
        "teams[0].workers = ['labeler@example.com']: OIDC workers are managed in your identity provider"
        in message
    )


def test_oidc_endpoints_must_be_https() -> None:
    message = error(workforce={"mode": "oidc", "oidc": {**OIDC, "issuer": "http://idp.example.com"}})
    assert "workforce.oidc.issuer = 'http://idp.example.com': must be an https:// URL" in message


def test_oidc_settings_outside_oidc_mode_are_refused() -> None:
    assert "workforce.oidc = '(set)': only used when workforce.mode is 'oidc'" in error(
        workforce={"oidc": OIDC}
    )


def test_job_errors_name_environment_job_field_value_and_rule() -> None:
    config = load()
    fashion = config.jobs[0].model_dump(mode="json")
    message = error(jobs=[{**fashion, "labels": ["Bag", "Bag"]}])
    assert "jobs[0](fashion).labels" in message and "'Bag'" in message


def test_duplicate_job_names() -> None:
    fashion = load().jobs[0].model_dump(mode="json")
    assert "jobs[1](fashion).name = 'fashion': job names must be unique" in error(jobs=[fashion, fashion])


def test_each_planned_request_is_checked_against_botocores_model() -> None:
    from gt_config.jobs import request_violations

    config = load()
    spec: JobSpec = {**config.job_specs["fashion"]}
    assert request_violations(config, "fashion", spec) == []
    spec["title"] = "t" * 129  # past TaskTitle's max of 128, which botocore does not check itself
    (violation,) = request_violations(config, "fashion", spec)
    assert violation.field == "request.HumanTaskConfig.TaskTitle"
    assert violation.rule.startswith("CreateLabelingJob:")


def test_model_violations_fail_synth_with_environment_and_job(monkeypatch: pytest.MonkeyPatch) -> None:
    from gt_rules import service_model
    from gt_rules.errors import Violation

    def one(request: dict, **_: object) -> list[Violation]:
        return [Violation("HumanTaskConfig.TaskTitle", request["HumanTaskConfig"]["TaskTitle"], "too long")]

    monkeypatch.setattr(service_model, "service_model_violations", one)
    message = error()
    assert "jobs[0](fashion).request.HumanTaskConfig.TaskTitle = 'Classify Fashion Images" in message
    assert "CreateLabelingJob: too long" in message


@pytest.mark.parametrize(("section", "field"), [("notifications", "job_owner_emails"), ("budget", "emails")])
def test_every_email_list_is_checked(section: str, field: str) -> None:
    assert f"{section}.{field} = ['x@']: {field}[0] 'x@' is not an email address" in error(
        **{section: {field: ["x@"]}}
    )


def test_custom_keypoint_job_uses_its_template_and_own_lambdas() -> None:
    from gt_config.jobs import placeholder_context
    from gt_rules.request import plan_job

    config = load(jobs=[KEYPOINTS_JOB], storage=OWN_DATA)
    spec = config.job_specs["keypoints"]
    plan = plan_job(spec, placeholder_context(config, "keypoints", spec))
    human = plan.request["HumanTaskConfig"]
    assert human["PreHumanTaskLambdaArn"] == PRE_LAMBDA
    assert human["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] == ACS_LAMBDA
    assert "UiTemplateS3Uri" in human["UiConfig"]
    template = next(a for a in plan.artifacts if a.key.endswith("template.liquid"))
    assert "<crowd-keypoint" in template.body


def test_custom_job_with_a_missing_template_file_is_a_config_error() -> None:
    job = {**KEYPOINTS_JOB, "custom": {**KEYPOINTS_JOB["custom"], "template_file": "examples/missing.liquid"}}
    assert "jobs[0](keypoints).custom.template_file = 'examples/missing.liquid': cannot be read" in error(
        jobs=[job], storage=OWN_DATA
    )


# --- One private workforce per account and Region ---


def _environments(tmp_path: Any, **files: str) -> Any:
    for name, text in files.items():
        (tmp_path / f"{name}.toml").write_text(text)
    return tmp_path


COGNITO_ENV = 'region = "{region}"\n{account}[budget]\nenabled = false\n[workforce]\nmode = "{mode}"\n'


def _env(region: str = "us-east-1", mode: str = "cognito", account: str | None = None) -> str:
    return COGNITO_ENV.format(region=region, mode=mode, account=f'account = "{account}"\n' if account else "")


def test_two_environments_creating_a_workforce_in_one_account_and_region_are_refused(tmp_path: Any) -> None:
    config_dir = _environments(tmp_path, dev=_env(), staging=_env())
    with pytest.raises(ConfigError) as caught:
        load_environment("dev", config_dir=config_dir, environ={})
    message = str(caught.value)
    assert "workforce.mode = 'cognito'" in message
    assert "environment 'staging' also creates a private workforce in us-east-1" in message
    assert "one private workforce per Region" in message and "existing_cognito" in message


@pytest.mark.parametrize(
    "other",
    [
        _env(region="us-west-2"),  # another Region
        _env(mode="existing_cognito"),  # attaches to the workforce instead of creating one
        _env(account="222233334444"),  # another account
    ],
)
def test_environments_that_cannot_clash_are_accepted(tmp_path: Any, other: str) -> None:
    config_dir = _environments(tmp_path, dev=_env(account="111122223333"), staging=other)
    assert load_environment("dev", config_dir=config_dir, environ={}).workforce.mode.value == "cognito"


def test_the_clash_check_follows_the_cli_region(tmp_path: Any) -> None:
    no_region = 'project_prefix = "gtlab"\n[budget]\nenabled = false\n'
    config_dir = _environments(tmp_path, dev=no_region, staging=no_region)
    with pytest.raises(ConfigError, match="environment 'staging' also creates"):
        load_environment("dev", config_dir=config_dir, environ={"CDK_DEFAULT_REGION": "eu-west-1"})


# --- Chained jobs: any declaration order; cycles refused ---


def test_a_job_declared_before_the_job_it_reads_is_created_after_it() -> None:
    from tests.every_kind import OVERRIDES

    config = load(**OVERRIDES)
    order = list(config.job_specs)
    assert order.index("boxes") < order.index("verify")
    assert config.jobs[0].name == "verify"  # as declared


def _reads(name: str, job: str) -> dict[str, Any]:
    fashion = load().jobs[0].model_dump(mode="json")
    return {**fashion, "name": name, "input": {"kind": "job_output", "job": job}}


def test_two_jobs_reading_each_other_are_refused_naming_both() -> None:
    message = error(jobs=[_reads("first", "second"), _reads("second", "first")])
    assert "jobs[0](first).input.job = 'second': jobs first and second read each other's output" in message
    assert "(first -> second -> first)" in message
    assert message.count("read each other's output") == 1  # one problem, reported once


def test_a_longer_cycle_names_every_job_in_it() -> None:
    jobs = [_reads("a", "b"), _reads("b", "c"), _reads("c", "a")]
    assert "jobs a, b and c read each other's output (a -> b -> c -> a)" in error(jobs=jobs)


# --- Video frame and 3D point cloud jobs need the wider CORS rule ---


def test_a_video_job_without_the_wider_cors_rule_is_refused_naming_the_setting() -> None:
    from tests.every_kind import JOBS

    (video,) = [job for job in JOBS if job["name"] == "video"]
    message = error(jobs=[video])
    assert "jobs[0](video).task_type = 'video_object_detection'" in message
    assert "set video_and_point_cloud_cors = true in [storage]" in message


def test_a_video_job_with_the_wider_cors_rule_is_accepted() -> None:
    from tests.every_kind import JOBS

    (video,) = [job for job in JOBS if job["name"] == "video"]
    config = load(jobs=[video], storage={"video_and_point_cloud_cors": True})
    assert config.storage.video_and_point_cloud_cors is True


@pytest.mark.parametrize("client_id", ["gt-client", "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "has space"])
def test_an_oidc_client_id_cloudformation_would_refuse_is_refused(client_id: str) -> None:
    message = error(
        workforce={"mode": "oidc", "oidc": {**OIDC, "client_id": client_id}},
        teams=[{"name": "oidc-team", "description": "OIDC", "oidc_groups": ["labelers"]}],
    )
    assert f"workforce.oidc.client_id = {client_id!r}" in message
    assert "AWS::SageMaker::Workforce refuses" in message


@pytest.mark.parametrize("client_id", ["gtclient", "gt_client+1", "A1"])
def test_an_oidc_client_id_cloudformation_accepts_is_accepted(client_id: str) -> None:
    config = load(
        workforce={"mode": "oidc", "oidc": {**OIDC, "client_id": client_id}},
        teams=[{"name": "oidc-team", "description": "OIDC", "oidc_groups": ["labelers"]}],
        jobs=[],
    )
    assert config.workforce.oidc is not None and config.workforce.oidc.client_id == client_id


def test_an_oidc_environment_and_a_cognito_one_in_one_region_clash_too(tmp_path: Any) -> None:
    config_dir = _environments(tmp_path, dev=_env(), staging=_env(mode="oidc"))
    with pytest.raises(ConfigError, match="environment 'staging' also creates a private workforce"):
        load_environment("dev", config_dir=config_dir, environ={})


@pytest.mark.parametrize("source", [{"kind": "manifest", "manifest_uri": "s3://b/x.manifest"}])
def test_a_selection_on_an_input_that_is_not_a_prefix_is_refused(source: dict[str, Any]) -> None:
    fashion = load().jobs[0].model_dump(mode="json")
    job = {**fashion, "input": {**source, "selection": {"mode": "sample", "sample_size": 5}}}
    message = error(jobs=[job])
    assert (
        "jobs[0](fashion).input.selection.mode = 'sample': a selection is only used with kind prefix"
        in message
    )


@pytest.mark.parametrize("repeat", ["bag", "Bag ", " BAG"])
def test_labels_that_differ_only_in_case_or_spaces_are_duplicates(repeat: str) -> None:
    fashion = load().jobs[0].model_dump(mode="json")
    message = error(jobs=[{**fashion, "labels": ["Bag", "Eyewear", repeat]}])
    assert (
        f"jobs[0](fashion).labels[2] = {repeat!r}: labels must be unique; this one repeats labels[0]"
        in message
    )
