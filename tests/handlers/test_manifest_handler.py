"""lambda/manifest/handler.py against moto S3: listing, text reads, upload, errors, retries, time.

Events are shaped as the CDK Provider framework sends them to our function: CloudFormation's
request (ServiceToken, ResponseURL, StackId, RequestId, LogicalResourceId, ResourceType, every
ResourceProperties value a string, ServiceToken among them), plus PhysicalResourceId and
OldResourceProperties on Update and PhysicalResourceId on Delete.
"""

from __future__ import annotations

import errno
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from gt_rules.manifest import (
    DEADLINE_SAFETY_SECONDS,
    MANIFEST_FUNCTION_TIMEOUT_SECONDS,
    READ_WORKERS,
    ManifestError,
    ReadPlan,
    manifest_key,
)
from tests.fakes import FakeClock
from tests.handlers.conftest import load_handler

handler = load_handler("manifest")

INPUT = "input-bucket"
OUTPUT = "manifest-bucket"


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=INPUT)
        client.create_bucket(Bucket=OUTPUT)
        yield client


def put(s3: Any, objects: dict[str, bytes | str]) -> None:
    for key, body in objects.items():
        s3.put_object(Bucket=INPUT, Key=key, Body=body.encode() if isinstance(body, str) else body)


SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:gtlab-dev-labeling-ProviderframeworkonEvent"
STACK_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:stack/gtlab-dev-labeling/5b1c3f40-0000-0000-0000-0000"
)
SPLIT_ADVICE = 'split the prefix over several jobs or give a manifest (input kind "manifest")'


def properties(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "ServiceToken": SERVICE_TOKEN,
        "InputBucket": INPUT,
        "Prefix": "fashion/",
        "DataType": "images",
        "Selection": json.dumps({"mode": "all"}),
        "ManifestBucket": OUTPUT,
        "JobName": "fashion",
        "MaxObjects": "100000",  # CloudFormation turns numbers into strings
        "MinObjects": "1",
        "Revision": "0",
    }
    props.update(overrides)
    return props


def event(
    request_type: str = "Create",
    *,
    physical_id: str = "",
    old: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A request as the Provider framework passes it to our function."""
    request: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": SERVICE_TOKEN,
        "ResponseURL": "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x",
        "StackId": STACK_ID,
        "RequestId": "6a4e2b6c-0000-0000-0000-000000000001",
        "LogicalResourceId": "LabelingFashionManifestResource1A2B3C4D",
        "ResourceType": "Custom::GroundTruthInputManifest",
        "ResourceProperties": properties(**overrides),
    }
    if request_type in ("Update", "Delete"):
        request["PhysicalResourceId"] = physical_id
    if request_type == "Update":
        request["OldResourceProperties"] = old if old is not None else properties()
    return request


class FakeContext:
    """The Lambda context's clock: `remaining_ms` at the start, then whatever the test's clock says."""

    def __init__(self, remaining_ms: int, clock: FakeClock | None = None) -> None:
        self._start = clock() if clock else 0.0
        self._remaining_ms = remaining_ms
        self._clock = clock
        self.asked = 0

    def get_remaining_time_in_millis(self) -> int:
        self.asked += 1
        spent = (self._clock() - self._start) if self._clock else 0.0
        return int(self._remaining_ms - spent * 1000)


def read_manifest(s3: Any, uri: str) -> list[dict[str, str]]:
    assert uri.startswith(f"s3://{OUTPUT}/")
    body = s3.get_object(Bucket=OUTPUT, Key=uri.removeprefix(f"s3://{OUTPUT}/"))["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def no_sleep(_seconds: float) -> None:
    raise AssertionError("nothing should be retried here")


def test_create_writes_the_manifest_and_returns_uri_and_count(s3: Any, tmp_path: Path) -> None:
    put(
        s3,
        {
            "fashion/": b"",  # folder marker made by the console
            "fashion/001.JPG": b"x",
            "fashion/002.png": b"x",
            "fashion/notes.txt": b"x",
            "fashion/sub/003.jpeg": b"x",
            "other/004.png": b"x",
        },
    )
    result = handler.handle(event(), tmp_dir=str(tmp_path), sleep=no_sleep)
    uri = result["PhysicalResourceId"]
    assert result["Data"] == {"ManifestUri": uri, "ObjectCount": 3}
    assert uri.startswith(f"s3://{OUTPUT}/_manifests/fashion/") and uri.endswith(".manifest")
    assert read_manifest(s3, uri) == [
        {"source-ref": f"s3://{INPUT}/fashion/001.JPG"},
        {"source-ref": f"s3://{INPUT}/fashion/002.png"},
        {"source-ref": f"s3://{INPUT}/fashion/sub/003.jpeg"},
    ]
    assert list(tmp_path.iterdir()) == []  # temporary file removed


def test_on_event_entry_point_uses_its_own_client(s3: Any) -> None:
    put(s3, {"fashion/001.png": b"x"})
    result = handler.on_event(event(), None)
    assert result["Data"]["ObjectCount"] == 1
    assert read_manifest(s3, result["PhysicalResourceId"]) == [
        {"source-ref": f"s3://{INPUT}/fashion/001.png"}
    ]


def test_same_properties_give_the_same_key_and_changed_ones_a_new_key(s3: Any) -> None:
    put(s3, {"fashion/001.png": b"x", "fashion/002.png": b"x"})
    first = handler.handle(event())["PhysicalResourceId"]
    # A retried Create, and the same values as CloudFormation strings vs JSON numbers/spacing.
    again = handler.handle(event())["PhysicalResourceId"]
    respelled = handler.handle(event(MaxObjects=100000, Selection='{"mode":"all"}'))["PhysicalResourceId"]
    assert first == again == respelled
    key = first.removeprefix(f"s3://{OUTPUT}/")
    assert key == manifest_key("fashion", key.split("/")[-1].removesuffix(".manifest"))
    # The Provider's ARN is not part of what the manifest is.
    other_token = event(ServiceToken="arn:aws:lambda:us-east-1:123456789012:function:other")
    assert handler.handle(other_token)["PhysicalResourceId"] == first
    # Nor is CloudFormation's ServiceTimeout, should it arrive among the properties.
    assert handler.handle(event(ServiceTimeout="960"))["PhysicalResourceId"] == first
    # An Update that changes nothing the manifest depends on keeps the physical id.
    assert handler.handle(event("Update", physical_id=first))["PhysicalResourceId"] == first
    update = event(
        "Update",
        physical_id=first,
        old=properties(),
        Selection=json.dumps({"mode": "sample", "sample_size": 1, "seed": 1}),
    )
    changed = handler.handle(update)
    assert changed["PhysicalResourceId"] != first
    assert changed["Data"]["ObjectCount"] == 1
    assert len(read_manifest(s3, first)) == 2  # the old manifest is left for a job still reading it
    revised = handler.handle(event("Update", physical_id=first, Revision="1"))  # bumping the revision
    assert revised["PhysicalResourceId"] not in (first, changed["PhysicalResourceId"])


def test_listing_follows_every_page(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handler, "LIST_PAGE_SIZE", 7)
    put(s3, {f"fashion/{i:03d}.png": b"x" for i in range(30)})
    result = handler.handle(event())
    assert result["Data"]["ObjectCount"] == 30
    assert [line["source-ref"] for line in read_manifest(s3, result["PhysicalResourceId"])] == [
        f"s3://{INPUT}/fashion/{i:03d}.png" for i in range(30)
    ]


TRICKY = 'He said "42"\\n\nnext line\t😀 naïve 日本 \u2028'


def test_text_objects_are_read_and_inlined_with_escaping_round_trip(s3: Any) -> None:
    put(s3, {"numbers/1.txt": "\ufeff" + TRICKY, "numbers/2.txt": "19", "numbers/3.txt": ""})
    result = handler.handle(event(Prefix="numbers/", DataType="text_objects", JobName="numbers"))
    assert result["Data"]["ObjectCount"] == 2
    assert read_manifest(s3, result["PhysicalResourceId"]) == [{"source": TRICKY}, {"source": "19"}]


def test_text_lines_and_csv_rows(s3: Any) -> None:
    put(
        s3,
        {
            "t/a.txt": "one\r\n\r\ntwo é\n",
            "t/b.csv": 'id,text\n1,"multi\nline, with comma"\n2,"quote ""x"""\n',
        },
    )
    lines = handler.handle(event(Prefix="t/", DataType="text_lines"))
    assert read_manifest(s3, lines["PhysicalResourceId"]) == [{"source": "one"}, {"source": "two é"}]
    rows = handler.handle(event(Prefix="t/", DataType="csv_rows"))
    assert read_manifest(s3, rows["PhysicalResourceId"]) == [
        {"source": "id, text"},
        {"source": "1, multi\nline, with comma"},
        {"source": '2, quote "x"'},
    ]


def test_empty_prefix_fails_with_a_clear_message_and_uploads_nothing(s3: Any, tmp_path: Path) -> None:
    put(s3, {"fashion/readme.md": b"x"})
    with pytest.raises(
        ManifestError, match=r"no objects under s3://input-bucket/fashion/ with extensions \.jpg"
    ):
        handler.handle(event(), tmp_dir=str(tmp_path))
    assert "Contents" not in s3.list_objects_v2(Bucket=OUTPUT)
    assert list(tmp_path.iterdir()) == []


def test_quota_error(s3: Any) -> None:
    put(s3, {f"fashion/{i}.png": b"x" for i in range(5)})
    with pytest.raises(ManifestError, match=r"5 objects exceed the task type's quota of 2$"):
        handler.handle(event(MaxObjects="2"))


def test_min_objects_error(s3: Any) -> None:
    put(s3, {f"fashion/{i}.png": b"x" for i in range(3)})
    with pytest.raises(ManifestError, match="fewer than the minimum of 1,250"):
        handler.handle(event(MinObjects="1250"))


def test_text_over_20000_characters_is_rejected_naming_the_key(s3: Any) -> None:
    put(s3, {"numbers/ok.txt": "1", "numbers/huge.txt": "9" * 20_001})
    with pytest.raises(ManifestError, match=r"s3://input-bucket/numbers/huge\.txt: 'source' .*20,000"):
        handler.handle(event(Prefix="numbers/", DataType="text_objects"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"InputBucket": ""}, "property InputBucket is required"),
        ({"DataType": "pictures"}, "'pictures' is not one of"),
        ({"MaxObjects": "lots"}, "MaxObjects must be an integer"),
        ({"Selection": '{"mode": "sample"}'}, "needs sample_size"),
        ({"JobName": "bad/name"}, "job name 'bad/name'"),
    ],
)
def test_bad_properties_fail_create(s3: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        handler.handle(event(**overrides))


def test_aws_errors_are_reworded_with_the_location(s3: Any) -> None:
    with pytest.raises(RuntimeError, match=r"manifest for s3://missing-bucket/fashion/ failed: NoSuchBucket"):
        handler.handle(event(InputBucket="missing-bucket"))


class FlakyS3:
    """The moto client, but the first `failures` calls of each named method are throttled."""

    def __init__(self, inner: Any, failures: int, wrap_upload: bool = False) -> None:
        self._inner = inner
        self._left = {"get_object": failures, "upload_file": failures}
        self._wrap_upload = wrap_upload
        self.calls = {"get_object": 0, "upload_file": 0}
        self._lock = threading.Lock()  # reads come from several threads

    def _throttle(self, name: str) -> None:
        with self._lock:
            self.calls[name] += 1
            throttled = self._left[name] > 0
            self._left[name] -= throttled
        if throttled:
            error = ClientError({"Error": {"Code": "SlowDown", "Message": "slow down"}}, name)
            if name == "upload_file" and self._wrap_upload:
                # boto3's upload_file re-raises ClientError as S3UploadFailedError, keeping the context.
                try:
                    raise error
                except ClientError:
                    raise boto3.exceptions.S3UploadFailedError("Failed to upload: slow down") from None
            raise error

    def get_object(self, **kwargs: Any) -> Any:
        self._throttle("get_object")
        return self._inner.get_object(**kwargs)

    def upload_file(self, *args: Any, **kwargs: Any) -> Any:
        self._throttle("upload_file")
        return self._inner.upload_file(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_throttled_reads_and_uploads_are_retried_without_real_sleeps(s3: Any) -> None:
    put(s3, {"numbers/1.txt": "42"})
    sleeps: list[float] = []
    flaky = FlakyS3(s3, failures=2)
    result = handler.handle(event(Prefix="numbers/", DataType="text_objects"), s3=flaky, sleep=sleeps.append)
    assert flaky.calls == {"get_object": 3, "upload_file": 3}
    assert sleeps == [1.0, 2.0, 1.0, 2.0]
    assert read_manifest(s3, result["PhysicalResourceId"]) == [{"source": "42"}]


def test_a_wrapped_upload_throttle_is_recognised(s3: Any) -> None:
    put(s3, {"fashion/1.png": b"x"})
    sleeps: list[float] = []
    flaky = FlakyS3(s3, failures=1, wrap_upload=True)
    handler.handle(event(), s3=flaky, sleep=sleeps.append)
    assert flaky.calls["upload_file"] == 2 and sleeps == [1.0]


def test_retries_are_bounded(s3: Any) -> None:
    put(s3, {"numbers/1.txt": "42"})
    sleeps: list[float] = []
    with pytest.raises(RuntimeError, match="SlowDown"):
        handler.handle(
            event(Prefix="numbers/", DataType="text_objects"), s3=FlakyS3(s3, 99), sleep=sleeps.append
        )
    assert len(sleeps) == 4  # 5 attempts


class ExplodingS3:
    """Any use at all is a failure: Delete must not need S3."""

    def __getattr__(self, name: str) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, name)


class ExplodingContext:
    """A Delete must not even look at the clock."""

    def get_remaining_time_in_millis(self) -> int:
        raise AssertionError("Delete asked for the remaining time")


@pytest.mark.parametrize(
    "delete_event",
    [
        event("Delete", physical_id=f"s3://{OUTPUT}/_manifests/fashion/0123abcd.manifest"),
        event("Delete", physical_id="s3://b/k", InputBucket="5", DataType="pictures"),  # bad properties
        {"RequestType": "Delete"},  # malformed: still no failure
    ],
)
def test_delete_never_fails_and_never_touches_s3(
    delete_event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_client(*_args: Any, **_kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "client")

    monkeypatch.setattr(handler.boto3, "client", no_client)
    result = handler.on_event(delete_event, ExplodingContext())
    assert handler.handle(delete_event, s3=ExplodingS3()) == result
    # The Provider framework rejects a changed physical id on Delete: echo it, or leave it out.
    assert result == (
        {"PhysicalResourceId": delete_event["PhysicalResourceId"]}
        if "PhysicalResourceId" in delete_event
        else {}
    )


def test_delete_leaves_the_manifest_in_place(s3: Any) -> None:
    put(s3, {"fashion/1.png": b"x"})
    uri = handler.handle(event())["PhysicalResourceId"]
    assert handler.handle(event("Delete", physical_id=uri)) == {"PhysicalResourceId": uri}
    assert read_manifest(s3, uri) == [{"source-ref": f"s3://{INPUT}/fashion/1.png"}]


def test_unknown_request_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown RequestType"):
        handler.handle({"RequestType": "Replace"}, s3=ExplodingS3())


# --- parallel reads and time -----------------------------------------------------------------------


def text_objects(count: int) -> dict[str, bytes | str]:
    return {f"numbers/{i:03d}.txt": f'item {i}: "quoted" café 😀\u2028{"x" * (i % 5)}' for i in range(count)}


def test_parallel_and_sequential_reads_upload_the_same_manifest(s3: Any) -> None:
    objects = text_objects(30)
    objects["numbers/007.txt"] = ""  # an empty object is skipped either way
    put(s3, objects)
    created = event(Prefix="numbers/", DataType="text_objects")
    uri = handler.handle(created, reading=ReadPlan(workers=1, window=1))["PhysicalResourceId"]
    sequential = s3.get_object(Bucket=OUTPUT, Key=uri.removeprefix(f"s3://{OUTPUT}/"))["Body"].read()
    result = handler.handle(created, reading=ReadPlan(workers=8, window=12))
    assert result["PhysicalResourceId"] == uri
    parallel = s3.get_object(Bucket=OUTPUT, Key=uri.removeprefix(f"s3://{OUTPUT}/"))["Body"].read()
    assert parallel == sequential
    assert result["Data"]["ObjectCount"] == 29 and len(parallel.splitlines()) == 29


class ThrottledOncePerKey:
    """The moto client, but every object's first GET is throttled; thread-safe counts per key."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.gets: dict[str, int] = {}

    def get_object(self, **kwargs: Any) -> Any:
        with self._lock:
            self.gets[kwargs["Key"]] = self.gets.get(kwargs["Key"], 0) + 1
            first = self.gets[kwargs["Key"]] == 1
        if first:
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow down"}}, "GetObject")
        return self._inner.get_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_throttled_parallel_reads_are_each_retried(s3: Any) -> None:
    objects = text_objects(24)
    put(s3, objects)
    sleeps: list[float] = []
    throttled = ThrottledOncePerKey(s3)
    result = handler.handle(
        event(Prefix="numbers/", DataType="text_objects"),
        s3=throttled,
        sleep=sleeps.append,
        reading=ReadPlan(workers=6, window=12),
    )
    assert throttled.gets == dict.fromkeys(objects, 2)
    assert sleeps == [1.0] * 24  # one backoff per object, from whichever thread read it
    assert [line["source"] for line in read_manifest(s3, result["PhysicalResourceId"])] == list(
        objects.values()
    )


class CountingS3:
    """The moto client; each GET is counted and may move the test's clock."""

    def __init__(self, inner: Any, clock: FakeClock | None = None, seconds_per_get: float = 0.0) -> None:
        self._inner = inner
        self._clock = clock
        self._seconds_per_get = seconds_per_get
        self._lock = threading.Lock()
        self.gets = 0

    def get_object(self, **kwargs: Any) -> Any:
        with self._lock:
            self.gets += 1
        if self._clock:
            self._clock.advance(self._seconds_per_get)
        return self._inner.get_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_dataset_too_slow_to_read_is_refused_before_any_get(s3: Any, tmp_path: Path) -> None:
    put(s3, {f"numbers/{i}.txt": "9" * 19_000 for i in range(5)})
    counting = CountingS3(s3)
    # Only the listed sizes can make this estimate: 2 x 95,000 bytes at 1,000 bytes/s = 190 s.
    plan = ReadPlan(workers=2, window=2, seconds_per_request=0.0, bytes_per_second=1000)
    with pytest.raises(ManifestError) as caught:
        handler.handle(
            event(Prefix="numbers/", DataType="text_objects"),
            s3=counting,
            context=FakeContext(remaining_ms=90_000),
            reading=plan,
            tmp_dir=str(tmp_path),
        )
    message = str(caught.value)
    assert message == (
        "s3://input-bucket/numbers/: 5 objects, 0.1 MB: about 3.2 min at 2 parallel reads, more than the "
        "1.0 min this function has left; " + SPLIT_ADVICE
    )
    assert len(message) < 300  # CloudFormation shows the start of the reason
    assert counting.gets == 0
    assert "Contents" not in s3.list_objects_v2(Bucket=OUTPUT) and list(tmp_path.iterdir()) == []
    # Without a context (tests, local runs) the budget is the function's timeout less the margin.
    assert handler.handle(event(Prefix="numbers/", DataType="text_objects"), s3=counting, reading=plan)
    assert counting.gets == 5


def test_reading_past_the_deadline_fails_clearly_and_uploads_nothing(s3: Any, tmp_path: Path) -> None:
    put(s3, text_objects(10))
    clock = FakeClock(start=50.0)
    slow = CountingS3(s3, clock, seconds_per_get=100.0)
    with pytest.raises(ManifestError) as caught:
        handler.handle(
            event(Prefix="numbers/", DataType="text_objects"),
            s3=slow,
            context=FakeContext(remaining_ms=600_000, clock=clock),
            clock=clock,
            reading=ReadPlan(workers=1, window=1),
            tmp_dir=str(tmp_path),
        )
    # 570 s to work with: five 100-s GETs fit, the sixth would end at 600 s.
    message = str(caught.value)
    assert message == (
        "s3://input-bucket/numbers/: stopped after reading 5 of 10 objects, to end before this function's "
        "time limit; " + SPLIT_ADVICE
    )
    assert len(message) < 300
    assert "Contents" not in s3.list_objects_v2(Bucket=OUTPUT) and list(tmp_path.iterdir()) == []


def test_on_event_passes_the_lambda_context_on(s3: Any) -> None:
    put(s3, {"numbers/1.txt": "42"})
    context = FakeContext(remaining_ms=DEADLINE_SAFETY_SECONDS * 1000 - 1)  # no time at all
    with pytest.raises(ManifestError, match=r"numbers/: stopped while listing, after 0 pages of keys"):
        handler.on_event(event(Prefix="numbers/", DataType="text_objects"), context)
    assert context.asked == 1


def test_remaining_time_falls_back_to_the_function_timeout_without_a_context() -> None:
    assert handler.remaining_seconds(None) == MANIFEST_FUNCTION_TIMEOUT_SECONDS
    assert handler.remaining_seconds(FakeContext(remaining_ms=123_456)) == 123.456


def test_read_plan_follows_the_function_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", raising=False)
    assert handler.read_plan_for_this_function().vcpus == 1.0
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
    plan = handler.read_plan_for_this_function()
    assert plan.vcpus == pytest.approx(512 / 1769) and plan.workers == READ_WORKERS


def test_the_client_pools_one_connection_per_parallel_read(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    real_client = boto3.client

    def recording_client(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs.get("config"))
        return real_client(*args, **kwargs)

    monkeypatch.setattr(handler.boto3, "client", recording_client)
    put(s3, {"fashion/1.png": b"x"})
    handler.on_event(event(), None)
    assert made and made[0].max_pool_connections >= READ_WORKERS


def test_a_full_tmp_is_reported_as_such(s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(s3, {"fashion/1.png": b"x"})

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(handler, "build_manifest", disk_full)
    with pytest.raises(RuntimeError) as caught:
        handler.handle(event(), tmp_dir=str(tmp_path))
    assert str(caught.value) == (
        "manifest for s3://input-bucket/fashion/ failed: No space left on device (ephemeral storage, /tmp)"
    )
    assert list(tmp_path.iterdir()) == []
