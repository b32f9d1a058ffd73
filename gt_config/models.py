"""Pydantic models of one environment's configuration.

Field checks that are Ground Truth rules (name patterns, Regions, task limits) call gt_rules, so
synth and the Lambdas enforce the same rules. Everything else about an environment lives here.
Every field carries a `description`: `tools/config_reference.py` turns them, with the bounds below
and the job rules of gt_rules, into docs/configuration.md and config/schema.json.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
)

from gt_rules.limits import (
    COGNITO_POOL_ID_MAX,
    COGNITO_POOL_ID_RE,
    EMAIL_RE,
    OIDC_CLIENT_ID_MAX,
    OIDC_CLIENT_ID_RE,
    OIDC_ENDPOINT_MAX,
    OIDC_ENDPOINT_RE,
    OIDC_GROUP_MAX,
    OIDC_GROUPS_PER_TEAM_MAX,
    SOURCE_IP_CIDRS_MAX,
    WORKTEAM_DESCRIPTION_MAX,
)
from gt_rules.project import name_prefix
from gt_rules.spec import JobSpec

from .errors import ConfigText, SourceLine, field_path

PROJECT_PREFIX_RE = re.compile(r"[a-z][a-z0-9]{1,11}")
ENVIRONMENT_NAME_RE = re.compile(r"[a-z][a-z0-9]{1,9}")
TEAM_NAME_RE = re.compile(r"[a-z0-9](-?[a-z0-9])*")
TEAM_NAME_MAX = 30  # so that `<project>-<env>-<team>` stays a valid work team name
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
    """The environment's buckets: input data, output labels and their access logs."""

    encryption: Annotated[
        Encryption,
        Field(
            description=(
                "How the data buckets and the topics are encrypted. `s3_managed` is free, so an idle "
                "dev stack costs nothing; `kms` creates a customer-managed key ($1/month) whose "
                "policy admits the execution role and the services that publish to the topics."
            )
        ),
    ] = Encryption.S3_MANAGED
    # https://docs.aws.amazon.com/sagemaker/latest/dg/sms-video-overview.html (CORS requirements)
    video_and_point_cloud_cors: Annotated[
        bool,
        Field(
            description=(
                "Put the wider CORS rule that video frame and 3D point cloud jobs need on both data "
                "buckets (input and output). Turn it on before you add such a job."
            )
        ),
    ] = False
    abort_incomplete_uploads_after_days: Annotated[
        int,
        Field(
            ge=1,
            le=365,
            description="Days after which the buckets' lifecycle rule deletes unfinished multipart uploads.",
        ),
    ] = 7
    access_log_retention_days: Annotated[
        int,
        Field(
            ge=1,
            le=3650,
            description="Days the access-log bucket keeps the data buckets' server access logs.",
        ),
    ] = 90
    upload_sample_data: Annotated[
        bool,
        Field(
            description=(
                "Copy `sample_data/` (the fashion images and the even/odd numbers of the sample jobs) "
                "into the input bucket on deploy."
            )
        ),
    ] = False


class WorkforceMode(str, Enum):
    COGNITO = "cognito"  # create the user pool and the account's private workforce (CfnWorkforce)
    EXISTING_COGNITO = "existing_cognito"  # attach teams to a workforce that already exists
    OIDC = "oidc"  # create an OIDC workforce against your own identity provider


_OIDC_ENDPOINT = "An https:// URL of your identity provider"


class OidcConfig(Strict):
    """Your OpenID Connect identity provider (workforce mode `oidc`)."""

    issuer: Annotated[str, Field(description=f"{_OIDC_ENDPOINT}: the issuer.")]
    authorization_endpoint: Annotated[
        str, Field(description=f"{_OIDC_ENDPOINT}: the authorization endpoint.")
    ]
    token_endpoint: Annotated[str, Field(description=f"{_OIDC_ENDPOINT}: the token endpoint.")]
    user_info_endpoint: Annotated[str, Field(description=f"{_OIDC_ENDPOINT}: the user info endpoint.")]
    logout_endpoint: Annotated[str, Field(description=f"{_OIDC_ENDPOINT}: the logout endpoint.")]
    jwks_uri: Annotated[str, Field(description=f"{_OIDC_ENDPOINT}: the JSON Web Key Set.")]
    client_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=OIDC_CLIENT_ID_MAX,
            description=(
                "The client id Ground Truth uses at your provider: letters, digits, `_` and `+` only, "
                "as CloudFormation's workforce resource requires (a GUID with hyphens is refused there)."
            ),
            json_schema_extra={"pattern": f"^{OIDC_CLIENT_ID_RE.pattern}$"},
        ),
    ]
    client_secret_name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=512,
            description=(
                "Name of a Secrets Manager secret holding the client secret. The template carries "
                "only a dynamic reference to it, never the secret itself."
            ),
        ),
    ]
    client_secret_json_key: Annotated[
        str | None,
        Field(
            description=(
                "The key inside the secret's JSON that holds the client secret; unset: the whole secret."
            )
        ),
    ] = None
    scope: Annotated[
        str | None,
        Field(description="The scope Ground Truth requests from your provider; unset: none is sent."),
    ] = None

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str) -> str:
        if not OIDC_CLIENT_ID_RE.fullmatch(value):
            raise ValueError(
                f"must match {OIDC_CLIENT_ID_RE.pattern} (letters, digits, _ and +): CloudFormation's "
                "AWS::SageMaker::Workforce refuses any other OIDC client id"
            )
        return value

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
        if len(value) > OIDC_ENDPOINT_MAX or not OIDC_ENDPOINT_RE.fullmatch(value):
            raise ValueError(
                f"must be an https:// URL of at most {OIDC_ENDPOINT_MAX} characters "
                "(CreateWorkforce OidcConfig)"
            )
        return value


class WorkforceConfig(Strict):
    """The account's private workforce in this Region: create it, or attach to one that exists."""

    mode: Annotated[
        WorkforceMode,
        Field(
            description=(
                "`cognito` creates a user pool and the private workforce; `existing_cognito` attaches "
                "this environment's teams to the workforce that already exists in the account and "
                "Region; `oidc` creates a workforce that signs in through your identity provider. An "
                "account has one private workforce per Region, so only one environment per account "
                "and Region can use `cognito` or `oidc`."
            )
        ),
    ] = WorkforceMode.COGNITO
    user_pool_id: Annotated[
        str | None,
        Field(
            description=(
                "The existing workforce's Cognito user pool id; required when mode is `existing_cognito`."
            ),
            examples=["us-east-1_AbCdEfGhI"],
        ),
    ] = None
    client_id: Annotated[
        str | None,
        Field(
            description=(
                "The existing workforce's Cognito app client id; required when mode is `existing_cognito`."
            )
        ),
    ] = None
    oidc: Annotated[
        OidcConfig | None,
        Field(description="Your identity provider; required when mode is `oidc` and refused otherwise."),
    ] = None
    source_ip_cidrs: Annotated[
        list[str],
        Field(
            max_length=SOURCE_IP_CIDRS_MAX,
            description=(
                "IP address ranges (CIDR) from which workers may open the labeling portal when this "
                "environment creates the workforce; empty: from anywhere."
            ),
            examples=[["203.0.113.0/24"]],
        ),
    ] = []

    @field_validator("user_pool_id")
    @classmethod
    def _pool_id(cls, value: str | None) -> str | None:
        if value is not None and (
            len(value) > COGNITO_POOL_ID_MAX or not COGNITO_POOL_ID_RE.fullmatch(value)
        ):
            raise ValueError(f"must be a Cognito user pool id matching {COGNITO_POOL_ID_RE.pattern}")
        return value


class TeamConfig(Strict):
    """A private work team: a group of workers that jobs of this environment send tasks to."""

    name: Annotated[
        str,
        Field(
            description=(
                "The team's name in this environment (jobs refer to it); the work team is named "
                "`<project_prefix>-<env>-<name>`. Unique within the environment."
            ),
            examples=["super-labelers"],
        ),
    ]
    description: Annotated[
        str,
        Field(
            min_length=1,
            max_length=WORKTEAM_DESCRIPTION_MAX,
            description="What the team does, shown in the console.",
        ),
    ]
    workers: Annotated[
        EmailList,
        Field(
            description=(
                "Workers' email addresses (case-insensitive, each once). Each gets an invitation with "
                "a temporary password and the worker portal URL; removing an address removes the "
                "worker. Must be empty with an OIDC workforce (your provider manages its users)."
            ),
            examples=[["labeler@example.com"]],
        ),
    ] = []
    oidc_groups: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=OIDC_GROUP_MAX)]],
        Field(
            max_length=OIDC_GROUPS_PER_TEAM_MAX,
            description=(
                "OIDC workforces only: the identity provider groups (claim `sagemaker:groups`) that "
                "make up this team; at least one when the workforce mode is `oidc`."
            ),
        ),
    ] = []

    @field_validator("name")
    @classmethod
    def _team_name(cls, value: str) -> str:
        if len(value) > TEAM_NAME_MAX or not TEAM_NAME_RE.fullmatch(value):
            raise ValueError(
                f"team names are 1-{TEAM_NAME_MAX} lowercase letters, digits and single hyphens, not at "
                "either end "
                "(the work team name `<project>-<env>-<team>` must match [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})"
            )
        return value


class NotificationsConfig(Strict):
    """Who hears about this environment's labeling jobs."""

    job_owner_emails: Annotated[
        EmailList,
        Field(
            description=(
                "Job owners: emailed when a labeling job completes, fails or stops (job, status, "
                "counters, output manifest) and when the reaper stops a job. Each address must confirm "
                "its subscription first."
            ),
            examples=[["owner@example.com"]],
        ),
    ] = []


class BudgetConfig(Strict):
    """An account-wide monthly AWS cost budget with email alerts (AWS Budgets)."""

    enabled: Annotated[bool, Field(description="Create the budget.")] = True
    monthly_limit_usd: Annotated[
        Decimal,
        Field(gt=0, le=1_000_000, description="The monthly amount, in US dollars, that alerts refer to."),
    ] = Decimal("10")
    emails: Annotated[
        EmailList,
        Field(
            description="Who receives the budget's alerts; at least one address when the budget is enabled.",
            examples=[["owner@example.com"]],
        ),
    ] = []
    actual_threshold_percent: Annotated[
        int,
        Field(
            ge=1, le=1000, description="Alert when actual spend passes this percentage of the monthly limit."
        ),
    ] = 80
    forecast_threshold_percent: Annotated[
        int,
        Field(
            ge=1,
            le=1000,
            description="Alert when the forecast for the month passes this percentage of the monthly limit.",
        ),
    ] = 100


class ReaperConfig(Strict):
    """A scheduled function that stops this environment's labeling jobs that run too long."""

    enabled: Annotated[
        bool, Field(description="Create the reaper (on in dev; prod jobs may run for weeks).")
    ] = True
    ttl_hours: Annotated[
        int,
        Field(
            ge=1,
            le=24 * 60,
            description="Stop jobs of this environment that have run longer than this many hours.",
        ),
    ] = 72
    schedule_hours: Annotated[int, Field(ge=1, le=24, description="How often the reaper runs, in hours.")] = 6
    dry_run: Annotated[
        bool,
        Field(description="Only report the jobs that would be stopped (to the job owners); stop nothing."),
    ] = False


class FeeTier(Strict):
    """One tier of Ground Truth's per-object fee, used by `make plan`'s cost estimate."""

    up_to_objects: Annotated[
        Annotated[int, Field(gt=0)] | None,
        Field(description="Objects per month in this tier; unset: everything above the previous tiers."),
    ] = None
    usd_per_object: Annotated[
        Decimal, Field(ge=0, description="Ground Truth's fee per labeled object in this tier, in US dollars.")
    ]


class PricingConfig(Strict):
    """Inputs of `make plan`'s cost estimate (https://aws.amazon.com/sagemaker/groundtruth/pricing/)."""

    # The first tier's price is published; the later tiers are assumptions: keep them editable here.
    fee_tiers: Annotated[
        list[FeeTier],
        Field(
            description=(
                "Ground Truth's per-object fee tiers, in order; the last one usually has no "
                "`up_to_objects`. Check them against the pricing page for your Region."
            )
        ),
    ] = [
        FeeTier(up_to_objects=50_000, usd_per_object=Decimal("0.08")),
        FeeTier(up_to_objects=None, usd_per_object=Decimal("0.04")),
    ]
    assumed_objects_per_job: Annotated[
        int,
        Field(
            gt=0,
            description=(
                "The object count `make plan` assumes, and says it assumes, for a job whose count it "
                "cannot know before deploy: no `expected_objects`, no local sample data under its "
                "prefix, a manifest in S3."
            ),
        ),
    ] = 1000


class Example(Strict):
    """A good or bad example shown to workers beside the task (escaped: plain text only)."""

    label: Annotated[
        str, Field(description="The label this example shows (or wrongly shows, for a bad example).")
    ]
    text: Annotated[str | None, Field(description="The example's text, for text tasks.")] = None
    image_uri: Annotated[
        str | None,
        Field(
            description=(
                "An example image: an `https://` URL, or an `s3://` URI that the worker template "
                "presigns (only templates can; the AWS-provided worker UIs show https images only)."
            ),
            examples=["https://example.com/examples/good-bag.jpg"],
        ),
    ] = None
    explanation: Annotated[str | None, Field(description="Why the example is right or wrong.")] = None


class InstructionsConfig(Strict):
    """What workers read beside each task. Plain text: blank lines make paragraphs."""

    short: Annotated[
        str,
        Field(min_length=1, description="The short instructions shown beside every task, with the examples."),
    ]
    full: Annotated[
        str | None,
        Field(description="The full instructions behind the task's instructions link; unset: `short`."),
    ] = None
    good_examples: Annotated[
        list[Example], Field(description="Examples of correct labels, shown under the short instructions.")
    ] = []
    bad_examples: Annotated[
        list[Example], Field(description="Examples of wrong labels, with an explanation of the mistake.")
    ] = []


class SelectionConfig(Strict):
    """Which objects under an input prefix become the job's items (input kind `prefix` only)."""

    mode: Annotated[
        Literal["all", "sample", "filter"],
        Field(
            description=(
                "`all`: every object of the data type under the prefix. `sample`: `sample_size` of "
                "them, chosen by a hash of the seed and each key, so the same seed picks the same "
                "objects. `filter`: the objects whose key, relative to the prefix, matches `key_regex`."
            )
        ),
    ] = "all"
    sample_size: Annotated[
        Annotated[int, Field(gt=0)] | None,
        Field(
            description=(
                "Mode `sample`: how many objects (S3 objects: with `text_lines` or `csv_rows`, every "
                "line or row of a chosen file is an item)."
            ),
            examples=[50],
        ),
    ] = None
    seed: Annotated[
        int, Field(description="Mode `sample`: another seed picks another sample of the same size.")
    ] = 0
    key_regex: Annotated[
        str | None,
        Field(
            description=(
                "Mode `filter`: a Python regular expression searched (not anchored: use `^`/`$`) in each "
                "key relative to the prefix."
            ),
            examples=[r"^2024/.*\.jpg$"],
        ),
    ] = None


class InputConfig(Strict):
    """Where a job's objects come from."""

    kind: Annotated[
        Literal["prefix", "manifest", "job_output"],
        Field(
            description=(
                "`prefix`: the stack writes the input manifest from the objects under a prefix of the "
                "input bucket. `manifest`: an input manifest you wrote. `job_output`: the output "
                "manifest of an earlier job of this environment (chaining, verification, adjustment)."
            )
        ),
    ] = "prefix"
    prefix: Annotated[
        str | None,
        Field(
            description=(
                "Kind `prefix`: a key prefix in the environment's input bucket, without a leading slash."
            ),
            examples=["fashion/"],
        ),
    ] = None
    data_type: Annotated[
        Literal["images", "videos", "text_objects", "text_lines", "csv_rows"] | None,
        Field(
            description=(
                "Kind `prefix`: what the objects are. `text_objects`: one `.txt` file is one item, its "
                "text inlined; `text_lines`: one item per line of each `.txt` file; `csv_rows`: one "
                "item per row of each `.csv` file, its cells joined by commas."
            )
        ),
    ] = None
    manifest_uri: Annotated[
        str | None,
        Field(
            description=(
                "Kind `manifest`: the S3 URI of an existing input manifest (JSON Lines). Keep it, and "
                "the objects it lists, in this environment's input bucket: the execution role reads "
                "only that bucket."
            ),
            examples=["s3://your-input-bucket/manifests/dataset.manifest"],
        ),
    ] = None
    job: Annotated[
        str | None,
        Field(
            description="Kind `job_output`: the `name` of an earlier job in this environment.",
            examples=["boxes"],
        ),
    ] = None
    selection: Annotated[
        SelectionConfig,
        Field(description="Kind `prefix`: everything, a seeded sample, or a key filter."),
    ] = SelectionConfig()


class JobWorkforceConfig(Strict):
    """Who labels a job: a private team of this environment, Mechanical Turk, or a vendor."""

    kind: Annotated[
        Literal["private", "mturk", "vendor"],
        Field(
            description=(
                "`private`: a team of this environment; `mturk`: Amazon Mechanical Turk (public, paid "
                "per task); `vendor`: a vendor work team from AWS Marketplace."
            )
        ),
    ] = "private"
    team: Annotated[
        str | None,
        Field(description="Kind `private`: the `name` of one of `[[teams]]`.", examples=["super-labelers"]),
    ] = None
    price_usd: Annotated[
        Decimal | None,
        Field(description="Kind `mturk`: what each worker is paid per task, in US dollars."),
    ] = None
    content_classifiers: Annotated[
        list[Literal["FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent"]],
        Field(
            description=(
                "Declarations about the data, passed to Ground Truth; Mechanical Turk jobs must declare "
                "`FreeOfPersonallyIdentifiableInformation`."
            )
        ),
    ] = []
    workteam_arn: Annotated[
        str | None,
        Field(
            description="Kind `vendor`: the vendor's work team ARN.",
            examples=["arn:aws:sagemaker:us-east-1:111122223333:workteam/vendor-crowd/example"],
        ),
    ] = None


class StoppingConfig(Strict):
    """When Ground Truth stops the job early."""

    max_human_labeled_object_count: Annotated[
        int | None, Field(description="Stop after this many objects were labeled by people.")
    ] = None
    max_percentage_of_input_dataset_labeled: Annotated[
        int | None, Field(description="Stop once this percentage of the input objects is labeled.")
    ] = None


class CustomTaskConfig(Strict):
    """Task type `custom`: your worker template and your pre-annotation and consolidation Lambdas."""

    template_file: Annotated[
        str,
        Field(
            description=(
                "Path of your Liquid/Crowd HTML worker template, relative to the repository root; "
                "read at synth time."
            ),
            examples=["examples/keypoints.liquid"],
        ),
    ]
    pre_lambda_arn: Annotated[
        str,
        Field(
            description=(
                "ARN of your pre-annotation Lambda function (it turns each manifest line into task input)."
            ),
            examples=["arn:aws:lambda:us-east-1:111122223333:function:your-pre-annotation"],
        ),
    ]
    acs_lambda_arn: Annotated[
        str,
        Field(
            description=(
                "ARN of your annotation consolidation Lambda function (it merges the workers' answers)."
            ),
            examples=["arn:aws:lambda:us-east-1:111122223333:function:your-consolidation"],
        ),
    ]


class JobConfig(Strict):
    """One labeling job. Ground Truth's own rules are checked by gt_rules.validation."""

    name: Annotated[
        str,
        Field(
            description=(
                "The job's name in this environment; the labeling job is named "
                "`<project_prefix>-<env>-<name>-<hash of its definition>`. Unique in the environment."
            ),
            examples=["fashion"],
        ),
    ]
    revision: Annotated[
        int,
        Field(
            ge=0,
            description=(
                "Bump it to launch a fresh job with an unchanged definition (for example to re-scan a "
                "prefix): every change of a job makes a new labeling job."
            ),
        ),
    ] = 0
    task_type: Annotated[
        str,
        Field(
            description="What workers do: a task type key.",
            examples=["image_classification"],
        ),
    ]
    label_attribute_name: Annotated[
        str | None,
        Field(description="The key under which the output manifest stores each object's label."),
    ] = None
    labels: Annotated[
        list[str],
        Field(
            description=(
                "The label categories, in order: the order defines each label's class index in the output."
            ),
            examples=[["Bag", "Eyewear", "Flipflop", "Watch"]],
        ),
    ] = []
    label_short_names: Annotated[
        list[str],
        Field(
            description="Named entity recognition only: a short display name per label, in the same order."
        ),
    ] = []
    instructions: Annotated[InstructionsConfig, Field(description="What workers read beside each task.")]
    title: Annotated[
        str, Field(description="The task's title, shown to workers in the task list and above each task.")
    ]
    description: Annotated[str, Field(description="One line describing the task to workers.")]
    keywords: Annotated[
        list[str],
        Field(
            description="Keywords that help workers find the task.", examples=[["image", "classification"]]
        ),
    ] = []
    input: Annotated[InputConfig, Field(description="Where the job's objects come from.")]
    workforce: Annotated[
        JobWorkforceConfig,
        Field(description="Who labels the job (default: a private team, which must be named)."),
    ] = JobWorkforceConfig()
    workers_per_object: Annotated[
        int | None,
        Field(
            description="How many workers label each object; their answers are consolidated into one label."
        ),
    ] = None
    task_time_limit_seconds: Annotated[
        int | None, Field(description="How long a worker has for one task, in seconds.")
    ] = None
    task_availability_lifetime_seconds: Annotated[
        int | None, Field(description="How long a task stays on offer to workers, in seconds.")
    ] = None
    max_concurrent_task_count: Annotated[
        int | None, Field(description="How many tasks may be with workers at the same time.")
    ] = None
    stopping: Annotated[StoppingConfig, Field(description="When Ground Truth stops the job early.")] = (
        StoppingConfig()
    )
    automated_labeling: Annotated[
        bool,
        Field(
            description=(
                "Automated data labeling: Ground Truth trains a model on the human labels and labels "
                "the objects it is confident about itself (extra training and inference charges)."
            )
        ),
    ] = False
    initial_active_learning_model_arn: Annotated[
        str | None,
        Field(description="With automated labeling: a SageMaker model of an earlier job to start from."),
    ] = None
    kms_key_id: Annotated[
        str | None,
        Field(
            description=(
                "The KMS key that encrypts the job's output (key id, key ARN, alias name or alias ARN)."
            )
        ),
    ] = None
    tags: Annotated[
        dict[str, str],
        Field(description="Tags of the labeling job (the stack adds the job's own name tag)."),
    ] = {}
    custom: Annotated[
        CustomTaskConfig | None,
        Field(description="Task type `custom` only: your template and Lambda functions."),
    ] = None
    audit_label_attribute_name: Annotated[
        str | None,
        Field(
            description=(
                "Verification and adjustment jobs: the label attribute name of the labels under review."
            )
        ),
    ] = None
    # Planning only: left out of the job's spec, so it never changes the job's physical name.
    expected_objects: Annotated[
        Annotated[int, Field(gt=0)] | None,
        Field(
            description=(
                "Planning only: how many objects you expect the job to have, for `make plan`'s cost "
                "estimate when it cannot count them itself (data you upload yourself, a manifest in "
                "S3). Not part of the job's definition: changing it never launches a new job."
            ),
            examples=[2500],
        ),
    ] = None


class EnvironmentConfig(Strict):
    """One environment (`config/<name>.toml`): everything `cdk deploy` creates for it."""

    name: Annotated[
        str,
        Field(
            description=(
                "The environment's name, from the file name (`config/<name>.toml`); every stack and "
                "named resource starts with `<project_prefix>-<name>`."
            )
        ),
    ]
    project_prefix: Annotated[
        str, Field(description="The first part of every stack and resource name.", examples=["gtlab"])
    ] = "gtlab"
    account: Annotated[
        str | None,
        Field(
            description=(
                "The AWS account id; unset: `CDK_DEFAULT_ACCOUNT` (the CDK CLI sets it from your "
                "credentials); unknown: synth and `make plan` still work, with the account as a "
                "placeholder."
            )
        ),
    ] = None
    region: Annotated[
        str,
        Field(
            description=(
                "The AWS Region, one where Ground Truth runs. If the file has none, synth and "
                "`make plan` both take, in this order: `CDK_DEFAULT_REGION`, `AWS_REGION`, "
                "`AWS_DEFAULT_REGION`, the Region of your AWS profile (`~/.aws/config`)."
            ),
            examples=["us-east-1"],
        ),
    ]
    # dev: `cdk destroy` removes everything; prod: data buckets and the user pool are retained.
    retain_data: Annotated[
        bool,
        Field(
            description=(
                "Keep the data buckets, the access-log bucket, the user pool and the KMS key when the "
                "stacks are destroyed; false: `cdk destroy` removes everything."
            )
        ),
    ] = False
    storage: Annotated[StorageConfig, Field(description="Buckets and encryption.")] = StorageConfig()
    workforce: Annotated[WorkforceConfig, Field(description="The private workforce.")] = WorkforceConfig()
    teams: Annotated[list[TeamConfig], Field(description="The private work teams.")] = []
    notifications: Annotated[NotificationsConfig, Field(description="Job owners' emails.")] = (
        NotificationsConfig()
    )
    budget: Annotated[BudgetConfig, Field(description="The monthly cost budget.")] = BudgetConfig()
    reaper: Annotated[ReaperConfig, Field(description="The job reaper.")] = ReaperConfig()
    pricing: Annotated[PricingConfig, Field(description="Cost estimate inputs for `make plan`.")] = (
        PricingConfig()
    )
    jobs: Annotated[list[JobConfig], Field(description="The labeling jobs.")] = []
    tags: Annotated[dict[str, str], Field(description="Tags added to every stack and its resources.")] = {}

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

    # The job specs, built once by the loader while it checks them (gt_config.loader).
    _job_specs: dict[str, JobSpec] | None = PrivateAttr(default=None)
    # Where the loader found settings the file may leave out (`region`, `account`), and the file.
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)
    _source: ConfigText | None = PrivateAttr(default=None)

    @property
    def source_file(self) -> str:
        """The file this environment was loaded from, as messages name it (`config/dev.toml`)."""
        return self._source.file if self._source else f"config/{self.name}.toml"

    def source_line(self, field: str) -> SourceLine | None:
        """The line of the file that writes `field` (`teams[0].workers[1]`), when it can be found."""
        return self._source.line_of(field_path(field)) if self._source else None

    def setting_origin(self, key: str) -> str | None:
        """Where `region` or `account` came from ("config/dev.toml", "AWS_REGION", ...); None: unset."""
        return self._origins.get(key)

    @property
    def job_specs(self) -> Mapping[str, JobSpec]:
        """Every job's spec by config name, in creation order (a job after the job whose output it
        reads): what the stacks, `make plan` and the Lambdas see. Built once, by the loader."""
        if self._job_specs is None:
            raise RuntimeError("load environments with gt_config.load_environment: it builds the job specs")
        return MappingProxyType(self._job_specs)

    # ---- every name this environment gives AWS resources: here only ----
    @property
    def name_prefix(self) -> str:
        """`<project>-<env>`: the start of every stack, resource and job name of the environment."""
        return name_prefix(self.project_prefix, self.name)

    def stack_name(self, component: str) -> str:
        return f"{self.name_prefix}-{component}"

    def workteam_name(self, team: str) -> str:
        return f"{self.name_prefix}-{team}"

    def team_topic_name(self, team: str) -> str:
        return f"{self.workteam_name(team)}-tasks"

    @property
    def workforce_name(self) -> str:
        return f"{self.name_prefix}-workforce"

    @property
    def user_pool_name(self) -> str:
        return f"{self.name_prefix}-workers"

    def cognito_domain_prefix(self, account: str) -> str:
        """Cognito domain prefixes are global per Region: the account makes it unique."""
        return f"{self.name_prefix}-{account}"

    @property
    def execution_role_name(self) -> str:
        return f"{self.name_prefix}-gt-execution"

    @property
    def data_key_alias(self) -> str:
        return f"alias/{self.name_prefix}/data"

    @property
    def job_owner_topic_name(self) -> str:
        return f"{self.name_prefix}-job-owners"

    @property
    def budget_name(self) -> str:
        return f"{self.name_prefix}-monthly"

    # CloudFormation exports: the storage stack's buckets and role, imported by the labeling stack.
    @property
    def input_bucket_export(self) -> str:
        return f"{self.name_prefix}-input-bucket"

    @property
    def output_bucket_export(self) -> str:
        return f"{self.name_prefix}-output-bucket"

    @property
    def execution_role_export(self) -> str:
        return f"{self.name_prefix}-execution-role-arn"

    def team(self, name: str) -> TeamConfig:
        for team in self.teams:
            if team.name == name:
                return team
        raise KeyError(name)

    def job(self, name: str) -> JobConfig:
        for job in self.jobs:
            if job.name == name:
                return job
        raise KeyError(name)
