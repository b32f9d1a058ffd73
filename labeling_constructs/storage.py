"""Input, output and access-log buckets as Ground Truth needs them.

Input buckets need CORS or image tasks fail (docs/ground-truth.md#cors): the API, unlike the console, never
adds it."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gt_rules.manifest import MANIFEST_AREA
from gt_rules.request import OUTPUT_PREFIX

from .nag import acknowledge

# docs/ground-truth.md#cors, exactly as
# https://docs.aws.amazon.com/sagemaker/latest/dg/sms-cors-update.html gives it.
IMAGE_TASK_CORS = s3.CorsRule(
    allowed_headers=[],
    allowed_methods=[s3.HttpMethods.GET],
    allowed_origins=["*"],
    exposed_headers=["Access-Control-Allow-Origin"],
)
# docs/ground-truth.md#video-and-point-cloud: video frame and 3D point cloud jobs, on input and output
# buckets.
VIDEO_AND_POINT_CLOUD_CORS = s3.CorsRule(
    allowed_headers=["*"],
    allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT],
    allowed_origins=["*"],
    exposed_headers=["Access-Control-Allow-Origin"],
    max_age=3000,
)

# Where things live in the buckets: defined once in gt_rules, which the Lambdas share.
LABELS_PREFIX = OUTPUT_PREFIX  # S3OutputPath of every job: s3://<output>/labels/<job>/...
MANIFEST_PREFIX = MANIFEST_AREA  # input manifests, beside the data as the console does


class LabelingBuckets(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        retain_data: bool,
        encryption_key: kms.IKey | None,
        video_and_point_cloud_cors: bool,
        abort_incomplete_uploads_after_days: int,
        access_log_retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        data_removal = cdk.RemovalPolicy.RETAIN if retain_data else cdk.RemovalPolicy.DESTROY

        # Server access logs cannot go to an SSE-KMS bucket, so this one is always SSE-S3.
        # It is destroyed with dev even though logs arrive minutes late (aws/aws-cdk #16332):
        # CDK's auto-delete handler first denies s3:PutObject to everyone, then empties it.
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=data_removal,
            auto_delete_objects=not retain_data,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=cdk.Duration.days(access_log_retention_days),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(
                        abort_incomplete_uploads_after_days
                    ),
                )
            ],
        )

        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the server access-log bucket itself; logging it to itself would loop.",
        )

        def data_bucket(bucket_id: str, cors: list[s3.CorsRule], versioned: bool) -> s3.Bucket:
            return s3.Bucket(
                self,
                bucket_id,
                encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
                encryption_key=encryption_key,
                bucket_key_enabled=encryption_key is not None,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                enforce_ssl=True,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                cors=cors,
                versioned=versioned,
                server_access_logs_bucket=self.access_logs,
                server_access_logs_prefix=f"{bucket_id.lower()}/",
                removal_policy=data_removal,
                auto_delete_objects=not retain_data,
                lifecycle_rules=[
                    s3.LifecycleRule(
                        id="abort-incomplete-multipart-uploads",
                        abort_incomplete_multipart_upload_after=cdk.Duration.days(
                            abort_incomplete_uploads_after_days
                        ),
                    )
                ],
            )

        wide = [VIDEO_AND_POINT_CLOUD_CORS] if video_and_point_cloud_cors else []
        # Where data is kept (prod), an overwritten or deleted input object stays recoverable too.
        self.input = data_bucket("Input", [IMAGE_TASK_CORS, *wide], versioned=retain_data)
        # Versioned: labels are the product of paid human work; an overwrite must be recoverable. Audit jobs
        # (verification, adjustment) show the earlier job's masks from this bucket, which makes it a bucket
        # "that holds input images" in docs/ground-truth.md#cors's sense.
        self.output = data_bucket("Output", [IMAGE_TASK_CORS, *wide], versioned=True)
