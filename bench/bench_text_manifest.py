"""Text manifests: the manifest Lambda's handler reading 100,000 text objects, without AWS.

The S3 stand-in is a real boto3 S3 client whose HTTP layer is replaced by a `before-send` event
hook: every request still goes through botocore (parameter validation, serialization, signing,
response parsing, retries), then the hook waits a fixed latency, as the network would, and answers
like S3: ListObjectsV2 pages of 1,000 keys with their sizes, GetObject bodies of about 1 KB of text,
and the manifest's multipart upload. What the stand-in leaves out is the socket, HTTP parsing and
TLS, so the CPU per object measured here is a lower bound for Lambda (docs/performance.md).

Each case runs `handle()` of lambda/manifest/handler.py in a fresh Python process, as one Lambda
invocation, with a context that reports the function's full timeout, and reports:
  - wall time of the handler (listing, reading, writing, upload), time.perf_counter;
  - CPU time of the process during the handler, time.process_time;
  - peak resident memory of the whole process (what Lambda reports as "Max Memory Used"),
    resource.getrusage(RUSAGE_SELF).ru_maxrss, before and after the handler.

Cases: the sequential reading this replaces (one object at a time) on a smaller count,
extrapolated linearly to the full count; the default plan (READ_WORKERS parallel reads) on the
full count; a sweep of pool sizes on a tenth of it. Usage:
  python bench/bench_text_manifest.py [--objects N] [--latency S] [--sequential-objects M] [--strict]
(--strict exits 1 when a target is missed.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

BUCKET = "bench-input-bucket"
PREFIX = "corpus/reviews/"
OBJECT_BYTES = 1000
TARGET_SECONDS = 5 * 60
TARGET_PEAK_BYTES = 256 * 1024 * 1024
FILLER = (
    "The delivery was quick and the packaging intact; the café au lait mug 😀 arrived without a chip. "
    'Would the seller ship to a second address next time? "Yes", they said, within a day. '
) * 20


def object_key(index: int) -> str:
    return f"{PREFIX}part-{index // 5000:03d}/review-{index:07d}.txt"


def object_body(index: int) -> bytes:
    """About OBJECT_BYTES of UTF-8 text, different for every object, cut on a character boundary."""
    data = f"Review {index:07d}: {FILLER}".encode()[:OBJECT_BYTES]
    return data.decode("utf-8", errors="ignore").encode()


class FakeS3Http:
    """Answers the S3 requests botocore would send over HTTP, after `latency` seconds each."""

    def __init__(self, objects: int, latency: float) -> None:
        self.objects = objects
        self.latency = latency
        self.lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.uploaded_bytes = 0
        self.uploaded_lines = 0
        self.sizes = [len(object_body(i)) for i in range(min(objects, 5000))]  # repeats: bodies differ little

    def size(self, index: int) -> int:
        return len(object_body(index)) if index >= len(self.sizes) else self.sizes[index]

    def __call__(self, request: Any, event_name: str, **_kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        operation = event_name.rsplit(".", 1)[-1]
        with self.lock:
            self.requests[operation] = self.requests.get(operation, 0) + 1
        time.sleep(self.latency)  # the network and S3: releases the interpreter lock, as a socket wait does
        status, headers, body = getattr(self, f"_{operation}")(request)
        headers = {"Content-Length": str(len(body)), **headers}
        return AWSResponse(request.url, status, headers, RawBody(body))

    def _ListObjectsV2(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        query = parse_qs(urlsplit(request.url).query)
        start = int(query.get("continuation-token", ["0"])[0])
        page = int(query.get("max-keys", ["1000"])[0])
        end = min(self.objects, start + page)
        truncated = end < self.objects
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Name>{BUCKET}</Name><Prefix>{escape(PREFIX)}</Prefix><KeyCount>{end - start}</KeyCount>"
            f"<MaxKeys>{page}</MaxKeys><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
        ]
        if truncated:
            parts.append(f"<NextContinuationToken>{end}</NextContinuationToken>")
        for i in range(start, end):
            parts.append(
                f"<Contents><Key>{escape(object_key(i))}</Key><LastModified>2026-11-23T12:00:00.000Z"
                f"</LastModified><ETag>&quot;{i:032x}&quot;</ETag><Size>{self.size(i)}</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
            )
        parts.append("</ListBucketResult>")
        return 200, {}, "".join(parts).encode()

    def _GetObject(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        key = unquote(urlsplit(request.url).path).split(f"/{BUCKET}/", 1)[-1]
        index = int(key.rsplit("-", 1)[1].removesuffix(".txt"))
        return 200, {"ETag": f'"{index:032x}"', "Content-Type": "text/plain"}, object_body(index)

    def _received(self, request: Any) -> None:
        body = request.body
        data = body.read() if hasattr(body, "read") else (body or b"")
        if "aws-chunked" in str(request.headers.get("Content-Encoding", "")):
            data = decode_aws_chunked(data)  # botocore streams uploads with a trailing checksum
        with self.lock:
            self.uploaded_bytes += len(data)
            self.uploaded_lines += data.count(b"\n")

    def _PutObject(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        self._received(request)
        return 200, {"ETag": '"put"'}, b""

    def _CreateMultipartUpload(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult>'
            "<Bucket>b</Bucket><Key>k</Key><UploadId>bench-upload</UploadId></InitiateMultipartUploadResult>"
        )
        return 200, {}, xml.encode()

    def _UploadPart(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        self._received(request)
        return 200, {"ETag": '"part"'}, b""

    def _CompleteMultipartUpload(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult>'
            '<Bucket>b</Bucket><Key>k</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>'
        )
        return 200, {}, xml.encode()


def decode_aws_chunked(data: bytes) -> bytes:
    """The payload of an `aws-chunked` body: `<hex size>[;ext]\r\n<bytes>\r\n` ..., then a 0 chunk."""
    payload: list[bytes] = []
    offset = 0
    while True:
        header_end = data.index(b"\r\n", offset)
        size = int(data[offset:header_end].split(b";")[0], 16)
        if size == 0:
            return b"".join(payload)
        start = header_end + 2
        payload.append(data[start : start + size])
        offset = start + size + 2


class RawBody:
    """What botocore reads a response body from (urllib3's response, in real life)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def read(self, amt: int | None = None, **_kwargs: Any) -> bytes:
        end = len(self._data) if amt is None else self._offset + amt
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk

    def stream(self, amt: int = 65536, **_kwargs: Any) -> Any:
        while chunk := self.read(amt):
            yield chunk

    def close(self) -> None:
        pass


def load_handler() -> ModuleType:
    """lambda/manifest/handler.py, loaded from its file as the Lambda runtime does (`lambda` is a
    keyword, so it cannot be imported by package name); gt_rules resolves from the repository."""
    spec = importlib.util.spec_from_file_location(
        "manifest_handler", ROOT / "lambda" / "manifest" / "handler.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FullTimeContext:
    """A Lambda context at the start of an invocation of the function's whole timeout."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self._ends - time.monotonic()) * 1000)


def run_child(objects: int, latency: float, workers: int) -> dict[str, Any]:
    """One invocation of the handler in this process; returns its measurements."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )
    import boto3

    from gt_rules.manifest import MANIFEST_FUNCTION_TIMEOUT_SECONDS, ReadPlan

    handler = load_handler()

    fake = FakeS3Http(objects, latency)
    s3 = boto3.client("s3", config=handler.S3_CONFIG)
    s3.meta.events.register("before-send.s3", fake)
    event = {
        "RequestType": "Create",
        "ResourceProperties": {
            "InputBucket": BUCKET,
            "Prefix": PREFIX,
            "DataType": "text_objects",
            "Selection": '{"mode": "all"}',
            "ManifestBucket": BUCKET,
            "JobName": "bench",
            "MaxObjects": "100000",
            "MinObjects": "1",
        },
    }
    plan = None if workers == 0 else ReadPlan(workers=workers, window=4 * workers)  # 0: the default
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with tempfile.TemporaryDirectory() as tmp:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = handler.handle(
            event,
            s3=s3,
            context=FullTimeContext(MANIFEST_FUNCTION_TIMEOUT_SECONDS),
            tmp_dir=tmp,
            reading=plan,
        )
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    assert result["Data"]["ObjectCount"] == objects, result
    assert fake.uploaded_lines == objects, (fake.uploaded_lines, objects)
    return {
        "objects": objects,
        "workers": workers or handler.READ_WORKERS,
        "latency": latency,
        "wall": wall,
        "cpu": cpu,
        "baseline_rss": baseline_rss,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "manifest_bytes": fake.uploaded_bytes,
        "requests": fake.requests,
    }


def run_case(objects: int, latency: float, workers: int) -> dict[str, Any]:
    """run_child in a fresh interpreter, so that each peak memory figure is its own."""
    command = [sys.executable, __file__, "--child", str(objects), str(latency), str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"case {objects} objects, {workers} workers failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        print(json.dumps(run_child(int(argv[1]), float(argv[2]), int(argv[3]))))
        return 0
    parser = argparse.ArgumentParser(
        description="Text manifest benchmark: the handler against an S3 stand-in."
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.030, help="seconds per S3 request")
    parser.add_argument("--sequential-objects", type=int, default=1000)
    parser.add_argument(
        "--sweep", type=int, nargs="*", default=[16, 32, 64, 128], help="pool sizes to compare"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    n, latency, mib = args.objects, args.latency, 1024 * 1024

    print(
        f"Text manifest benchmark: text_objects of about {OBJECT_BYTES:,} bytes, "
        f"{latency * 1000:.0f} ms per request"
    )
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    print()
    header = (
        f"{'case':<44}{'objects':>9}{'wall':>10}{'CPU':>10}{'CPU/object':>12}{'peak RSS':>11}{'(base)':>9}"
    )
    print(header)

    def row(label: str, r: dict[str, Any]) -> None:
        print(
            f"{label:<44}{r['objects']:>9,}{r['wall']:>9.1f}s{r['cpu']:>9.1f}s"
            f"{r['cpu'] / r['objects'] * 1000:>10.2f}ms"
            f"{r['peak_rss'] / mib:>8.0f}MiB{r['baseline_rss'] / mib:>6.0f}MiB"
        )

    sequential = run_case(args.sequential_objects, latency, 1)
    row("sequential (1 read at a time)", sequential)
    extrapolated = sequential["wall"] / sequential["objects"] * n
    print(f"{'  extrapolated linearly to ' + format(n, ',') + ' objects':<44}{n:>9,}{extrapolated:>9.0f}s")
    sweep = []
    for workers in args.sweep:
        result = run_case(max(1000, n // 10), latency, workers)
        sweep.append(result)
        row(f"pool of {workers}, window {4 * workers}", result)
    full = run_case(n, latency, 0)
    row(f"default plan (pool of {full['workers']}), full count", full)
    print()
    print(f"manifest uploaded: {full['manifest_bytes'] / 1e6:,.1f} MB; requests: {full['requests']}")
    speedup = extrapolated / full["wall"]
    print(f"speed-up over sequential reading (extrapolated): {speedup:,.0f}x")
    print(
        f"target: {n:,} objects in under {TARGET_SECONDS // 60} min of handler time, "
        f"peak memory under {TARGET_PEAK_BYTES // mib} MiB"
    )
    missed = []
    if full["wall"] >= TARGET_SECONDS:
        missed.append(f"time {full['wall']:.0f} s >= {TARGET_SECONDS} s")
    if full["peak_rss"] >= TARGET_PEAK_BYTES:
        missed.append(f"peak {full['peak_rss'] / mib:.0f} MiB >= {TARGET_PEAK_BYTES // mib} MiB")
    print("targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
