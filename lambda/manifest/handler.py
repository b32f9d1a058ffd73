"""Custom resource: write a Ground Truth input manifest for an S3 prefix (the console's automated
data setup, §4.3, which has no API).

Properties: InputBucket, Prefix, DataType, Selection (JSON string), ManifestBucket, JobName,
MaxObjects, MinObjects (CloudFormation delivers numbers as strings). Any other property (such as a
revision counter) only feeds the digest, so changing it writes a fresh manifest.

Create/Update: list the prefix page by page, stream manifest lines into a temporary file, upload
it to `s3://ManifestBucket/_manifests/<JobName>/<digest>.manifest`. The digest covers the
properties, so the same properties give the same key (a retried Create overwrites the same object)
and changed properties give a new physical id.
Delete: nothing. A running labeling job may still read its manifest, and the manifest bucket's own
removal policy decides what happens to it. A Delete never fails.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gt_rules.manifest import (
    MAX_OBJECTS_PER_JOB,
    ManifestError,
    build_manifest,
    digest_properties,
    manifest_key,
    parse_selection,
    rule_as_mapping,
)
from gt_rules.retry import call_with_retries, error_code, error_message, is_throttling
from gt_rules.spec import as_int

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

# Standard mode retries throttling and transient errors on every request, paginator pages included;
# explicit call_with_retries adds bounded backoff on top for the single calls below.
S3_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})
# Multipart above 8 MiB; a 100,000-item text manifest can reach gigabytes (§4.1 limits).
TRANSFER_CONFIG = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024)
LIST_PAGE_SIZE = 1000
MANIFEST_CONTENT_TYPE = "application/jsonlines"
_NOT_HASHED = frozenset({"ServiceToken"})  # the Provider's ARN: not part of what the manifest is


def on_event(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    """CDK Provider entry point."""
    return handle(event)


def handle(
    event: Mapping[str, Any],
    *,
    s3: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    tmp_dir: str | None = None,
) -> dict[str, Any]:
    request_type = event.get("RequestType") if isinstance(event, Mapping) else None
    if request_type == "Delete":
        return _delete(event)
    if request_type not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request_type!r}")
    client = s3 if s3 is not None else boto3.client("s3", config=S3_CONFIG)
    try:
        return _create_or_update(event, client, sleep=sleep, tmp_dir=tmp_dir)
    except ManifestError as exc:
        LOG.error("manifest not written: %s", exc)
        raise
    except (ClientError, BotoCoreError) as exc:
        # Reword AWS errors so CloudFormation's event shows what failed and where.
        props = event.get("ResourceProperties") or {}
        where = f"s3://{props.get('InputBucket', '?')}/{props.get('Prefix', '')}"
        detail = f"{error_code(exc)}: {error_message(exc)}" if error_code(exc) else str(exc)
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
    for name, default in (("MaxObjects", MAX_OBJECTS_PER_JOB), ("MinObjects", 1)):
        try:
            canonical[name] = as_int(props.get(name, default))
        except (TypeError, ValueError):
            raise ManifestError(f"property {name} must be an integer, got {props.get(name)!r}") from None
    canonical["Prefix"] = props.get("Prefix", "")
    return canonical


def _list_pages(s3: Any, bucket: str, prefix: str) -> Iterator[list[str]]:
    paginator = s3.get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": LIST_PAGE_SIZE})
    for page in pages:
        yield [obj["Key"] for obj in page.get("Contents", [])]


def _create_or_update(
    event: Mapping[str, Any], s3: Any, *, sleep: Callable[[float], None], tmp_dir: str | None
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
                _list_pages(s3, input_bucket, canonical["Prefix"]),
                bucket=input_bucket,
                prefix=canonical["Prefix"],
                data_type=data_type,
                selection=canonical["Selection"],
                open_object=open_object,
                max_objects=canonical["MaxObjects"],
                min_objects=canonical["MinObjects"],
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
