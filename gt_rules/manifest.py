"""Input manifests from an S3 prefix: the console's "automated data setup" (§4.3), done as code.

Pure and standard library only. The manifest Lambda feeds it S3 listing pages and object streams;
the benchmark feeds it synthetic pages. Everything streams: lines go to a sink as they are made,
so memory stays flat however large the prefix. Only `sample` holds state: its N chosen keys.

Data types and what one manifest line holds (§4.1):
- images, videos: one line per object, `{"source-ref": "s3://bucket/key"}`.
- text_objects: one line per .txt object, `{"source": <the whole text>}`. The text itself, not its
  URI: a URI in `source` is what workers would see (the pitfall in seed example 3).
- text_lines: one line per non-blank line of each .txt object.
- csv_rows: one line per non-blank CSV row (RFC 4180 / Excel dialect, so a quoted newline stays in
  its row; no header handling: every row is an item). `source` is the row's cells joined with
  ", ": workers see every cell, in order, as plain text. Anyone needing structured cells should
  write their own manifest (`input.kind: manifest`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import heapq
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .patterns import LABELING_JOB_NAME_MAX, LABELING_JOB_NAME_RE

# Must equal gt_rules.task_types.DATA_TYPE_EXTENSIONS (a test compares them). Kept here so this
# module does not depend on the task-type table; extensions are matched case-insensitively.
SUPPORTED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "images": (".jpg", ".jpeg", ".png"),
    "videos": (".mp4", ".ogg", ".webm"),
    "text_objects": (".txt",),
    "text_lines": (".txt",),
    "csv_rows": (".csv",),
}
SOURCE_REF_DATA_TYPES = frozenset({"images", "videos"})
TEXT_DATA_TYPES = frozenset({"text_objects", "text_lines", "csv_rows"})
SELECTION_MODES = ("all", "sample", "filter")

# Where the manifest Lambda writes, at the root of the manifest bucket. Skipped when listing so a
# manifest bucket that is also the input bucket never feeds our own output back in.
MANIFEST_AREA = "_manifests/"
MAX_ATTRIBUTE_CHARS = 20_000  # §4.1: each attribute
MAX_LINE_CHARS = 100_000  # §4.1: each JSON object
MAX_OBJECTS_PER_JOB = 100_000  # §4.1: input dataset quota (semantic segmentation: 20,000)
AUTOMATED_LABELING_MIN_OBJECTS = 1_250  # §1.5
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
        return SUPPORTED_EXTENSIONS[data_type]
    except KeyError:
        raise ManifestError(
            f"data type {data_type!r} is not one of {', '.join(SUPPORTED_EXTENSIONS)}"
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
    """One JSON Lines record `{attribute: value}` plus "\\n", checked against §4.1's limits."""
    if len(value) > MAX_ATTRIBUTE_CHARS:
        raise ManifestError(
            f"{where}: {attribute!r} would have {len(value):,} characters; Ground Truth allows at most "
            f"{MAX_ATTRIBUTE_CHARS:,} per attribute (§4.1)"
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
            f"Ground Truth allows at most {MAX_LINE_CHARS:,} per line (§4.1)"
        )
    return line + "\n"


def _source_ref_lines(uri_base: str, keys: list[str]) -> str:
    """manifest_line("source-ref", uri_base + key) for every key, as one string (the hot path).

    An S3 URI is under 1,100 characters (bucket name <= 63, key <= 1,024 bytes), so even escaped it
    cannot reach §4.1's limits: no length checks needed.
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


def _text_object_values(stream: ByteStream, uri: str, tally: _Tally) -> Iterator[tuple[str, str]]:
    parts: list[str] = []
    size = 0
    for text in _iter_text(stream, uri):
        size += len(text)
        if size > MAX_ATTRIBUTE_CHARS:  # stop reading: it can only get longer
            raise ManifestError(
                f"{uri}: 'source' would have more than {MAX_ATTRIBUTE_CHARS:,} characters; Ground Truth "
                f"allows at most {MAX_ATTRIBUTE_CHARS:,} per attribute (§4.1)"
            )
        parts.append(text)
    value = "".join(parts)
    if value.strip():
        yield value, uri
    else:
        tally.skipped_empty += 1


def _text_line_values(stream: ByteStream, uri: str, tally: _Tally) -> Iterator[tuple[str, str]]:
    def too_long(line_number: int) -> ManifestError:
        return ManifestError(
            f"{uri} line {line_number}: 'source' would have more than {MAX_ATTRIBUTE_CHARS:,} characters; "
            f"Ground Truth allows at most {MAX_ATTRIBUTE_CHARS:,} per attribute (§4.1)"
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


def _csv_row_values(stream: ByteStream, uri: str, tally: _Tally) -> Iterator[tuple[str, str]]:
    row_number = 0
    raw_in_row = 0

    def too_long(_line_number: int) -> ManifestError:
        return ManifestError(
            f"{uri} row {row_number + 1}: its CSV text exceeds {CSV_ROW_RAW_LIMIT:,} characters, so its "
            f"item would exceed Ground Truth's {MAX_ATTRIBUTE_CHARS:,}-character attribute limit (§4.1)"
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


_TEXT_READERS: dict[str, Callable[[ByteStream, str, _Tally], Iterator[tuple[str, str]]]] = {
    "text_objects": _text_object_values,
    "text_lines": _text_line_values,
    "csv_rows": _csv_row_values,
}


def _object_lines(
    data_type: str,
    bucket: str,
    key: str,
    open_object: Callable[[str], ByteStream] | None,
    tally: _Tally,
) -> Iterator[str]:
    uri = f"s3://{bucket}/{key}"
    assert open_object is not None  # checked by build_manifest
    stream = open_object(key)
    try:
        for value, where in _TEXT_READERS[data_type](stream, uri, tally):
            yield manifest_line("source", value, where=where)
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()


def build_manifest(
    sink: TextSink,
    pages: Iterable[Iterable[str]],
    *,
    bucket: str,
    prefix: str,
    data_type: str,
    selection: SelectionRule | Mapping[str, Any] | str | None = None,
    open_object: Callable[[str], ByteStream] | None = None,
    max_objects: int = MAX_OBJECTS_PER_JOB,
    min_objects: int = 1,
) -> ManifestStats:
    """Write the input manifest for `s3://bucket/prefix` to `sink`, one line at a time.

    `pages` are listing pages of keys; `open_object(key)` streams an object's bytes (text data
    types only). Raises ManifestError for an empty selection, more items than `max_objects` (the
    task type's quota), fewer than `min_objects`, an item over §4.1's limits or undecodable text.
    On error, `sink` holds a partial manifest: write to a temporary file and discard it.
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
    batches = _select_batches(pages, prefix, data_type, rule)
    tally = _Tally()
    items = 0
    objects = 0
    if data_type in SOURCE_REF_DATA_TYPES:
        # The hot path: one line per key and no object to read, so a whole batch (a listing page)
        # becomes one string and one write.
        uri_base = f"s3://{bucket}/"
        for batch in batches:
            objects += len(batch)
            if objects > max_objects:
                # Counting the rest costs only the listing: report the total.
                rest = sum(len(more) for more in batches)
                raise _quota_error(location, f"{objects + rest:,}", max_objects)
            sink.write(_source_ref_lines(uri_base, batch))
        items = objects
    else:
        for key in (key for batch in batches for key in batch):
            objects += 1
            lines = _object_lines(data_type, bucket, key, open_object, tally)
            try:
                for line in lines:
                    if items == max_objects:  # counting on would mean reading every remaining object
                        raise _quota_error(location, f"at least {items + 1:,}", max_objects)
                    sink.write(line)
                    items += 1
            finally:
                lines.close()  # closes the object's stream now, not when garbage-collected
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
            f"{min_objects:,} (automated data labeling needs {AUTOMATED_LABELING_MIN_OBJECTS:,}, §1.5)"
        )
    return ManifestStats(item_count=items, objects_read=objects, skipped_empty=tally.skipped_empty)


def _quota_error(location: str, total: str, max_objects: int) -> ManifestError:
    return ManifestError(
        f"{location}: {total} objects exceed the task type's quota of {max_objects:,} (§4.1)"
    )


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
