"""The names a construct and its handler must agree on: custom-resource properties and
attributes, and environment variables. Both sides import them from here, so a rename cannot
leave one side behind."""

from __future__ import annotations

from typing import Final


class ResourceTypes:
    LABELING_JOB: Final = "Custom::GroundTruthLabelingJob"
    INPUT_MANIFEST: Final = "Custom::GroundTruthInputManifest"
    LEFTOVER_CLEANUP: Final = "Custom::GroundTruthLeftoverCleanup"
    WORKER_PORTAL: Final = "Custom::GroundTruthWorkerPortal"
    APP_CLIENT_URLS: Final = "Custom::GroundTruthAppClientUrls"


class LabelingJobProperties:
    # The job spec as a JSON string: CloudFormation would turn its numbers into strings.
    SPEC_JSON: Final = "SpecJson"
    CONTEXT: Final = "Context"  # the DeployContext (gt_rules.spec)


class LabelingJobAttributes:
    ARN: Final = "LabelingJobArn"
    NAME: Final = "LabelingJobName"
    OUTPUT_MANIFEST_URI: Final = "OutputManifestUri"
    STATUS: Final = "LabelingJobStatus"


class ManifestProperties:
    INPUT_BUCKET: Final = "InputBucket"
    PREFIX: Final = "Prefix"
    DATA_TYPE: Final = "DataType"
    SELECTION: Final = "Selection"  # a JSON string
    MANIFEST_BUCKET: Final = "ManifestBucket"
    JOB_NAME: Final = "JobName"
    MAX_OBJECTS: Final = "MaxObjects"
    MIN_OBJECTS: Final = "MinObjects"
    REVISION: Final = "Revision"


class ManifestAttributes:
    MANIFEST_URI: Final = "ManifestUri"
    OBJECT_COUNT: Final = "ObjectCount"


class CleanupProperties:
    NAME_PREFIX: Final = "NamePrefix"


class WorkerPortalProperties:
    WORKTEAM_NAME: Final = "WorkteamName"


class AppClientUrlsProperties:
    USER_POOL_ID: Final = "UserPoolId"
    CLIENT_ID: Final = "ClientId"
    SUBDOMAIN: Final = "SubDomain"
    # The client's own settings as this stack defines them: when they change, CloudFormation
    # updates the client (resetting its URLs), and this property makes the URLs be set again.
    CLIENT_SETTINGS: Final = "ClientSettings"


class PortalAttributes:
    PORTAL_URL: Final = "PortalUrl"
    CALLBACK_URL: Final = "CallbackUrl"


class ReaperEnvironment:
    NAME_PREFIX: Final = "NAME_PREFIX"
    TTL_HOURS: Final = "TTL_HOURS"
    DRY_RUN: Final = "DRY_RUN"
    TOPIC_ARN: Final = "TOPIC_ARN"


class NotifierEnvironment:
    TOPIC_ARN: Final = "TOPIC_ARN"


class InviteEnvironment:
    WORKTEAM_NAME: Final = "WORKTEAM_NAME"
