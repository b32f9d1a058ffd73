"""`python -m tools.preflight`: every check passing and failing (AWS answered by botocore's Stubber),
the exit codes, the one line without credentials, and gt_config.addresses."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from gt_config import EnvironmentConfig, load_environment
from gt_config.addresses import is_placeholder_address, placeholder_addresses
from gt_rules.regions import SUPPORTED_REGIONS
from tests.fakes import no_credentials
from tools import preflight
from tools.preflight import (
    BOOTSTRAP_PARAMETER,
    BOOTSTRAP_STACK,
    MIN_BOOTSTRAP_VERSION,
    Clients,
    check_addresses,
    check_bootstrap,
    check_credentials,
    check_ground_truth,
    check_region,
    check_workforce,
)

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
NOW = datetime(2026, 11, 22, tzinfo=UTC)
POOL, CLIENT = "us-east-1_AbC123", "3n4b5cclient"
OTHER_POOL, OTHER_CLIENT = "us-east-1_Zz9", "otherclient"
OIDC = {
    "issuer": "https://idp.acme.io",
    "authorization_endpoint": "https://idp.acme.io/a",
    "token_endpoint": "https://idp.acme.io/t",
    "user_info_endpoint": "https://idp.acme.io/u",
    "logout_endpoint": "https://idp.acme.io/l",
    "jwks_uri": "https://idp.acme.io/j",
    "client_id": "c",
    "client_secret_name": "s",
}
REAL_ADDRESSES = {
    "teams": [{"name": "super-labelers", "description": "d", "workers": ["ana@labelers.acme.io"]}],
    "notifications": {"job_owner_emails": ["owner@acme.io"]},
    "budget": {"monthly_limit_usd": 5, "emails": ["billing@acme.io"]},
}


def config(**overrides: Any) -> EnvironmentConfig:
    """dev as shipped, with real addresses and the given top-level keys replaced."""
    return load_environment("dev", environ={}, overrides={**REAL_ADDRESSES, **overrides})


def oidc_config() -> EnvironmentConfig:
    team = {"name": "super-labelers", "description": "d", "oidc_groups": ["labelers"]}
    return config(workforce={"mode": "oidc", "oidc": OIDC}, teams=[team])


def existing_cognito(pool: str = POOL, client: str = CLIENT) -> EnvironmentConfig:
    return config(workforce={"mode": "existing_cognito", "user_pool_id": pool, "client_id": client})


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Stubs:
    """One stubbed client per service the checks use."""

    def __init__(self) -> None:
        self.clients = Clients(
            *(
                boto3.client(service, region_name=REGION)
                for service in ("sts", "ssm", "cloudformation", "sagemaker")
            )
        )
        self.sts, self.ssm, self.cloudformation, self.sagemaker = (
            Stubber(client) for client in vars(self.clients).values()
        )
        for stub in (self.sts, self.ssm, self.cloudformation, self.sagemaker):
            stub.activate()

    def identity(self, account: str = ACCOUNT) -> None:
        self.sts.add_response(
            "get_caller_identity",
            {"UserId": "AIDA", "Account": account, "Arn": f"arn:aws:iam::{account}:user/dev"},
            {},
        )

    def bootstrap_version(self, version: str) -> None:
        self.ssm.add_response(
            "get_parameter",
            {"Parameter": {"Name": BOOTSTRAP_PARAMETER, "Type": "String", "Value": version, "Version": 1}},
            {"Name": BOOTSTRAP_PARAMETER},
        )

    def no_bootstrap_parameter(self, code: str = "ParameterNotFound") -> None:
        self.ssm.add_client_error(
            "get_parameter", code, "no parameter", expected_params={"Name": BOOTSTRAP_PARAMETER}
        )

    def bootstrap_stack(self, status: str | None) -> None:
        if status is None:
            self.cloudformation.add_client_error(
                "describe_stacks", "ValidationError", f"Stack with id {BOOTSTRAP_STACK} does not exist"
            )
            return
        self.cloudformation.add_response(
            "describe_stacks",
            {"Stacks": [{"StackName": BOOTSTRAP_STACK, "CreationTime": NOW, "StackStatus": status}]},
            {"StackName": BOOTSTRAP_STACK},
        )

    def workforces(self, *workforces: dict[str, Any]) -> None:
        self.sagemaker.add_response("list_workforces", {"Workforces": list(workforces)}, {"MaxResults": 10})

    def labeling_jobs(self) -> None:
        self.sagemaker.add_response("list_labeling_jobs", {"LabelingJobSummaryList": []}, {"MaxResults": 1})


def cognito_workforce(name: str, pool: str = POOL, client: str = CLIENT) -> dict[str, Any]:
    return {
        "WorkforceName": name,
        "WorkforceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workforce/{name}",
        "CognitoConfig": {"UserPool": pool, "ClientId": client},
    }


def oidc_workforce(name: str) -> dict[str, Any]:
    return {
        "WorkforceName": name,
        "WorkforceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workforce/{name}",
        "OidcConfig": {"ClientId": "c", "Issuer": "https://idp.other.io"},
    }


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    created = Stubs()
    yield created
    for stub in (created.sts, created.ssm, created.cloudformation, created.sagemaker):
        stub.assert_no_pending_responses()


def run_main(
    stubs: Stubs, monkeypatch: pytest.MonkeyPatch, environment: EnvironmentConfig
) -> tuple[int, str, str]:
    monkeypatch.setattr(preflight, "load_environment", lambda name: environment)
    out, err = io.StringIO(), io.StringIO()
    code = preflight.main(["--env", "dev"], clients=stubs.clients, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_every_check_passes(stubs: Stubs, monkeypatch: pytest.MonkeyPatch) -> None:
    stubs.identity()
    stubs.bootstrap_version("27")
    stubs.workforces()
    stubs.labeling_jobs()

    code, out, err = run_main(stubs, monkeypatch, config(account=ACCOUNT))

    lines = out.splitlines()
    assert code == 0 and err == ""
    assert [line.split()[:2] for line in lines[1:7]] == [
        ["PASS", "credentials"],
        ["PASS", "region"],
        ["PASS", "cdk"],
        ["PASS", "workforce"],
        ["PASS", "ground"],
        ["PASS", "email"],
    ]
    assert lines[-1] == "All 6 checks passed: ready for `make deploy ENV=dev`."


def test_one_failed_check_exits_1_and_the_rest_still_run(
    stubs: Stubs, monkeypatch: pytest.MonkeyPatch
) -> None:
    stubs.identity()
    stubs.no_bootstrap_parameter()
    stubs.bootstrap_stack(None)
    stubs.workforces()
    stubs.labeling_jobs()

    code, out, _ = run_main(stubs, monkeypatch, config())

    assert code == 1
    bootstrap = next(line for line in out.splitlines() if "cdk bootstrap" in line)
    assert bootstrap.startswith("FAIL")
    assert bootstrap.endswith("-> run `make bootstrap ENV=dev` (once per account and Region)")
    assert out.splitlines()[-1].startswith("1 of 6 checks failed")


def test_no_credentials_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    no_credentials(monkeypatch)
    monkeypatch.setattr(preflight, "load_environment", lambda name: config())
    out, err = io.StringIO(), io.StringIO()

    code = preflight.main(["--env", "dev"], out=out, err=err)

    assert code == 2 and out.getvalue() == ""
    assert err.getvalue().startswith("No AWS credentials found: preflight needs credentials of the account")
    assert err.getvalue().count("\n") == 1


def test_invalid_environment_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert preflight.main(["--env", "staging"]) == 2
    assert "unknown environment; known:" in capsys.readouterr().err


# --- 1. credentials -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "passed", "says"),
    [
        (ACCOUNT, True, "the account config/dev.toml names"),
        (None, True, "sets no account, so this one"),
        (OTHER_ACCOUNT, False, f"but config/dev.toml names account {OTHER_ACCOUNT}"),
    ],
)
def test_credentials(stubs: Stubs, configured: str | None, passed: bool, says: str) -> None:
    stubs.identity()

    result = check_credentials(stubs.clients.sts, config(account=configured))

    assert result.passed is passed
    assert result.found.startswith(f"account {ACCOUNT} (arn:aws:iam::{ACCOUNT}:user/dev)")
    assert says in result.found
    assert bool(result.todo) is not passed


def test_rejected_credentials_stop_the_run(stubs: Stubs) -> None:
    stubs.sts.add_client_error("get_caller_identity", "ExpiredToken", "expired")

    with pytest.raises(preflight.CannotRun, match="AWS rejected the credentials \\(ExpiredToken\\)"):
        check_credentials(stubs.clients.sts, config())


# --- 2. Region ------------------------------------------------------------------------------------


def test_region() -> None:
    assert check_region(config()).passed
    # The loader refuses such a Region; the check stands on its own for configs built elsewhere.
    unsupported = EnvironmentConfig.model_validate({"name": "dev", "region": "us-west-1"})
    result = check_region(unsupported)
    assert not result.passed
    assert result.found == "us-west-1: Ground Truth does not run there"
    assert all(region in result.todo for region in SUPPORTED_REGIONS)


# --- 3. CDK bootstrap -----------------------------------------------------------------------------


def test_bootstrap_version_parameter(stubs: Stubs) -> None:
    stubs.bootstrap_version("27")
    stubs.bootstrap_version(str(MIN_BOOTSTRAP_VERSION - 1))

    current = check_bootstrap(stubs.clients.ssm, stubs.clients.cloudformation, config())
    too_old = check_bootstrap(stubs.clients.ssm, stubs.clients.cloudformation, config())

    assert current.passed and current.found == f"bootstrap version 27 in {REGION}"
    assert not too_old.passed
    assert f"need {MIN_BOOTSTRAP_VERSION} or later" in too_old.found
    assert "make bootstrap ENV=dev" in too_old.todo


@pytest.mark.parametrize(
    ("status", "passed"),
    [("CREATE_COMPLETE", True), ("UPDATE_COMPLETE", True), ("ROLLBACK_COMPLETE", False), (None, False)],
)
def test_bootstrap_stack_without_the_parameter(stubs: Stubs, status: str | None, passed: bool) -> None:
    stubs.no_bootstrap_parameter()
    stubs.bootstrap_stack(status)

    result = check_bootstrap(stubs.clients.ssm, stubs.clients.cloudformation, config())

    assert result.passed is passed
    if not passed:
        assert result.todo == "run `make bootstrap ENV=dev` (once per account and Region)"


def test_bootstrap_not_readable(stubs: Stubs) -> None:
    stubs.no_bootstrap_parameter("AccessDeniedException")
    stubs.cloudformation.add_client_error("describe_stacks", "AccessDenied", "not authorized")

    result = check_bootstrap(stubs.clients.ssm, stubs.clients.cloudformation, config())

    assert not result.passed
    assert result.found.startswith("could not check (AccessDenied")
    assert "cloudformation:DescribeStacks" in result.todo


# --- 4. workforce ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_config", "existing", "passed", "says"),
    [
        (config, None, True, "deploy creates gtlab-dev-workforce"),
        (config, cognito_workforce("gtlab-dev-workforce"), True, "is ours"),
        (
            config,
            cognito_workforce("console-workforce", OTHER_POOL, OTHER_CLIENT),
            False,
            f'"existing_cognito", user_pool_id = "{OTHER_POOL}", client_id = "{OTHER_CLIENT}"',
        ),
        (config, oidc_workforce("idp-workforce"), False, "joins only an existing Cognito workforce"),
        (existing_cognito, None, False, 'set workforce.mode = "cognito"'),
        (existing_cognito, cognito_workforce("console-workforce"), True, "matches the configured ids"),
        (
            existing_cognito,
            cognito_workforce("console-workforce", OTHER_POOL, OTHER_CLIENT),
            False,
            f'set user_pool_id = "{OTHER_POOL}" and client_id = "{OTHER_CLIENT}"',
        ),
        (
            existing_cognito,
            oidc_workforce("idp-workforce"),
            False,
            "joins only an existing Cognito workforce",
        ),
        (oidc_config, None, True, "deploy creates gtlab-dev-workforce"),
        (oidc_config, oidc_workforce("gtlab-dev-workforce"), True, "is ours"),
        (oidc_config, cognito_workforce("console-workforce"), False, "would create a second one"),
    ],
)
def test_workforce_fits_the_mode(
    stubs: Stubs, make_config: Any, existing: dict[str, Any] | None, passed: bool, says: str
) -> None:
    stubs.workforces(*([existing] if existing else []))

    result = check_workforce(stubs.clients.sagemaker, make_config())

    assert result.passed is passed
    assert says in result.found + " " + result.todo
    if existing and existing.get("CognitoConfig"):
        # The existing workforce's pool and client ids are printed, so they can be copied.
        pool = existing["CognitoConfig"]["UserPool"]
        assert pool in result.found


def test_workforce_not_readable(stubs: Stubs) -> None:
    stubs.sagemaker.add_client_error("list_workforces", "AccessDeniedException", "no")

    result = check_workforce(stubs.clients.sagemaker, config())

    assert not result.passed and "sagemaker:ListWorkforces" in result.todo


# --- 5. Ground Truth for this account -------------------------------------------------------------


def test_ground_truth_answers(stubs: Stubs) -> None:
    stubs.labeling_jobs()
    assert check_ground_truth(stubs.clients.sagemaker, config()).passed


@pytest.mark.parametrize(
    ("code", "message", "says"),
    [
        (
            "AccessDeniedException",
            f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: sagemaker:ListLabelingJobs",
            "IAM denies ListLabelingJobs",
        ),
        (
            "AccessDeniedException",
            "This account cannot use Amazon SageMaker Ground Truth",
            "the account is refused",
        ),
        ("ValidationException", "Ground Truth is not available to new customers", "the account is refused"),
    ],
)
def test_ground_truth_refused(stubs: Stubs, code: str, message: str, says: str) -> None:
    stubs.sagemaker.add_client_error("list_labeling_jobs", code, message)

    result = check_ground_truth(stubs.clients.sagemaker, config())

    assert not result.passed
    assert result.found.startswith(says)
    assert "Ground Truth closed to new AWS customers on 2026-07-30" in result.todo


def test_ground_truth_other_error_is_not_called_a_refusal(stubs: Stubs) -> None:
    stubs.sagemaker.add_client_error("list_labeling_jobs", "ValidationException", "bad request")

    result = check_ground_truth(stubs.clients.sagemaker, config())

    assert not result.passed and result.found.startswith("could not check (ValidationException")
    assert "2026-07-30" not in result.todo


# --- 6. placeholder addresses ---------------------------------------------------------------------


def test_placeholder_addresses_of_the_shipped_dev_config() -> None:
    shipped = load_environment("dev", environ={})

    found = placeholder_addresses(shipped)
    result = check_addresses(shipped)

    assert found == [(f"teams[0].workers[{i}]", w) for i, w in enumerate(shipped.teams[0].workers)] + [
        (f"notifications.job_owner_emails[{i}]", a)
        for i, a in enumerate(shipped.notifications.job_owner_emails)
    ] + [(f"budget.emails[{i}]", a) for i, a in enumerate(shipped.budget.emails)]
    assert not result.passed
    assert all(f"{path} = {address}" in result.found for path, address in found)
    assert result.todo == "replace them in config/dev.toml with real addresses (workers, job owners, budget)"
    assert check_addresses(config()).passed
    assert placeholder_addresses(config()) == []


@pytest.mark.parametrize(
    ("address", "placeholder"),
    [
        ("a@example.com", True),
        ("A@EXAMPLE.ORG", True),
        ("a@team.example.net", True),
        ("a@mail.test", True),
        ("a@host.invalid", True),
        ("a@x.example", True),
        ("a@example.com.", True),
        ("a@example.company.com", False),
        ("a@notexample.com", False),
        ("a@acme.io", False),
        ("example.com", False),
    ],
)
def test_reserved_domains(address: str, placeholder: bool) -> None:
    assert is_placeholder_address(address) is placeholder


def test_every_string_field_is_searched() -> None:
    """Not only the three address lists: a job's tag holding an address is found too."""
    shipped = load_environment("dev", environ={})
    job = shipped.jobs[0].model_dump(mode="json", exclude_defaults=True)
    job["tags"] = {"owner": "someone@example.org"}
    with_tag = config(jobs=[job])

    assert placeholder_addresses(with_tag) == [("jobs[0].tags.owner", "someone@example.org")]
