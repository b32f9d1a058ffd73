"""Custom resource: write a Ground Truth input manifest for an S3 prefix (the console's automated
data setup, which has no API:
https://docs.aws.amazon.com/sagemaker/latest/dg/sms-console-create-manifest-file.html).

Properties: InputBucket, Prefix, DataType, Selection (JSON string), ManifestBucket, JobName,
MaxObjects, MinObjects (CloudFormation delivers numbers as strings). Any other property (such as a
revision counter) only feeds the digest, so changing it writes a fresh manifest.

Create/Update: list the prefix page by page, stream manifest lines into a temporary file, upload
it to `s3://ManifestBucket/_manifests/<JobName>/<digest>.manifest`. The digest covers the
properties, so the same properties give the same key (a retried Create overwrites the same object)
and changed properties give a new physical id. Text data types read their objects with
`READ_WORKERS` parallel GETs on one shared client (boto3 clients are thread-safe:
https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html).

Time: the CDK Provider framework calls this function and turns an exception into a FAILED answer
with the exception's message. Its own function's timeout is 15 minutes; ours is 10
(MANIFEST_FUNCTION_TIMEOUT_SECONDS), and the build works to the Lambda context's remaining time
less a safety margin: a text dataset estimated not to fit is refused before any object is read, and
a build that runs late stops with a clear error while there is time to report it.
Delete: nothing. A running labeling job may still read its manifest, and the manifest bucket's own
removal policy decides what happens to it. A Delete never fails.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gt_rules.manifest import (
    DEFAULT_READ_PLAN,
    MANIFEST_FUNCTION_TIMEOUT_SECONDS,
    MAX_OBJECTS,
    READ_WORKERS,
    TEXT_DATA_TYPES,
    Deadline,
    ListedKey,
    ManifestError,
    ReadPlan,
    build_manifest,
    digest_properties,
    manifest_key,
    parse_selection,
    rule_as_mapping,
    vcpus_for_memory,
)
from gt_rules.retry import call_with_retries, error_code, error_message, is_throttling
from gt_rules.spec import as_int

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

# Standard mode retries throttling and transient errors on every request, paginator pages included;
# explicit call_with_retries adds bounded backoff on top for the single calls below. One pooled
# connection per parallel read: botocore's default pool of 10 would open and drop connections.
S3_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=READ_WORKERS)
# Multipart above 8 MiB; a 100,000-item text manifest can reach gigabytes (20,000 characters per item).
# Two 8 MiB parts at a time: botocore holds a part about three times over while it checksums and
# sends it, so boto3's default (10 parts of 16 MiB here) cost over 200 MiB; this costs about 50 MiB
# (docs/performance.md). 10,000 parts of 8 MiB allow an 80 GB manifest.
TRANSFER_CONFIG = TransferConfig(
    multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=2
)
LIST_PAGE_SIZE = 1000
MANIFEST_CONTENT_TYPE = "application/jsonlines"
# CloudFormation's own custom-resource settings, not part of what the manifest is: the Provider's
# ARN arrives in ResourceProperties; ServiceTimeout may too (the request-object page does not say:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
_NOT_HASHED = frozenset({"ServiceToken", "ServiceTimeout"})


class LambdaContext(Protocol):
    """The part of the Lambda context object this handler uses
    (https://docs.aws.amazon.com/lambda/latest/dg/python-context.html)."""

    def get_remaining_time_in_millis(self) -> int: ...


def on_event(event: Mapping[str, Any], context: LambdaContext | None) -> dict[str, Any]:
    """CDK Provider entry point."""
    return handle(event, context=context)


def remaining_seconds(context: LambdaContext | None) -> float:
    """The invocation's time left; without a context (tests, local runs) the function's timeout."""
    if context is None:
        return float(MANIFEST_FUNCTION_TIMEOUT_SECONDS)
    return context.get_remaining_time_in_millis() / 1000


def read_plan_for_this_function() -> ReadPlan:
    """The default plan, its CPU share taken from the function's memory size (a runtime variable:
    https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)."""
    memory_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
    if not memory_mb.isdigit():
        return DEFAULT_READ_PLAN
    return dataclasses.replace(DEFAULT_READ_PLAN, vcpus=vcpus_for_memory(int(memory_mb)))


def handle(
    event: Mapping[str, Any],
    *,
    s3: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    tmp_dir: str | None = None,
    context: LambdaContext | None = None,
    clock: Callable[[], float] = time.monotonic,
    reading: ReadPlan | None = None,
) -> dict[str, Any]:
    request_type = event.get("RequestType") if isinstance(event, Mapping) else None
    if request_type == "Delete":
        return _delete(event)  # needs neither S3 nor the clock
    if request_type not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request_type!r}")
    deadline = Deadline.from_remaining(remaining_seconds(context), clock=clock)
    plan = reading if reading is not None else read_plan_for_this_function()
    # Messages stay short: CloudFormation shows the first few hundred characters of the reason.
    props = event.get("ResourceProperties") or {}
    where = f"s3://{props.get('InputBucket', '?')}/{props.get('Prefix', '')}"
    try:
        client = s3 if s3 is not None else boto3.client("s3", config=S3_CONFIG)
        return _create_or_update(event, client, sleep=sleep, tmp_dir=tmp_dir, plan=plan, deadline=deadline)
    except ManifestError as exc:
        LOG.error("manifest not written: %s", exc)
        raise
    except (ClientError, BotoCoreError) as exc:
        # Reword AWS errors so CloudFormation's event shows what failed and where.
        detail = f"{error_code(exc)}: {error_message(exc)}" if error_code(exc) else str(exc)
        LOG.error("manifest for %s failed: %s", where, detail)
        raise RuntimeError(f"manifest for {where} failed: {detail}") from exc
    except OSError as exc:
        # Staging in /tmp: a full disk is the likely cause, and the fix is the function's storage.
        detail = f"{exc.strerror or exc} (ephemeral storage, /tmp)"
        LOG.error("manifest for %s failed: %s", where, detail)
        raise RuntimeError(f"manifest for {where} failed: {detail}") from exc


def _delete(event: Mapping[str, Any]) -> dict[str, Any]:
    # Never touch S3 here: the manifest bucket's removal policy owns the object, a running job may
    # still read it, and nothing here can make a stack deletion fail.
    try:
        physical_id = event.get("PhysicalResourceId")
        LOG.info("delete %s: manifest left in place for running jobs", physical_id)
    except Exception:  # a malformed event must not fail a Delete either
        return {}
    # The Provider framework rejects a changed physical id on Delete; {} keeps the event's own.
    return {"PhysicalResourceId": physical_id} if isinstance(physical_id, str) and physical_id else {}


def _throttled(exc: BaseException) -> bool:
    """Throttling, also when wrapped: upload_file re-raises ClientError as S3UploadFailedError."""
    seen: BaseException | None = exc
    while seen is not None:
        if is_throttling(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _required(props: Mapping[str, Any], name: str) -> str:
    value = props.get(name)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"property {name} is required")
    return value


def _canonical_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties as the digest sees them: numbers as ints, Selection as parsed data."""
    canonical = {key: value for key, value in props.items() if key not in _NOT_HASHED}
    canonical["Selection"] = rule_as_mapping(parse_selection(props.get("Selection")))
    for name, default in (("MaxObjects", MAX_OBJECTS), ("MinObjects", 1)):
        try:
            canonical[name] = as_int(props.get(name, default))
        except (TypeError, ValueError):
            raise ManifestError(f"property {name} must be an integer, got {props.get(name)!r}") from None
    canonical["Prefix"] = props.get("Prefix", "")
    return canonical


def _list_pages(s3: Any, bucket: str, prefix: str, *, with_sizes: bool) -> Iterator[list[str]]:
    """Keys page by page; with their listed sizes when the objects are to be read (the estimate)."""
    paginator = s3.get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": LIST_PAGE_SIZE})
    for page in pages:
        contents = page.get("Contents", [])
        if with_sizes:
            yield [ListedKey(obj["Key"], int(obj.get("Size", 0))) for obj in contents]
        else:
            yield [obj["Key"] for obj in contents]


def _create_or_update(
    event: Mapping[str, Any],
    s3: Any,
    *,
    sleep: Callable[[float], None],
    tmp_dir: str | None,
    plan: ReadPlan,
    deadline: Deadline,
) -> dict[str, Any]:
    props = event.get("ResourceProperties", {})
    input_bucket = _required(props, "InputBucket")
    manifest_bucket = _required(props, "ManifestBucket")
    job_name = _required(props, "JobName")
    data_type = _required(props, "DataType")
    canonical = _canonical_properties(props)
    key = manifest_key(job_name, digest_properties(canonical))
    uri = f"s3://{manifest_bucket}/{key}"

    def open_object(object_key: str) -> Any:
        # Called from the build's reader threads: the client is shared, `sleep` only delays the caller.
        response = call_with_retries(
            lambda: s3.get_object(Bucket=input_bucket, Key=object_key), retryable=_throttled, sleep=sleep
        )
        return response["Body"]  # a StreamingBody: read in chunks, never whole

    # /tmp on Lambda; the file, not memory, holds the manifest (size the function's ephemeral storage).
    fd, path = tempfile.mkstemp(prefix="manifest-", suffix=".jsonl", dir=tmp_dir)
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as sink:
            stats = build_manifest(
                sink,
                _list_pages(s3, input_bucket, canonical["Prefix"], with_sizes=data_type in TEXT_DATA_TYPES),
                bucket=input_bucket,
                prefix=canonical["Prefix"],
                data_type=data_type,
                selection=canonical["Selection"],
                open_object=open_object,
                max_objects=canonical["MaxObjects"],
                min_objects=canonical["MinObjects"],
                reading=plan,
                deadline=deadline,
            )
        call_with_retries(
            lambda: s3.upload_file(
                path,
                manifest_bucket,
                key,
                ExtraArgs={"ContentType": MANIFEST_CONTENT_TYPE},
                Config=TRANSFER_CONFIG,
            ),
            retryable=_throttled,
            sleep=sleep,
        )
    finally:
        os.unlink(path)
    LOG.info(
        "wrote %s: %d items from %d objects (%d empty skipped)",
        uri,
        stats.item_count,
        stats.objects_read,
        stats.skipped_empty,
    )
    return {"PhysicalResourceId": uri, "Data": {"ManifestUri": uri, "ObjectCount": stats.item_count}}
