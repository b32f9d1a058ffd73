"""Input manifests from an S3 prefix: the console's "automated data setup", done as code.

The console can write a manifest for a prefix; the API cannot
(https://docs.aws.amazon.com/sagemaker/latest/dg/sms-console-create-manifest-file.html), so the
manifest Lambda does it with this module. Pure and standard library only: the Lambda feeds it S3
listing pages and an object opener, the tests and benchmarks feed it in-memory pages and streams.
Lines go to a sink in order as they are made; only `sample` holds its N chosen keys, and the text
data types hold the selected keys (to estimate the reading time before they start).

Data types and what one manifest line holds
(https://docs.aws.amazon.com/sagemaker/latest/dg/sms-input-data-input-manifest.html):
- images, videos: one line per object, `{"source-ref": "s3://bucket/key"}`.
- text_objects: one line per .txt object, `{"source": <the whole text>}`. The text itself, not its
  URI: a URI in `source` is what workers would see instead of the text.
- text_lines: one line per non-blank line of each .txt object.
- csv_rows: one line per non-blank CSV row (RFC 4180 / Excel dialect, so a quoted newline stays in
  its row; no header handling: every row is an item). `source` is the row's cells joined with
  ", ": workers see every cell, in order, as plain text. Anyone needing structured cells should
  write their own manifest (`input.kind: manifest`).

The text data types read every selected object, in parallel (`ReadPlan`): a bounded pool of
threads each turns one object into its manifest lines in a spool (memory up to a small cap, a
temporary file beyond), and the caller's thread copies finished spools to the sink in selection
order. The output is byte for byte what reading one object at a time gives, errors included. At
most `ReadPlan.window` objects are read ahead of the one being written, which bounds memory
whatever the object sizes. Given a `Deadline`, the build refuses up front a dataset it estimates
cannot be read in time, and otherwise stops with a clear error before the deadline passes.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import heapq
import json
import math
import re
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from typing import Any, Protocol

from .limits import (
    DATA_TYPE_EXTENSIONS,
    LABELING_JOB_NAME_MAX,
    LABELING_JOB_NAME_RE,
    MAX_OBJECTS,
    MIN_OBJECTS_FOR_AUTOMATED_LABELING,
    SELECTION_MODES,
)

SOURCE_REF_DATA_TYPES = frozenset({"images", "videos"})
TEXT_DATA_TYPES = frozenset({"text_objects", "text_lines", "csv_rows"})

# Where the manifest Lambda writes, at the root of the manifest bucket. Skipped when listing so a
# manifest bucket that is also the input bucket never feeds our own output back in.
MANIFEST_AREA = "_manifests/"
# https://docs.aws.amazon.com/sagemaker/latest/dg/sms-input-data-input-manifest.html
MAX_ATTRIBUTE_CHARS = 20_000  # each attribute
MAX_LINE_CHARS = 100_000  # each JSON object
CSV_CELL_SEPARATOR = ", "
# A CSV row's item is at least about half its raw text (`""` -> `"`, `"",` -> ", "), so raw text
# over four times the attribute limit can never fit; stopping there keeps memory bounded.
CSV_ROW_RAW_LIMIT = 4 * MAX_ATTRIBUTE_CHARS
_READ_CHUNK = 64 * 1024
SELECTION_BATCH = 1000  # sample hands its chosen keys on in batches of this size, like listing pages
# One encoder, made once: json.dumps(..., ensure_ascii=False) builds a new encoder per call, which
# made it most of the per-object cost (see docs/performance.md). Same escaping as json.dumps.
_JSON = json.JSONEncoder(ensure_ascii=False)
# What that encoder calls for a str (C-accelerated), used directly on the per-object hot path.
_encode_str = json.encoder.encode_basestring
_SOURCE_REF_OPEN = '{"source-ref": '
# ensure_ascii=False leaves these unescaped; they are line breaks to Python's splitlines and to
# older JavaScript, so escape them: one object per line for every reader.
_LINE_BREAK_ESCAPES = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_LINE_BREAK_RE = re.compile(r"[\x85\u2028\u2029]")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_DIGEST_RE = re.compile(r"[0-9a-f]{8,64}")

# --- time and parallel reads of the text data types ---------------------------------------------
# The manifest function's timeout (the construct uses this). The CDK Provider framework invokes it
# from its own Lambda, whose timeout is 15 minutes: ours must end well before, so that even when
# ours fails (or times out) the framework is still there to answer CloudFormation, instead of
# CloudFormation waiting an hour for an answer that never comes.
# https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.custom_resources/Provider.html
MANIFEST_FUNCTION_TIMEOUT_SECONDS = 600
# The build stops this long before the function's end: time to cancel reads, remove the
# temporary file and return the error (the upload's own time is reserved on top, see Deadline).
DEADLINE_SAFETY_SECONDS = 30
# Parallel GETs. S3 serves at least 5,500 GETs per second per partitioned prefix
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html); 64 reads of
# 10 ms or more each stay under 6,400 per second. With about 1 ms of CPU per object (botocore's
# request and response) the pool is bound by the CPU, not by waiting, up to about 60 ms per GET,
# where 32 reads would already wait. docs/performance.md has the measurements.
READ_WORKERS = 64
# Objects read ahead of the one being written, at most. Room for 4 rounds of the pool, so one slow
# object (a throttled GET waiting out its backoff) does not stall the others at once.
READ_WINDOW = 4 * READ_WORKERS
# Each object's lines are held in memory up to this size, then in a temporary file: at most
# READ_WINDOW spools, so about 16 MiB of spooled lines in memory whatever the objects hold.
SPOOL_MEMORY_BYTES = 64 * 1024
# The before-start estimate is pessimistic on purpose: refusing a dataset that would have fit is
# cheap to fix (split it); failing it after nine minutes is not. Assumptions, not AWS figures:
ESTIMATE_SECONDS_PER_REQUEST = 0.1  # a GET's latency (typically tens of ms in-Region)
ESTIMATE_BYTES_PER_SECOND = 20_000_000  # S3 transfer, each way
ESTIMATE_CPU_SECONDS_PER_OBJECT = 0.002  # Python time per object (request + lines) on one vCPU
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html: 1,769 MB is one vCPU.
LAMBDA_MB_PER_VCPU = 1769
_COPY_CHUNK = 256 * 1024
# After a failure, how long running reads get to notice and close their streams (they stop at their
# next read; only one stuck on the network takes this long). Part of DEADLINE_SAFETY_SECONDS.
_CANCEL_GRACE_SECONDS = 5.0
# What a refusal or an overrun tells the user to do instead.
_SPLIT_ADVICE = 'split the prefix over several jobs or give a manifest (input kind "manifest")'


class ManifestError(ValueError):
    """The manifest cannot be built as asked; the message is shown as-is by CloudFormation."""


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class ByteStream(Protocol):
    """What `open_object` returns: boto3's StreamingBody, an open binary file, io.BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class SelectionRule:
    """A parsed `Selection` (gt_rules.spec): which of the matching objects go into the manifest."""

    mode: str = "all"
    sample_size: int = 0
    seed: int = 0
    key_regex: str = ""

    def describe(self) -> str:
        if self.mode == "sample":
            return f"sample(sample_size={self.sample_size}, seed={self.seed})"
        if self.mode == "filter":
            return f"filter(key_regex={self.key_regex!r})"
        return "all"


@dataclass(frozen=True)
class ManifestStats:
    item_count: int  # lines written: the data objects Ground Truth will see
    objects_read: int  # selected S3 objects (a text_lines/csv_rows object gives many items)
    skipped_empty: int  # selected text objects with no text (empty or whitespace only)


class ListedKey(str):
    """An S3 key with the size its listing gave. It is a str, so selection treats it like any key;
    the text data types add up the sizes to estimate their reading time before they start."""

    size: int

    def __new__(cls, key: str, size: int) -> ListedKey:
        listed = super().__new__(cls, key)
        listed.size = size
        return listed


def vcpus_for_memory(memory_mb: int) -> float:
    """The share of a vCPU a Lambda function of `memory_mb` gets, capped at one: Python threads
    share one interpreter lock, so a second vCPU hardly speeds up the build."""
    return max(0.01, min(1.0, memory_mb / LAMBDA_MB_PER_VCPU))


@dataclass(frozen=True)
class ReadPlan:
    """How the text data types read their objects, and the figures the estimate assumes."""

    workers: int = READ_WORKERS  # parallel reads
    window: int = READ_WINDOW  # objects read ahead of the one being written, at most
    spool_memory_bytes: int = SPOOL_MEMORY_BYTES  # per object; beyond this, a temporary file
    seconds_per_request: float = ESTIMATE_SECONDS_PER_REQUEST
    bytes_per_second: float = ESTIMATE_BYTES_PER_SECOND
    cpu_seconds_per_object: float = ESTIMATE_CPU_SECONDS_PER_OBJECT
    vcpus: float = 1.0

    def __post_init__(self) -> None:
        if self.workers < 1 or self.window < self.workers:
            raise ValueError(f"need 1 <= workers <= window, got workers={self.workers}, window={self.window}")
        if min(self.seconds_per_request, self.cpu_seconds_per_object) < 0 or self.bytes_per_second <= 0:
            raise ValueError("estimate figures must be positive")
        if self.vcpus <= 0:
            raise ValueError(f"vcpus must be positive, got {self.vcpus}")

    def estimate_seconds(self, objects: int, total_bytes: int) -> float:
        """Pessimistic time to read `objects` objects of `total_bytes` in all and upload their
        manifest: the slower of waiting for responses and computing, plus moving the bytes twice."""
        waiting = math.ceil(objects / self.workers) * self.seconds_per_request
        computing = objects * self.cpu_seconds_per_object / self.vcpus
        return max(waiting, computing) + 2 * total_bytes / self.bytes_per_second


DEFAULT_READ_PLAN = ReadPlan()


@dataclass(frozen=True)
class Deadline:
    """The clock value by which the manifest must be complete, safety margin already deducted.

    `clock` is monotonic seconds; tests pass their own. While reading, the build also keeps back
    the time to upload what it has written so far, at the plan's `bytes_per_second`.
    """

    finish_by: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_remaining(
        cls,
        remaining_seconds: float,
        *,
        safety_seconds: float = DEADLINE_SAFETY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> Deadline:
        """A deadline `remaining_seconds` from now (the Lambda context's remaining time), less the margin."""
        return cls(finish_by=clock() + remaining_seconds - safety_seconds, clock=clock)

    def seconds_left(self) -> float:
        return self.finish_by - self.clock()


def _as_int(value: Any, field: str) -> int:
    # JSON gives ints; CloudFormation may have stringified them on the way. Booleans are a mistake.
    if isinstance(value, bool):
        raise ManifestError(f"selection.{field} must be an integer, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ManifestError(f"selection.{field} must be an integer, got {value!r}") from None


def parse_selection(selection: SelectionRule | Mapping[str, Any] | str | None) -> SelectionRule:
    """Validate a selection given as a mapping, a JSON string (custom-resource property) or None."""
    if isinstance(selection, SelectionRule):
        return selection
    if selection is None or selection == "":
        return SelectionRule()
    if isinstance(selection, str):
        try:
            selection = json.loads(selection)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"selection is not valid JSON: {exc}") from None
    if not isinstance(selection, Mapping):
        raise ManifestError(f"selection must be an object, got {selection!r}")
    unknown = sorted(set(selection) - {"mode", "sample_size", "seed", "key_regex"})
    if unknown:
        raise ManifestError(f"selection has unknown fields {unknown}")
    mode = selection.get("mode", "all")
    if mode not in SELECTION_MODES:
        raise ManifestError(f"selection.mode must be one of {', '.join(SELECTION_MODES)}, got {mode!r}")
    if mode == "sample":
        if "sample_size" not in selection:
            raise ManifestError("selection.mode 'sample' needs sample_size")
        size = _as_int(selection["sample_size"], "sample_size")
        if size < 1:
            raise ManifestError(f"selection.sample_size must be at least 1, got {size}")
        return SelectionRule(mode="sample", sample_size=size, seed=_as_int(selection.get("seed", 0), "seed"))
    if mode == "filter":
        key_regex = selection.get("key_regex")
        if not isinstance(key_regex, str) or not key_regex:
            raise ManifestError("selection.mode 'filter' needs a non-empty key_regex")
        try:
            re.compile(key_regex)
        except re.error as exc:
            raise ManifestError(f"selection.key_regex {key_regex!r} is not a valid regex: {exc}") from None
        return SelectionRule(mode="filter", key_regex=key_regex)
    return SelectionRule()


def extensions_for(data_type: str) -> tuple[str, ...]:
    try:
        return DATA_TYPE_EXTENSIONS[data_type]
    except KeyError:
        raise ManifestError(
            f"data type {data_type!r} is not one of {', '.join(DATA_TYPE_EXTENSIONS)}"
        ) from None


def _candidate_batches(
    pages: Iterable[Iterable[str]], prefix: str, extensions: tuple[str, ...]
) -> Iterator[list[str]]:
    """Each listing page's matching keys, as a list: work per page, not per key (the build's hot path)."""
    for page in pages:
        # Every extension starts with ".", so folder keys (ending in "/") never match. Keys outside
        # the prefix are dropped too (S3 lists by prefix already; this guards hand-fed pages).
        batch = [
            key
            for key in page
            if key.lower().endswith(extensions)
            and key.startswith(prefix)
            and not key.startswith(MANIFEST_AREA)
        ]
        if batch:
            yield batch


def _sample_digest(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def _sample(batches: Iterator[list[str]], size: int, seed: int) -> Iterator[list[str]]:
    # The `size` smallest hashes: a property of each key alone, so the choice does not depend on
    # listing order, and heapq.nsmallest keeps only `size` entries while it streams.
    candidates = ((_sample_digest(seed, key), key) for batch in batches for key in batch)
    chosen = sorted(key for _, key in heapq.nsmallest(size, candidates))
    for start in range(0, len(chosen), SELECTION_BATCH):
        yield chosen[start : start + SELECTION_BATCH]


def _filtered(batches: Iterator[list[str]], key_regex: str, prefix: str) -> Iterator[list[str]]:
    search = re.compile(key_regex).search
    cut = len(prefix)
    for batch in batches:
        kept = [key for key in batch if search(key[cut:])]  # relative to the prefix
        if kept:
            yield kept


def _select_batches(
    pages: Iterable[Iterable[str]], prefix: str, data_type: str, rule: SelectionRule
) -> Iterator[list[str]]:
    candidates = _candidate_batches(pages, prefix, extensions_for(data_type))
    if rule.mode == "sample":
        return _sample(candidates, rule.sample_size, rule.seed)
    if rule.mode == "filter":
        return _filtered(candidates, rule.key_regex, prefix)
    return candidates


def select_keys(
    pages: Iterable[Iterable[str]],
    *,
    prefix: str,
    data_type: str,
    selection: SelectionRule | Mapping[str, Any] | str | None = None,
) -> Iterator[str]:
    """Keys to put in the manifest, streamed from listing pages of keys.

    Keeps keys under `prefix` with the data type's extensions (any case), skips folder keys and
    `_manifests/`. `all` and `filter` keep listing order (S3 lists in UTF-8 byte order); `sample`
    yields its chosen keys in key order. Arguments are checked now, not on first iteration.
    """
    batches = _select_batches(pages, prefix, data_type, parse_selection(selection))
    return (key for batch in batches for key in batch)


def manifest_line(attribute: str, value: str, *, where: str) -> str:
    """One JSON Lines record `{attribute: value}` plus "\\n", checked against the manifest limits."""
    if len(value) > MAX_ATTRIBUTE_CHARS:
        raise ManifestError(
            f"{where}: {attribute!r} would have {len(value):,} characters; Ground Truth allows at most "
            f"{MAX_ATTRIBUTE_CHARS:,} per attribute"
        )
    # Limits are counted in Python characters (code points) of the unescaped value. [UNVERIFIED]
    # whether Ground Truth counts UTF-16 units or escaped JSON; the line check below bounds the
    # escaped form too.
    line = (
        "{" + _JSON.encode(attribute) + ": " + _JSON.encode(value) + "}"
    )  # = json.dumps({attribute: value})
    if not line.isascii() and _LINE_BREAK_RE.search(line):  # isascii is O(1); translate is slow
        line = line.translate(_LINE_BREAK_ESCAPES)
    if len(line) > MAX_LINE_CHARS:
        raise ManifestError(
            f"{where}: the manifest line would have {len(line):,} characters once JSON-escaped; "
            f"Ground Truth allows at most {MAX_LINE_CHARS:,} per line"
        )
    return line + "\n"


def _source_ref_lines(uri_base: str, keys: list[str]) -> str:
    """manifest_line("source-ref", uri_base + key) for every key, as one string (the hot path).

    An S3 URI is under 1,100 characters (bucket name <= 63, key <= 1,024 bytes), so even escaped it
    cannot reach the manifest limits: no length checks needed.
    """
    text = "".join([_SOURCE_REF_OPEN + _encode_str(uri_base + key) + "}\n" for key in keys])
    if not text.isascii() and _LINE_BREAK_RE.search(text):  # isascii is O(1); translate is slow
        text = text.translate(_LINE_BREAK_ESCAPES)
    return text


def _iter_text(stream: ByteStream, where: str) -> Iterator[str]:
    """Decoded text of a UTF-8 object, chunk by chunk; a leading BOM is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    try:
        while True:
            chunk = stream.read(_READ_CHUNK)
            if not chunk:
                tail = decoder.decode(b"", final=True)
                if tail:
                    yield tail
                return
            text = decoder.decode(chunk)
            if text:
                yield text
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{where} is not valid UTF-8 text ({exc.reason})") from None


def _iter_lines(
    chunks: Iterable[str], *, max_chars: int, too_long: Callable[[int], ManifestError]
) -> Iterator[str]:
    """Lines with their endings kept (like open(newline="")), splitting on \\r\\n, \\r and \\n.

    Never holds more than `max_chars` of one line: a longer line raises `too_long(line_number)`.
    """
    pending = ""
    line_number = 0
    for chunk in chunks:
        pending += chunk
        start = 0
        for match in _NEWLINE_RE.finditer(pending):
            if match.group() == "\r" and match.end() == len(pending):
                break  # perhaps the first half of a \r\n split across chunks
            line_number += 1
            if match.end() - start > max_chars:
                raise too_long(line_number)
            yield pending[start : match.end()]
            start = match.end()
        pending = pending[start:]
        if len(pending) > max_chars:
            raise too_long(line_number + 1)
    if pending:
        yield pending


class _Tally:
    def __init__(self) -> None:
        self.skipped_empty = 0


# An object's items as (value, where it came from), made while the object is read.
_Values = Generator[tuple[str, str], None, None]


def _text_object_values(stream: ByteStream, uri: str, tally: _Tally) -> _Values:
    parts: list[str] = []
    size = 0
    for text in _iter_text(stream, uri):
        size += len(text)
        if size > MAX_ATTRIBUTE_CHARS:  # stop reading: it can only get longer
            raise ManifestError(
                f"{uri}: 'source' would have more than {MAX_ATTRIBUTE_CHARS:,} characters; Ground Truth "
                f"allows at most {MAX_ATTRIBUTE_CHARS:,} per attribute"
            )
        parts.append(text)
    value = "".join(parts)
    if value.strip():
        yield value, uri
    else:
        tally.skipped_empty += 1


def _text_line_values(stream: ByteStream, uri: str, tally: _Tally) -> _Values:
    def too_long(line_number: int) -> ManifestError:
        return ManifestError(
            f"{uri} line {line_number}: 'source' would have more than {MAX_ATTRIBUTE_CHARS:,} characters; "
            f"Ground Truth allows at most {MAX_ATTRIBUTE_CHARS:,} per attribute"
        )

    found = False
    # +2: room for the line ending, which is not part of the item.
    lines = _iter_lines(_iter_text(stream, uri), max_chars=MAX_ATTRIBUTE_CHARS + 2, too_long=too_long)
    for line_number, line in enumerate(lines, start=1):
        value = line.rstrip("\r\n")
        if value.strip():
            found = True
            yield value, f"{uri} line {line_number}"
    if not found:
        tally.skipped_empty += 1


def _csv_row_values(stream: ByteStream, uri: str, tally: _Tally) -> _Values:
    row_number = 0
    raw_in_row = 0

    def too_long(_line_number: int) -> ManifestError:
        return ManifestError(
            f"{uri} row {row_number + 1}: its CSV text exceeds {CSV_ROW_RAW_LIMIT:,} characters, so its "
            f"item would exceed Ground Truth's {MAX_ATTRIBUTE_CHARS:,}-character attribute limit"
        )

    def budgeted(lines: Iterator[str]) -> Iterator[str]:
        # csv.reader pulls one line at a time and returns a row as soon as it is complete, so the
        # characters fed since the last row are exactly the current row's raw text.
        nonlocal raw_in_row
        for line in lines:
            raw_in_row += len(line)
            if raw_in_row > CSV_ROW_RAW_LIMIT:
                raise too_long(0)
            yield line

    lines = _iter_lines(_iter_text(stream, uri), max_chars=CSV_ROW_RAW_LIMIT, too_long=too_long)
    reader = csv.reader(budgeted(lines))
    found = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ManifestError(
                f"{uri} row {row_number + 1} (line {reader.line_num}): bad CSV: {exc}"
            ) from None
        row_number += 1
        raw_in_row = 0
        if any(cell.strip() for cell in row):
            found = True
            yield CSV_CELL_SEPARATOR.join(row), f"{uri} row {row_number} (line {reader.line_num})"
    if not found:
        tally.skipped_empty += 1


_TEXT_READERS: dict[str, Callable[[ByteStream, str, _Tally], _Values]] = {
    "text_objects": _text_object_values,
    "text_lines": _text_line_values,
    "csv_rows": _csv_row_values,
}


class _Cancelled(Exception):
    """The build has failed or run out of time: a worker still reading an object gives up."""


class _CancellableStream:
    """An object's stream that stops at its next read once the build is cancelled."""

    def __init__(self, stream: ByteStream, cancelled: threading.Event) -> None:
        self._stream = stream
        self._cancelled = cancelled

    def read(self, size: int = -1, /) -> bytes:
        if self._cancelled.is_set():
            raise _Cancelled
        return self._stream.read(size)


@dataclass
class _RenderedObject:
    """One object's manifest lines, made by a worker, waiting for their turn in the sink."""

    spool: tempfile.SpooledTemporaryFile[str]
    line_count: int  # lines made before `error` (all of them when there is no error)
    skipped_empty: int
    error: Exception | None  # raised in the caller's thread when this object's turn comes
    size: int  # bytes in the spool


def _render_object(
    key: str,
    *,
    bucket: str,
    read_values: Callable[[ByteStream, str, _Tally], _Values],
    open_object: Callable[[str], ByteStream],
    line_limit: int,
    spool_memory_bytes: int,
    cancelled: threading.Event,
) -> _RenderedObject:
    """Runs on a worker thread. Never raises: the error waits for the object's turn, so that errors
    surface in selection order, exactly as when objects are read one at a time."""
    uri = f"s3://{bucket}/{key}"
    # Handed over with the result: the caller's thread closes it once copied (or abandoned).
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=spool_memory_bytes, mode="w+", encoding="utf-8", newline=""
    )
    tally = _Tally()
    count = size = 0
    error: Exception | None = None
    try:
        stream = open_object(key)
        try:
            values = read_values(_CancellableStream(stream, cancelled), uri, tally)
            try:
                for value, where in values:
                    spool.write(manifest_line("source", value, where=where))
                    count += 1
                    if count > line_limit:  # over the quota whatever came before: stop reading
                        break
            finally:
                values.close()
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
        size = spool.tell()
    except Exception as exc:
        error = exc
    return _RenderedObject(spool, count, tally.skipped_empty, error, size)


def _out_of_time(location: str, read: int, total: int) -> ManifestError:
    return ManifestError(
        f"{location}: stopped after reading {read:,} of {total:,} objects, to end before this "
        f"function's time limit; {_SPLIT_ADVICE}"
    )


def _result_in_time(
    future: Future[_RenderedObject],
    deadline: Deadline | None,
    *,
    reserve: float,
    read: int,
    total: int,
    location: str,
) -> _RenderedObject:
    """The object's result once it is ready, or ManifestError if the deadline (less `reserve`,
    the time to upload what is written so far) comes first."""
    if deadline is not None:
        left = deadline.seconds_left() - reserve
        if left > 0:
            wait_for_futures([future], timeout=left)
        if not future.done() or deadline.seconds_left() - reserve <= 0:
            raise _out_of_time(location, read, total)
    return future.result()


def _abandon(ahead: Iterable[Future[_RenderedObject]], executor: ThreadPoolExecutor) -> None:
    """After a failure: drop queued reads, give running ones a moment to see the cancellation (they
    stop at their next read and close their streams), and free the spools already made."""
    executor.shutdown(wait=False, cancel_futures=True)
    started = [future for future in ahead if not future.cancelled()]  # a cancelled one never finishes
    wait_for_futures(started, timeout=_CANCEL_GRACE_SECONDS)
    for future in started:
        if future.done() and future.exception() is None:
            future.result().spool.close()


def _write_text_items(
    sink: TextSink,
    keys: list[str],
    *,
    bucket: str,
    data_type: str,
    open_object: Callable[[str], ByteStream],
    max_objects: int,
    plan: ReadPlan,
    deadline: Deadline | None,
    location: str,
) -> tuple[int, int]:
    """Read `keys` in parallel and write their lines to `sink` in the keys' order: (items, skipped)."""
    cancelled = threading.Event()
    render = functools.partial(
        _render_object,
        bucket=bucket,
        read_values=_TEXT_READERS[data_type],
        open_object=open_object,
        line_limit=max_objects,
        spool_memory_bytes=plan.spool_memory_bytes,
        cancelled=cancelled,
    )
    ahead: deque[Future[_RenderedObject]] = deque()
    submitted = items = skipped = written_bytes = 0
    executor = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="manifest-read")
    try:
        for read in range(len(keys)):
            while submitted < len(keys) and len(ahead) < plan.window:
                ahead.append(executor.submit(render, keys[submitted]))
                submitted += 1
            reserve = written_bytes / plan.bytes_per_second
            rendered = _result_in_time(
                ahead.popleft(), deadline, reserve=reserve, read=read, total=len(keys), location=location
            )
            with rendered.spool:
                # The same checks, in the same order, as writing the object's lines one by one:
                # the quota is exceeded if a line beyond it was made before any error.
                if items + rendered.line_count > max_objects:
                    raise _quota_error(location, f"at least {max_objects + 1:,}", max_objects)
                if rendered.error is not None:
                    raise rendered.error
                rendered.spool.seek(0)
                shutil.copyfileobj(rendered.spool, sink, _COPY_CHUNK)
            items += rendered.line_count
            skipped += rendered.skipped_empty
            written_bytes += rendered.size
        if deadline is not None and deadline.seconds_left() < written_bytes / plan.bytes_per_second:
            raise _out_of_time(location, len(keys), len(keys))
    except BaseException:
        cancelled.set()
        _abandon(ahead, executor)
        raise
    executor.shutdown(wait=True)
    return items, skipped


def _selected_keys(batches: Iterable[list[str]]) -> tuple[list[str], int]:
    """The selected keys as plain strings, and their total listed size (keys without one count 0).
    A plain str is a fifth of a ListedKey's memory (no attribute dict): 9 MiB for 100,000 keys."""
    keys: list[str] = []
    total_bytes = 0
    for batch in batches:
        for key in batch:
            if isinstance(key, ListedKey):
                total_bytes += key.size
            keys.append(str(key))
    return keys, total_bytes


def _check_fits(
    objects: int, total_bytes: int, plan: ReadPlan, deadline: Deadline | None, location: str
) -> None:
    """Refuse, before reading anything, a selection the plan's pessimistic estimate says cannot be
    read and uploaded before the deadline."""
    if deadline is None or not objects:
        return
    needed = plan.estimate_seconds(objects, total_bytes)
    left = deadline.seconds_left()
    if needed > left:
        raise ManifestError(
            f"{location}: {objects:,} objects, {total_bytes / 1e6:,.1f} MB: about {needed / 60:,.1f} min "
            f"at {plan.workers} parallel reads, more than the {max(left, 0.0) / 60:.1f} min this function "
            f"has left; {_SPLIT_ADVICE}"
        )


def _pages_in_time(
    pages: Iterable[Iterable[str]], deadline: Deadline | None, location: str
) -> Iterable[Iterable[str]]:
    if deadline is None:
        return pages
    return _guarded_pages(pages, deadline, location)


def _guarded_pages(
    pages: Iterable[Iterable[str]], deadline: Deadline, location: str
) -> Iterator[Iterable[str]]:
    # Each page is a request; checking between pages bounds an overrun by one page's time.
    for listed, page in enumerate(pages):
        if deadline.seconds_left() <= 0:
            raise ManifestError(
                f"{location}: stopped while listing, after {listed:,} pages of keys, to end before this "
                f"function's time limit; {_SPLIT_ADVICE}"
            )
        yield page


def build_manifest(
    sink: TextSink,
    pages: Iterable[Iterable[str]],
    *,
    bucket: str,
    prefix: str,
    data_type: str,
    selection: SelectionRule | Mapping[str, Any] | str | None = None,
    open_object: Callable[[str], ByteStream] | None = None,
    max_objects: int = MAX_OBJECTS,
    min_objects: int = 1,
    reading: ReadPlan = DEFAULT_READ_PLAN,
    deadline: Deadline | None = None,
) -> ManifestStats:
    """Write the input manifest for `s3://bucket/prefix` to `sink`.

    `pages` are listing pages of keys (`ListedKey`s carry their sizes for the estimate);
    `open_object(key)` streams an object's bytes (text data types only) and is called from
    `reading.workers` threads at once. Raises ManifestError for an empty selection, more items
    than `max_objects` (the task type's quota), fewer than `min_objects`, an item over the
    manifest limits or undecodable text, and with a `deadline`, a selection estimated not to fit
    (before reading anything) or an overrun. On error, `sink` holds a partial manifest: write to a
    temporary file and discard it.
    """
    extensions = extensions_for(data_type)
    rule = parse_selection(selection)
    if data_type in TEXT_DATA_TYPES and open_object is None:
        raise ValueError(f"data type {data_type!r} reads objects: pass open_object")
    if max_objects < 1 or min_objects < 0 or min_objects > max_objects:
        raise ManifestError(
            f"need 0 <= min_objects <= max_objects and max_objects >= 1, got {min_objects}, {max_objects}"
        )
    location = f"s3://{bucket}/{prefix}"
    batches = _select_batches(_pages_in_time(pages, deadline, location), prefix, data_type, rule)
    skipped = 0
    if data_type in SOURCE_REF_DATA_TYPES:
        # The hot path: one line per key and no object to read, so a whole batch (a listing page)
        # becomes one string and one write.
        uri_base = f"s3://{bucket}/"
        objects = 0
        for batch in batches:
            objects += len(batch)
            if objects > max_objects:
                # Counting the rest costs only the listing: report the total.
                rest = sum(len(more) for more in batches)
                raise _quota_error(location, f"{objects + rest:,}", max_objects)
            sink.write(_source_ref_lines(uri_base, batch))
        items = objects
    else:
        assert open_object is not None  # checked above
        # The whole selection first: its count and size decide whether it can be read in time.
        keys, total_bytes = _selected_keys(batches)
        objects = len(keys)
        _check_fits(objects, total_bytes, reading, deadline, location)
        items, skipped = _write_text_items(
            sink,
            keys,
            bucket=bucket,
            data_type=data_type,
            open_object=open_object,
            max_objects=max_objects,
            plan=reading,
            deadline=deadline,
            location=location,
        )
    if objects == 0:
        raise ManifestError(
            f"no objects under {location} with extensions {', '.join(extensions)} "
            f"matched selection {rule.describe()}"
        )
    if items == 0:
        raise ManifestError(
            f"the {objects:,} objects selected under {location} ({rule.describe()}) hold no text "
            "(empty or blank only)"
        )
    if items < min_objects:
        raise ManifestError(
            f"{location}: only {items:,} objects selected ({rule.describe()}), fewer than the minimum of "
            f"{min_objects:,} (automated data labeling needs {MIN_OBJECTS_FOR_AUTOMATED_LABELING:,})"
        )
    return ManifestStats(item_count=items, objects_read=objects, skipped_empty=skipped)


def _quota_error(location: str, total: str, max_objects: int) -> ManifestError:
    return ManifestError(f"{location}: {total} objects exceed the task type's quota of {max_objects:,}")


def rule_as_mapping(rule: SelectionRule) -> dict[str, Any]:
    """The canonical plain-data form of a selection (for digests and round trips)."""
    if rule.mode == "sample":
        return {"mode": "sample", "sample_size": rule.sample_size, "seed": rule.seed}
    if rule.mode == "filter":
        return {"mode": "filter", "key_regex": rule.key_regex}
    return {"mode": "all"}


def digest_properties(properties: Mapping[str, Any]) -> str:
    """A stable hex digest of plain-data properties: key order and JSON spacing do not matter."""
    canonical = json.dumps(properties, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def manifest_key(job_name: str, properties_digest: str) -> str:
    """`_manifests/<job_name>/<digest>.manifest`: the same job and properties give the same key."""
    if len(job_name) > LABELING_JOB_NAME_MAX or not LABELING_JOB_NAME_RE.fullmatch(job_name):
        # The name becomes a key segment: no slashes, dots or spaces.
        raise ManifestError(f"job name {job_name!r} must match {LABELING_JOB_NAME_RE.pattern}")
    if not _DIGEST_RE.fullmatch(properties_digest):
        raise ManifestError(f"properties digest {properties_digest!r} must be 8-64 lowercase hex digits")
    return f"{MANIFEST_AREA}{job_name}/{properties_digest}.manifest"
