"""Pydantic models of one environment's configuration.

Field checks that are Ground Truth rules (name patterns, Regions, task limits) call gt_rules, so
synth and the Lambdas enforce the same rules. Everything else about an environment lives here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from gt_rules.patterns import COGNITO_POOL_ID_RE, EMAIL_RE, OIDC_ENDPOINT_RE, OIDC_GROUP_MAX

PROJECT_PREFIX_RE = re.compile(r"[a-z][a-z0-9]{1,11}")
ENVIRONMENT_NAME_RE = re.compile(r"[a-z][a-z0-9]{1,9}")
TEAM_NAME_RE = re.compile(r"[a-z0-9](-?[a-z0-9])*")
ACCOUNT_RE = re.compile(r"\d{12}")
# Cognito refuses hosted-UI domain prefixes containing these words.
COGNITO_RESERVED_WORDS = ("aws", "amazon", "cognito")


def _check_emails(value: list[str], info: ValidationInfo) -> list[str]:
    seen: set[str] = set()
    for index, email in enumerate(value):
        if not EMAIL_RE.fullmatch(email):
            raise ValueError(f"{info.field_name}[{index}] {email!r} is not an email address")
        if email.lower() in seen:
            raise ValueError(
                f"{info.field_name}[{index}] {email!r} is listed twice (emails are case-insensitive)"
            )
        seen.add(email.lower())
    return value


EmailList = Annotated[list[str], AfterValidator(_check_emails)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently fall back to a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Encryption(str, Enum):
    S3_MANAGED = "s3_managed"  # free: the default, so an idle dev stack costs nothing
    KMS = "kms"  # a customer-managed key ($1/month) shared by buckets and topics


class StorageConfig(Strict):
    encryption: Encryption = Encryption.S3_MANAGED
    # Video and 3D point cloud jobs need the wider CORS rule of §2.5 on input and output buckets.
    video_and_point_cloud_cors: bool = False
    abort_incomplete_uploads_after_days: Annotated[int, Field(ge=1, le=365)] = 7
    access_log_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    # Opt-in: copy sample_data/ (the seeds' fashion images and numbers) into the input bucket.
    upload_sample_data: bool = False


class WorkforceMode(str, Enum):
    COGNITO = "cognito"  # create the user pool and the account's private workforce (CfnWorkforce)
    EXISTING_COGNITO = "existing_cognito"  # attach teams to a workforce that already exists
    OIDC = "oidc"  # create an OIDC workforce against your own identity provider


class OidcConfig(Strict):
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    user_info_endpoint: str
    logout_endpoint: str
    jwks_uri: str
    client_id: Annotated[str, Field(min_length=1, max_length=1024)]
    # Name of a Secrets Manager secret holding the client secret: the template carries only a
    # dynamic reference, never the secret itself.
    client_secret_name: Annotated[str, Field(min_length=1, max_length=512)]
    client_secret_json_key: str | None = None
    scope: str | None = None

    @field_validator(
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "user_info_endpoint",
        "logout_endpoint",
        "jwks_uri",
    )
    @classmethod
    def _https_endpoint(cls, value: str) -> str:
        if len(value) > 500 or not OIDC_ENDPOINT_RE.fullmatch(value):
            raise ValueError("must be an https:// URL of at most 500 characters (CreateWorkforce OidcConfig)")
        return value


class WorkforceConfig(Strict):
    mode: WorkforceMode = WorkforceMode.COGNITO
    # mode == existing_cognito: the workforce's user pool and app client.
    user_pool_id: str | None = None
    client_id: str | None = None
    oidc: OidcConfig | None = None
    source_ip_cidrs: Annotated[list[str], Field(max_length=10)] = []

    @field_validator("user_pool_id")
    @classmethod
    def _pool_id(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 55 or not COGNITO_POOL_ID_RE.fullmatch(value)):
            raise ValueError(f"must be a Cognito user pool id matching {COGNITO_POOL_ID_RE.pattern}")
        return value


class TeamConfig(Strict):
    name: str
    description: Annotated[str, Field(min_length=1, max_length=200)]
    workers: EmailList = []
    # OIDC workforces: the IdP groups (claim sagemaker:groups) that make up this team.
    oidc_groups: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=OIDC_GROUP_MAX)]], Field(max_length=10)
    ] = []

    @field_validator("name")
    @classmethod
    def _team_name(cls, value: str) -> str:
        if len(value) > 30 or not TEAM_NAME_RE.fullmatch(value):
            raise ValueError(
                "team names are 1-30 lowercase letters, digits and single hyphens, not at either end "
                "(the work team name `<project>-<env>-<team>` must match [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})"
            )
        return value


class NotificationsConfig(Strict):
    # Job owners: emailed when a labeling job completes, fails or stops, and by the reaper.
    job_owner_emails: EmailList = []


class BudgetConfig(Strict):
    enabled: bool = True
    monthly_limit_usd: Annotated[Decimal, Field(gt=0, le=1_000_000)] = Decimal("10")
    emails: EmailList = []
    actual_threshold_percent: Annotated[int, Field(ge=1, le=1000)] = 80
    forecast_threshold_percent: Annotated[int, Field(ge=1, le=1000)] = 100


class ReaperConfig(Strict):
    enabled: bool = True
    ttl_hours: Annotated[int, Field(ge=1, le=24 * 60)] = 72
    schedule_hours: Annotated[int, Field(ge=1, le=24)] = 6
    dry_run: bool = False


class FeeTier(Strict):
    # Objects in this tier per month (None: everything above the previous tiers).
    up_to_objects: Annotated[int, Field(gt=0)] | None = None
    usd_per_object: Annotated[Decimal, Field(ge=0)]


class PricingConfig(Strict):
    # §8.3: $0.08 for the first tier is verified; the later tiers are not: keep them here.
    fee_tiers: list[FeeTier] = [
        FeeTier(up_to_objects=50_000, usd_per_object=Decimal("0.08")),
        FeeTier(up_to_objects=None, usd_per_object=Decimal("0.04")),
    ]
    # Object count assumed for `make plan` when the count is known only at deploy time.
    assumed_objects_per_job: Annotated[int, Field(gt=0)] = 1000


class Example(Strict):
    label: str
    text: str | None = None
    image_uri: str | None = None
    explanation: str | None = None


class InstructionsConfig(Strict):
    short: Annotated[str, Field(min_length=1)]
    full: str | None = None
    good_examples: list[Example] = []
    bad_examples: list[Example] = []


class SelectionConfig(Strict):
    mode: Literal["all", "sample", "filter"] = "all"
    sample_size: Annotated[int, Field(gt=0)] | None = None
    seed: int = 0
    key_regex: str | None = None


class InputConfig(Strict):
    kind: Literal["prefix", "manifest", "job_output"] = "prefix"
    prefix: str | None = None
    data_type: Literal["images", "videos", "text_objects", "text_lines", "csv_rows"] | None = None
    manifest_uri: str | None = None
    job: str | None = None
    selection: SelectionConfig = SelectionConfig()


class JobWorkforceConfig(Strict):
    kind: Literal["private", "mturk", "vendor"] = "private"
    team: str | None = None
    price_usd: Decimal | None = None
    content_classifiers: list[Literal["FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent"]] = []
    workteam_arn: str | None = None


class StoppingConfig(Strict):
    max_human_labeled_object_count: int | None = None
    max_percentage_of_input_dataset_labeled: int | None = None


class CustomTaskConfig(Strict):
    template_file: str  # path relative to the repository root
    pre_lambda_arn: str
    acs_lambda_arn: str


class JobConfig(Strict):
    """One labeling job. Ground Truth's own rules are checked by gt_rules.validation."""

    name: str
    revision: Annotated[int, Field(ge=0)] = 0
    task_type: str
    label_attribute_name: str | None = None
    labels: list[str] = []
    label_short_names: list[str] = []
    instructions: InstructionsConfig
    title: str
    description: str
    keywords: list[str] = []
    input: InputConfig
    workforce: JobWorkforceConfig = JobWorkforceConfig()
    workers_per_object: int | None = None
    task_time_limit_seconds: int | None = None
    task_availability_lifetime_seconds: int | None = None
    max_concurrent_task_count: int | None = None
    stopping: StoppingConfig = StoppingConfig()
    automated_labeling: bool = False
    initial_active_learning_model_arn: str | None = None
    kms_key_id: str | None = None
    tags: dict[str, str] = {}
    custom: CustomTaskConfig | None = None
    audit_label_attribute_name: str | None = None


class EnvironmentConfig(Strict):
    name: str
    project_prefix: str = "gtlab"
    account: str | None = None
    region: str
    # dev: `cdk destroy` removes everything; prod: data buckets and the user pool are retained.
    retain_data: bool = False
    storage: StorageConfig = StorageConfig()
    workforce: WorkforceConfig = WorkforceConfig()
    teams: list[TeamConfig] = []
    notifications: NotificationsConfig = NotificationsConfig()
    budget: BudgetConfig = BudgetConfig()
    reaper: ReaperConfig = ReaperConfig()
    pricing: PricingConfig = PricingConfig()
    jobs: list[JobConfig] = []
    tags: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENVIRONMENT_NAME_RE.fullmatch(value):
            raise ValueError(
                "environment names are 2-10 lowercase letters and digits, starting with a letter"
            )
        return value

    @field_validator("project_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not PROJECT_PREFIX_RE.fullmatch(value):
            raise ValueError("project_prefix is 2-12 lowercase letters and digits, starting with a letter")
        for word in COGNITO_RESERVED_WORDS:
            if word in value:
                raise ValueError(
                    f"project_prefix must not contain {word!r}: Cognito refuses such domain prefixes"
                )
        return value

    @field_validator("account")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is not None and not ACCOUNT_RE.fullmatch(value):
            raise ValueError("account is a 12-digit AWS account id")
        return value

    # ---- derived names, so stacks and constructs never assemble them by hand ----
    @property
    def name_prefix(self) -> str:
        from gt_rules.project import name_prefix

        return name_prefix(self.project_prefix, self.name)

    def stack_name(self, component: str) -> str:
        return f"{self.name_prefix}-{component}"

    def workteam_name(self, team: str) -> str:
        return f"{self.name_prefix}-{team}"

    def export_name(self, what: str) -> str:
        """A CloudFormation export of this environment, e.g. `gtlab-dev-input-bucket`."""
        return f"{self.name_prefix}-{what}"

    @property
    def workforce_name(self) -> str:
        return f"{self.name_prefix}-workforce"

    def team(self, name: str) -> TeamConfig:
        for team in self.teams:
            if team.name == name:
                return team
        raise KeyError(name)

    def job_specs(self) -> dict[str, Any]:
        """JobSpec dicts by job name (see gt_config.jobs)."""
        from .jobs import build_job_specs

        return build_job_specs(self.jobs)
