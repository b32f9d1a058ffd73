"""Project-wide names: tags and the places AWS creates things for our jobs outside CloudFormation."""

from __future__ import annotations

PROJECT_TAG_KEY = "gt-labeling-stack:project"
ENVIRONMENT_TAG_KEY = "gt-labeling-stack:environment"
JOB_TAG_KEY = "gt-labeling-stack:job"

# docs/ground-truth.md#output-layout: one log stream per job name in this group, created by Ground Truth, not
# by us.
LABELING_JOB_LOG_GROUP = "/aws/sagemaker/LabelingJobs"
# docs/ground-truth.md#stop-and-delete: streaming jobs create an SQS queue `GroundTruth-<job name>` that
# stopping leaves behind.
STREAMING_QUEUE_PREFIX = "GroundTruth-"


def name_prefix(project_prefix: str, environment: str) -> str:
    """`<project>-<env>`: the start of every physical name this environment owns."""
    return f"{project_prefix}-{environment}"
