"""Input manifests written from an S3 prefix: the console's "automated data setup"
(docs/ground-truth.md#automated-data-setup) as code."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.handler_keys import ManifestAttributes, ManifestProperties, ResourceTypes
from gt_rules.manifest import MANIFEST_FUNCTION_TIMEOUT_SECONDS
from gt_rules.spec import JobSpec
from gt_rules.task_types import manifest_object_bounds

from .encryption import READ_ACTIONS, WRITE_ACTIONS, allow_key_use
from .providers import HandlerProvider
from .storage import MANIFEST_PREFIX

# One vCPU (docs/performance.md, "Manifest building"): reading 100,000 text objects is CPU-bound.
MEMORY_MIB = 1769
# If nobody answers at all, CloudFormation gives up after the framework's 15 minutes plus margin.
SERVICE_TIMEOUT_SECONDS = 16 * 60


class InputManifestProvider(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        input_bucket: s3.IBucket,
        encryption_key: kms.IKey | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.handlers = HandlerProvider(
            self,
            "Handlers",
            function_dir="manifest",
            description="Writes Ground Truth input manifests from an S3 prefix",
            # Well under the Provider framework's own 15-minute Lambda, so that even an overrun of
            # ours is answered by the framework; the handler stops itself before this.
            on_event_timeout_seconds=MANIFEST_FUNCTION_TIMEOUT_SECONDS,
            memory_size=MEMORY_MIB,
            # The manifest is staged in /tmp: 100,000 text items of up to 20,000 characters can reach about 2
            # GB (docs/ground-truth.md#input-manifest). Billed only while it runs.
            ephemeral_storage_mib=4096,
        )
        function = self.handlers.on_event
        function.allow("s3:ListBucket", resources=[input_bucket.bucket_arn], sid="ListInput")
        self.input_objects = input_bucket.arn_for_objects("*")
        self.manifest_objects = input_bucket.arn_for_objects(f"{MANIFEST_PREFIX}*")
        function.allow(
            "s3:GetObject",
            resources=[self.input_objects],
            reason="Reads input objects under any prefix a job names, to inline text items.",
            sid="ReadInput",
        )
        function.allow(
            "s3:PutObject",
            resources=[self.manifest_objects],
            reason="Writes manifests under the _manifests/ prefix only.",
            sid="WriteManifests",
        )
        allow_key_use(function.role, encryption_key, READ_ACTIONS + WRITE_ACTIONS)


class InputManifest(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: InputManifestProvider,
        job_name: str,
        input_bucket: s3.IBucket,
        spec: JobSpec,
    ) -> None:
        super().__init__(scope, construct_id)
        source = spec["input"]
        min_objects, max_objects = manifest_object_bounds(
            spec["task_type"], automated_labeling=bool(spec.get("automated_labeling"))
        )
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=provider.handlers.service_token,
            resource_type=ResourceTypes.INPUT_MANIFEST,
            properties={
                ManifestProperties.INPUT_BUCKET: input_bucket.bucket_name,
                ManifestProperties.PREFIX: source.get("prefix", ""),
                ManifestProperties.DATA_TYPE: source.get("data_type", ""),
                ManifestProperties.SELECTION: json.dumps(
                    source.get("selection", {"mode": "all"}), sort_keys=True
                ),
                ManifestProperties.MANIFEST_BUCKET: input_bucket.bucket_name,
                ManifestProperties.JOB_NAME: job_name,
                ManifestProperties.MAX_OBJECTS: max_objects,
                ManifestProperties.MIN_OBJECTS: min_objects,
                # Bumping the job's revision re-scans the prefix (new objects since the last deploy).
                ManifestProperties.REVISION: spec.get("revision", 0),
            },
            service_timeout=cdk.Duration.seconds(SERVICE_TIMEOUT_SECONDS),
        )
        self.manifest_uri = self.resource.get_att_string(ManifestAttributes.MANIFEST_URI)
        self.object_count = self.resource.get_att_string(ManifestAttributes.OBJECT_COUNT)
