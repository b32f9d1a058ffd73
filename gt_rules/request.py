"""The exact CreateLabelingJob request for a validated job spec, plus the files it points at
(docs/ground-truth.md#create-labeling-job, #example-request).

`plan_job` assumes `validate_job_spec` passed; it raises RuleViolation only when the deploy
context lacks something it needs. It never checks context values with patterns, so `make plan`
can pass `${Placeholder}` strings for values known only at deploy time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import RuleViolation, Violation
from .lifecycle import output_manifest_uri
from .limits import DEFAULT_MAX_CONCURRENT_TASKS
from .naming import physical_job_name
from .pricing import price_to_usd_amount
from .project import JOB_TAG_KEY
from .spec import DeployContext, JobSpec, as_int, parse_bool
from .task_types import (
    TaskType,
    algorithm_spec_arn,
    effective_label_attribute_name,
    get_task_type,
    human_task_ui_arn,
    pre_acs_arns,
    public_workteam_arn,
)
from .templates import label_category_config, worker_template

# S3OutputPath ends with a slash, as in every AWS example (docs/ground-truth.md#create-labeling-job)
OUTPUT_PREFIX = "labels/"
JOB_CONFIG_PREFIX = "job-config/"
LABEL_CATEGORIES_FILE = "label-categories.json"
TEMPLATE_FILE = "template.liquid"
# Console defaults for how long a task stays on offer (docs/ground-truth.md#human-task-config): MTurk 6 h;
# private/vendor 10 days, the console's value seen in the seed walk-throughs (the API's own default is 30
# days).
DEFAULT_AVAILABILITY_MTURK = 21_600
DEFAULT_AVAILABILITY = 864_000


@dataclass(frozen=True)
class Artifact:
    """A file the job reads: written to S3 before CreateLabelingJob."""

    bucket: str
    key: str
    body: str
    content_type: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class JobPlan:
    job_name: str
    request: dict[str, Any]  # keyword arguments of sagemaker.create_labeling_job
    artifacts: tuple[Artifact, ...]
    output_manifest_uri: str


def output_path(output_bucket: str) -> str:
    return f"s3://{output_bucket}/{OUTPUT_PREFIX}"


def plan_output_manifest_uri(output_bucket: str, job_name: str) -> str:
    """Where Ground Truth writes the final manifest (docs/ground-truth.md#output-layout)."""
    return output_manifest_uri(output_path(output_bucket), job_name)


def _required(ctx: DeployContext, key: str) -> str:
    value = ctx.get(key)
    if not isinstance(value, str) or not value:
        raise RuleViolation([Violation(f"deploy_context.{key}", value, "is needed to plan the labeling job")])
    return value


def job_workteam_arn(spec: JobSpec, ctx: DeployContext) -> str:
    """The work team a job's request names: its private team's ARN from the context, the vendor's
    ARN, or the public Mechanical Turk crowd of the Region. The stack allows exactly these."""
    return _workteam_arn(spec, ctx, _required(ctx, "region"), str(ctx.get("partition") or "aws"))


def _workteam_arn(spec: JobSpec, ctx: DeployContext, region: str, partition: str) -> str:
    workforce: Mapping[str, Any] = spec.get("workforce") or {}
    kind = workforce.get("kind", "private")
    if kind == "mturk":
        return public_workteam_arn(region, partition)
    if kind == "vendor":
        return str(workforce.get("workteam_arn"))
    team = workforce.get("team")
    arns = ctx.get("workteam_arns") or {}
    arn = arns.get(str(team)) if isinstance(arns, Mapping) else None
    if not arn:
        raise RuleViolation(
            [
                Violation(
                    "deploy_context.workteam_arns", team, "has no work team ARN for this job's private team"
                )
            ]
        )
    return str(arn)


def _human_task_config(
    spec: JobSpec,
    task_type: TaskType,
    ui_config: dict[str, str],
    workteam_arn: str,
    region: str,
    partition: str,
) -> dict[str, Any]:
    workforce: Mapping[str, Any] = spec.get("workforce") or {}
    mturk = workforce.get("kind") == "mturk"
    config: dict[str, Any] = {"WorkteamArn": workteam_arn, "UiConfig": ui_config}
    if task_type.is_custom:
        custom: Mapping[str, Any] = spec.get("custom") or {}
        pre, acs = str(custom.get("pre_lambda_arn")), str(custom.get("acs_lambda_arn"))
    else:
        # Optional in the schema since botocore 1.35.26, but every AWS example sends them
        # (docs/ground-truth.md#human-task-config).
        pre, acs = pre_acs_arns(task_type.key, region, partition)
    config["PreHumanTaskLambdaArn"] = pre
    config["TaskKeywords"] = list(spec.get("keywords") or task_type.default_keywords)
    config["TaskTitle"] = str(spec.get("title") or task_type.display_name)
    config["TaskDescription"] = str(spec.get("description") or task_type.display_name)
    config["NumberOfHumanWorkersPerDataObject"] = as_int(
        spec.get("workers_per_object", task_type.default_workers_per_object)
    )
    config["TaskTimeLimitInSeconds"] = as_int(
        spec.get("task_time_limit_seconds", task_type.default_task_time_limit_seconds)
    )
    config["TaskAvailabilityLifetimeInSeconds"] = as_int(
        spec.get(
            "task_availability_lifetime_seconds",
            DEFAULT_AVAILABILITY_MTURK if mturk else DEFAULT_AVAILABILITY,
        )
    )
    config["MaxConcurrentTaskCount"] = as_int(
        spec.get("max_concurrent_task_count", DEFAULT_MAX_CONCURRENT_TASKS)
    )
    config["AnnotationConsolidationConfig"] = {"AnnotationConsolidationLambdaArn": acs}
    if mturk:
        config["PublicWorkforceTaskPrice"] = {
            "AmountInUsd": price_to_usd_amount(str(workforce.get("price_usd")))
        }
    return config


def _stopping_conditions(spec: JobSpec) -> dict[str, int]:
    stopping: Mapping[str, Any] = spec.get("stopping") or {}
    conditions: dict[str, int] = {}
    if stopping.get("max_human_labeled_object_count") is not None:
        conditions["MaxHumanLabeledObjectCount"] = as_int(stopping["max_human_labeled_object_count"])
    if stopping.get("max_percentage_of_input_dataset_labeled") is not None:
        conditions["MaxPercentageOfInputDatasetLabeled"] = as_int(
            stopping["max_percentage_of_input_dataset_labeled"]
        )
    return conditions


def _tags(spec: JobSpec) -> list[dict[str, str]]:
    tags: Mapping[str, Any] = spec.get("tags") or {}
    listed = [{"Key": str(k), "Value": str(v)} for k, v in sorted(tags.items()) if k != JOB_TAG_KEY]
    return [*listed, {"Key": JOB_TAG_KEY, "Value": str(spec.get("name", ""))}]


def plan_job(spec: JobSpec, ctx: DeployContext) -> JobPlan:
    """The CreateLabelingJob kwargs and the label/template files, for a validated spec."""
    task_type = get_task_type(str(spec.get("task_type")))
    partition = str(ctx.get("partition") or "aws")
    region = _required(ctx, "region")
    output_bucket = _required(ctx, "output_bucket")
    job_name = physical_job_name(_required(ctx, "name_prefix"), spec)
    config_prefix = f"{JOB_CONFIG_PREFIX}{job_name}/"

    categories = Artifact(
        bucket=output_bucket,
        key=config_prefix + LABEL_CATEGORIES_FILE,
        body=json.dumps(label_category_config(spec), indent=2, ensure_ascii=False) + "\n",
        content_type="application/json",
    )
    artifacts = [categories]
    template = worker_template(spec)
    if template is not None:
        template_artifact = Artifact(output_bucket, config_prefix + TEMPLATE_FILE, template, "text/html")
        artifacts.append(template_artifact)
        ui_config = {"UiTemplateS3Uri": template_artifact.uri}
    else:
        ui_config = {"HumanTaskUiArn": human_task_ui_arn(task_type.key, region, partition)}

    workforce: Mapping[str, Any] = spec.get("workforce") or {}
    input_config: dict[str, Any] = {
        "DataSource": {"S3DataSource": {"ManifestS3Uri": _required(ctx, "manifest_uri")}}
    }
    # Order kept, duplicates dropped. MTurk needs the PII-free flag
    # (docs/ground-truth.md#create-labeling-job); validation insists on it rather than asserting it here on
    # the user's behalf.
    classifiers = list(dict.fromkeys(str(c) for c in workforce.get("content_classifiers") or []))
    if classifiers:
        input_config["DataAttributes"] = {"ContentClassifiers": classifiers}

    output_config = {"S3OutputPath": output_path(output_bucket)}
    kms_key = spec.get("kms_key_id") or ctx.get("output_kms_key_id")
    if kms_key:
        output_config["KmsKeyId"] = str(kms_key)

    request: dict[str, Any] = {
        "LabelingJobName": job_name,
        "LabelAttributeName": effective_label_attribute_name(spec),
        "InputConfig": input_config,
        "OutputConfig": output_config,
        "RoleArn": _required(ctx, "role_arn"),
        "LabelCategoryConfigS3Uri": categories.uri,
        "HumanTaskConfig": _human_task_config(
            spec, task_type, ui_config, _workteam_arn(spec, ctx, region, partition), region, partition
        ),
    }
    stopping = _stopping_conditions(spec)
    if stopping:
        request["StoppingConditions"] = stopping
    if parse_bool(spec.get("automated_labeling")):
        algorithms: dict[str, Any] = {
            "LabelingJobAlgorithmSpecificationArn": algorithm_spec_arn(task_type.key, region, partition)
        }
        if spec.get("initial_active_learning_model_arn"):
            algorithms["InitialActiveLearningModelArn"] = str(spec["initial_active_learning_model_arn"])
        request["LabelingJobAlgorithmsConfig"] = algorithms
    request["Tags"] = _tags(spec)
    return JobPlan(
        job_name=job_name,
        request=request,
        artifacts=tuple(artifacts),
        output_manifest_uri=plan_output_manifest_uri(output_bucket, job_name),
    )
