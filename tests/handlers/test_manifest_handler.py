"""lambda/manifest/handler.py against moto S3: listing, text reads, upload, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from gt_rules.manifest import ManifestError, manifest_key
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


def event(request_type: str = "Create", **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
        "InputBucket": INPUT,
        "Prefix": "fashion/",
        "DataType": "images",
        "Selection": json.dumps({"mode": "all"}),
        "ManifestBucket": OUTPUT,
        "JobName": "fashion",
        "MaxObjects": "100000",  # CloudFormation turns numbers into strings
        "MinObjects": "1",
    }
    props.update(overrides)
    return {"RequestType": request_type, "ResourceProperties": props, "RequestId": "r-1"}


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
    update = event("Update", Selection=json.dumps({"mode": "sample", "sample_size": 1, "seed": 1}))
    changed = handler.handle(update)
    assert changed["PhysicalResourceId"] != first
    assert changed["Data"]["ObjectCount"] == 1
    assert len(read_manifest(s3, first)) == 2  # the old manifest is left for a job still reading it


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
    with pytest.raises(ManifestError, match=r"5 objects exceed the task type's quota of 2 \(§4\.1\)"):
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
def test_bad_properties_fail_create(s3: Any, overrides: dict[str, str], message: str) -> None:
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

    def _throttle(self, name: str) -> None:
        self.calls[name] += 1
        if self._left[name] > 0:
            self._left[name] -= 1
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


@pytest.mark.parametrize(
    "delete_event",
    [
        {
            "RequestType": "Delete",
            "PhysicalResourceId": "s3://b/_manifests/j/abc.manifest",
            "ResourceProperties": {},
        },
        {"RequestType": "Delete", "PhysicalResourceId": "s3://b/k", "ResourceProperties": {"InputBucket": 5}},
        {"RequestType": "Delete"},  # malformed: still no failure
    ],
)
def test_delete_never_fails_and_never_touches_s3(
    delete_event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_client(*_args: Any, **_kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "client")

    monkeypatch.setattr(handler.boto3, "client", no_client)
    result = handler.on_event(delete_event, None)
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
    handler.handle(
        {
            "RequestType": "Delete",
            "PhysicalResourceId": uri,
            "ResourceProperties": event()["ResourceProperties"],
        }
    )
    assert read_manifest(s3, uri) == [{"source-ref": f"s3://{INPUT}/fashion/1.png"}]


def test_unknown_request_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown RequestType"):
        handler.handle({"RequestType": "Replace"}, s3=ExplodingS3())
