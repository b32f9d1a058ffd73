"""gt_rules.manifest: key selection and manifest lines, fed in-memory listing pages and streams.

The same behaviour end to end against moto S3 is in tests/handlers/test_manifest_handler.py.
"""

from __future__ import annotations

import io
import json
import random
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace as dataclass_replace

import pytest

from gt_rules import manifest
from gt_rules.manifest import (
    DEADLINE_SAFETY_SECONDS,
    MANIFEST_FUNCTION_TIMEOUT_SECONDS,
    MAX_ATTRIBUTE_CHARS,
    Deadline,
    ListedKey,
    ManifestError,
    ReadPlan,
    build_manifest,
    digest_properties,
    manifest_key,
    parse_selection,
    select_keys,
    vcpus_for_memory,
)
from tests.fakes import FakeClock


class ChunkedStream:
    """A byte stream that returns at most `step` bytes per read: splits CRLF and UTF-8 sequences."""

    def __init__(self, data: bytes, step: int = 1) -> None:
        self._data = io.BytesIO(data)
        self._step = step
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        return self._data.read(self._step if size < 0 else min(size, self._step))

    def close(self) -> None:
        self.closed = True


# One object at a time, in order: the reference the parallel reads must match byte for byte.
SEQUENTIAL = ReadPlan(workers=1, window=1)


def build(
    objects: dict[str, bytes] | list[str],
    data_type: str,
    *,
    prefix: str = "in/",
    step: int = 1 << 16,
    **kwargs: object,
) -> tuple[list[str], manifest.ManifestStats]:
    """Build a manifest from one listing page; returns its physical lines and the stats."""
    keys = list(objects)
    data = objects if isinstance(objects, dict) else {}
    sink = io.StringIO()
    stats = build_manifest(
        sink,
        [keys],
        bucket="bkt",
        prefix=prefix,
        data_type=data_type,
        open_object=lambda key: ChunkedStream(data[key], step),
        **kwargs,  # type: ignore[arg-type]
    )
    text = sink.getvalue()
    assert text.endswith("\n")
    return text.split("\n")[:-1], stats


def sources(lines: list[str]) -> list[str]:
    return [json.loads(line)["source"] for line in lines]


# --- selection ----------------------------------------------------------------------------------


def test_images_keep_supported_extensions_in_any_case_and_skip_folders_and_our_manifests() -> None:
    keys = [
        "in/",  # console folder marker
        "in/a.JPG",
        "in/b.png",
        "in/c.Jpeg",
        "in/d.gif",
        "in/e.txt",
        "in/sub/",
        "in/sub/f.png",
        "in/png",  # no extension, only the letters
        "other/g.png",  # outside the prefix
        "_manifests/job/x.png",
    ]
    lines, stats = build(keys, "images")
    assert [json.loads(line) for line in lines] == [
        {"source-ref": "s3://bkt/in/a.JPG"},
        {"source-ref": "s3://bkt/in/b.png"},
        {"source-ref": "s3://bkt/in/c.Jpeg"},
        {"source-ref": "s3://bkt/in/sub/f.png"},
    ]
    assert stats.item_count == 4


def test_manifest_area_is_skipped_when_listing_the_whole_bucket() -> None:
    keys = ["_manifests/job/abc.png", "a.png", "b/_manifests/c.png"]
    assert list(select_keys([keys], prefix="", data_type="images", selection=None)) == [
        "a.png",
        "b/_manifests/c.png",
    ]


@pytest.mark.parametrize(
    ("data_type", "kept"),
    [
        ("videos", ["v/a.mp4", "v/b.OGG", "v/c.webm"]),
        ("text_objects", ["v/t.TXT"]),
        ("text_lines", ["v/t.TXT"]),
        ("csv_rows", ["v/r.csv"]),
    ],
)
def test_each_data_type_keeps_only_its_extensions(data_type: str, kept: list[str]) -> None:
    keys = ["v/a.mp4", "v/b.OGG", "v/c.webm", "v/d.avi", "v/t.TXT", "v/r.csv", "v/i.png"]
    assert list(select_keys([keys], prefix="v/", data_type=data_type, selection={"mode": "all"})) == kept


def test_unknown_data_type_is_rejected_before_listing() -> None:
    def pages() -> Iterator[list[str]]:
        raise AssertionError("listing must not start")
        yield []

    with pytest.raises(ManifestError, match="'pictures' is not one of images"):
        select_keys(pages(), prefix="", data_type="pictures", selection=None)


SAMPLE_KEYS = [f"in/img-{i:03d}.png" for i in range(200)]


def paged(keys: list[str], size: int) -> list[list[str]]:
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def test_sample_is_reproducible_and_independent_of_listing_order() -> None:
    selection = {"mode": "sample", "sample_size": 12, "seed": 7}
    first = list(select_keys(paged(SAMPLE_KEYS, 50), prefix="in/", data_type="images", selection=selection))
    shuffled = SAMPLE_KEYS[:]
    random.Random(3).shuffle(shuffled)
    second = list(select_keys(paged(shuffled, 9), prefix="in/", data_type="images", selection=selection))
    assert first == second
    assert len(first) == 12
    assert first == sorted(first)  # emitted in key order
    assert set(first) <= set(SAMPLE_KEYS)


def test_sample_depends_on_the_seed() -> None:
    picks = {
        tuple(
            select_keys(
                [SAMPLE_KEYS],
                prefix="in/",
                data_type="images",
                selection={"mode": "sample", "sample_size": 10, "seed": s},
            )
        )
        for s in range(5)
    }
    assert len(picks) == 5


def test_sample_larger_than_dataset_takes_everything_in_key_order() -> None:
    keys = ["in/c.png", "in/a.png", "in/b.png"]
    picked = select_keys(
        [keys], prefix="in/", data_type="images", selection={"mode": "sample", "sample_size": 10}
    )
    assert list(picked) == ["in/a.png", "in/b.png", "in/c.png"]


def test_sample_streams_a_one_shot_generator_of_pages() -> None:
    def pages() -> Iterator[list[str]]:
        yield from paged(SAMPLE_KEYS, 30)

    picked = list(
        select_keys(
            pages(),
            prefix="in/",
            data_type="images",
            selection={"mode": "sample", "sample_size": 5, "seed": 1},
        )
    )
    again = list(
        select_keys(
            [SAMPLE_KEYS],
            prefix="in/",
            data_type="images",
            selection={"mode": "sample", "sample_size": 5, "seed": 1},
        )
    )
    assert picked == again and len(picked) == 5


def test_filter_searches_the_key_relative_to_the_prefix() -> None:
    keys = ["in/a/1.png", "in/b/a/2.png", "in/a3.png", "in/ab/4.jpg"]
    picked = select_keys(
        [keys], prefix="in/", data_type="images", selection={"mode": "filter", "key_regex": "^a/"}
    )
    assert list(picked) == ["in/a/1.png"]
    # re.search, not fullmatch: anywhere in the relative key.
    picked = select_keys(
        [keys], prefix="in/", data_type="images", selection={"mode": "filter", "key_regex": r"\d\.jpg"}
    )
    assert list(picked) == ["in/ab/4.jpg"]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"mode": "random"}, "mode must be one of all, sample, filter"),
        ({"mode": "sample"}, "needs sample_size"),
        ({"mode": "sample", "sample_size": 0}, "at least 1"),
        ({"mode": "sample", "sample_size": True}, "must be an integer"),
        ({"mode": "filter"}, "needs a non-empty key_regex"),
        ({"mode": "filter", "key_regex": "("}, "not a valid regex"),
        ({"mode": "all", "samplesize": 3}, "unknown fields \\['samplesize'\\]"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_selections_are_rejected(selection: object, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_selection(selection)  # type: ignore[arg-type]


def test_selection_accepts_the_json_string_a_custom_resource_receives() -> None:
    rule = parse_selection('{"mode": "sample", "sample_size": "25", "seed": 4}')
    assert (rule.mode, rule.sample_size, rule.seed) == ("sample", 25, 4)
    assert parse_selection(None).mode == "all"


# --- lines --------------------------------------------------------------------------------------

TRICKY = 'She said "hi"\\ then\nleft\ttab, café 日本語 😀 \u2028 end\r\nlast\x85line'


def test_text_objects_inline_the_whole_text_and_round_trip_every_character() -> None:
    objects = {"in/1.txt": TRICKY.encode(), "in/2.txt": b"42"}
    lines, stats = build(objects, "text_objects", step=3)  # 3-byte reads split UTF-8 sequences
    assert len(lines) == 2  # one physical line per item, whatever the text holds
    assert sources(lines) == [TRICKY, "42"]
    assert "😀" in lines[0] and "日本語" in lines[0]  # ensure_ascii=False: readable, not \\u escapes
    assert "\\u2028" in lines[0] and "\\u0085" in lines[0]  # line breaks to some readers: escaped
    assert stats.item_count == 2


@pytest.mark.parametrize("value", ["plain", 'q"b\\s/', "\x00\x1f\x7f", "é😀日", "a\u2028b\x85c\u2029", ""])
def test_manifest_line_is_json_dumps_with_line_breaks_escaped(value: str) -> None:
    line = manifest.manifest_line("source", value, where="w")
    expected = json.dumps({"source": value}, ensure_ascii=False)
    for char in "\x85\u2028\u2029":
        expected = expected.replace(char, f"\\u{ord(char):04x}")
    assert line == expected + "\n"
    assert json.loads(line) == {"source": value}
    # The image/video hot path writes the same bytes as the general one.
    ref = manifest._source_ref_lines("s3://b/", [value])
    assert ref == manifest.manifest_line("source-ref", f"s3://b/{value}", where="w")


def test_text_objects_drop_a_utf8_bom_and_skip_empty_objects() -> None:
    objects = {"in/a.txt": b"\xef\xbb\xbfhello", "in/b.txt": b"", "in/c.txt": b" \n\t"}
    lines, stats = build(objects, "text_objects")
    assert sources(lines) == ["hello"]
    assert (stats.objects_read, stats.skipped_empty) == (3, 2)


def test_text_lines_give_one_item_per_non_blank_line_with_any_line_ending() -> None:
    text = '\ufefffirst\r\n\r\nsecond "q"\rthird é\n  \nfourth'
    lines, _ = build({"in/a.txt": text.encode()}, "text_lines", step=1)  # CRLF split across reads
    assert sources(lines) == ["first", 'second "q"', "third é", "fourth"]


def test_csv_rows_keep_quoted_newlines_in_one_row_and_join_cells() -> None:
    data = 'name,comment\r\n"Smith, J","line one\r\nline two"\r\n\r\n"say ""hi""",😀\n,,\n'.encode()
    lines, stats = build({"in/r.csv": data, "in/blank.csv": b",,\r\n\r\n"}, "csv_rows", step=2)
    assert sources(lines) == ["name, comment", "Smith, J, line one\r\nline two", 'say "hi", 😀']
    assert (len(lines), stats.item_count, stats.skipped_empty) == (3, 3, 1)


def test_attribute_of_exactly_20000_characters_is_accepted() -> None:
    lines, _ = build({"in/a.txt": ("é" * MAX_ATTRIBUTE_CHARS).encode()}, "text_objects")
    assert len(sources(lines)[0]) == MAX_ATTRIBUTE_CHARS


@pytest.mark.parametrize(
    ("data_type", "data", "where"),
    [
        ("text_objects", "x" * (MAX_ATTRIBUTE_CHARS + 1), "s3://bkt/in/big.txt: 'source'"),
        ("text_lines", "ok\n\n" + "y" * (MAX_ATTRIBUTE_CHARS + 1) + "\nok", "s3://bkt/in/big.txt line 3"),
        ("text_lines", "ok\n" + "y" * (MAX_ATTRIBUTE_CHARS * 3), "s3://bkt/in/big.txt line 2"),
    ],
)
def test_items_over_20000_characters_are_rejected_naming_key_and_line(
    data_type: str, data: str, where: str
) -> None:
    with pytest.raises(ManifestError, match="20,000") as caught:
        build({"in/big.txt": data.encode()}, data_type)
    assert where in str(caught.value)


def test_line_numbers_count_crlf_once_even_when_split_across_reads() -> None:
    data = ("a\r\n\r\nb\r\n" + "y" * (MAX_ATTRIBUTE_CHARS + 1)).encode()
    with pytest.raises(ManifestError, match=r"s3://bkt/in/a.txt line 4: "):
        build({"in/a.txt": data}, "text_lines", step=1)


def test_csv_row_over_20000_characters_is_rejected_naming_the_row() -> None:
    big = "a," + '"' + "z" * MAX_ATTRIBUTE_CHARS + '"\n'
    with pytest.raises(ManifestError, match=r"s3://bkt/in/r.csv row 2 .*20,000"):
        build({"in/r.csv": ("h1,h2\n" + big).encode()}, "csv_rows")
    # A huge row spread over many short quoted lines is stopped too (bounded memory).
    many_lines = '"' + "w\n" * (MAX_ATTRIBUTE_CHARS * 3) + '"\n'
    with pytest.raises(ManifestError, match=r"row 1: its CSV text exceeds"):
        build({"in/r.csv": many_lines.encode()}, "csv_rows")


def test_escaping_can_push_a_line_over_the_100000_character_limit() -> None:
    # 20,000 control characters are a legal attribute but escape to 6 characters each.
    with pytest.raises(ManifestError, match="100,000 per line"):
        build({"in/a.txt": b"\x01" * MAX_ATTRIBUTE_CHARS}, "text_objects")


def test_undecodable_text_is_rejected_naming_the_key() -> None:
    with pytest.raises(ManifestError, match=r"s3://bkt/in/latin1.txt is not valid UTF-8"):
        build({"in/latin1.txt": "café".encode("latin-1")}, "text_lines")
    with pytest.raises(ManifestError, match=r"s3://bkt/in/cut.txt is not valid UTF-8"):
        build({"in/cut.txt": "日".encode()[:2]}, "text_objects")  # truncated at the end


def test_streams_are_closed_after_reading_and_on_errors() -> None:
    opened: list[ChunkedStream] = []

    def open_object(key: str) -> ChunkedStream:
        opened.append(ChunkedStream({"in/a.txt": b"one\ntwo", "in/b.txt": b"\xff"}[key], 4))
        return opened[-1]

    with pytest.raises(ManifestError):
        build_manifest(
            io.StringIO(),
            [["in/a.txt", "in/b.txt"]],
            bucket="b",
            prefix="in/",
            data_type="text_lines",
            open_object=open_object,
        )
    assert [s.closed for s in opened] == [True, True]


# --- counts -------------------------------------------------------------------------------------


def test_empty_selection_names_location_extensions_and_selection() -> None:
    with pytest.raises(ManifestError) as caught:
        build(["in/a.gif", "in/"], "images", selection={"mode": "filter", "key_regex": "cat"})
    assert str(caught.value) == (
        "no objects under s3://bkt/in/ with extensions .jpg, .jpeg, .png "
        "matched selection filter(key_regex='cat')"
    )


def test_objects_with_no_text_at_all_are_an_error_too() -> None:
    with pytest.raises(ManifestError, match=r"the 2 objects selected under s3://bkt/in/ .* hold no text"):
        build({"in/a.txt": b"\n\n", "in/b.txt": b""}, "text_lines")


def test_quota_error_counts_every_selected_image() -> None:
    keys = [f"in/{i}.png" for i in range(7)]
    build(keys, "images", max_objects=7)  # exactly the quota is fine
    with pytest.raises(ManifestError) as caught:
        build(keys, "images", max_objects=3)
    assert str(caught.value) == "s3://bkt/in/: 7 objects exceed the task type's quota of 3"
    # Across listing pages: the total still counts every page, including those after the overflow.
    with pytest.raises(ManifestError, match=r": 7 objects exceed the task type's quota of 3$"):
        build_manifest(
            io.StringIO(), paged(keys, 2), bucket="bkt", prefix="in/", data_type="images", max_objects=3
        )


def test_quota_counts_text_items_not_objects_and_stops_reading() -> None:
    objects = {"in/a.txt": b"1\n2\n3", "in/b.txt": b"4\n5", "in/c.txt": b"6"}
    opened: list[str] = []

    def open_object(key: str) -> io.BytesIO:
        opened.append(key)
        return io.BytesIO(objects[key])

    with pytest.raises(ManifestError, match=r"at least 4 objects exceed the task type's quota of 3"):
        build_manifest(
            io.StringIO(), [list(objects)], bucket="b", prefix="in/", data_type="text_lines",
            open_object=open_object, max_objects=3, reading=SEQUENTIAL,
        )  # fmt: skip
    assert opened == ["in/a.txt", "in/b.txt"]  # c.txt never read


def test_quota_stops_parallel_reading_within_the_window() -> None:
    objects = {f"in/{i:03d}.txt": b"1\n2" for i in range(50)}
    opened: list[str] = []
    lock = threading.Lock()

    def open_object(key: str) -> io.BytesIO:
        with lock:
            opened.append(key)
        return io.BytesIO(objects[key])

    with pytest.raises(ManifestError, match=r"at least 6 objects exceed the task type's quota of 5"):
        build_manifest(
            io.StringIO(), [list(objects)], bucket="b", prefix="in/", data_type="text_lines",
            open_object=open_object, max_objects=5, reading=ReadPlan(workers=2, window=4),
        )  # fmt: skip
    # The third object overflows; at most a window of objects is read beyond the last one written.
    assert 3 <= len(opened) <= 2 + 4


def test_too_few_objects_for_automated_labeling() -> None:
    keys = [f"in/{i}.png" for i in range(5)]
    with pytest.raises(
        ManifestError, match=r"only 5 objects selected \(all\), fewer than the minimum of 1,250"
    ):
        build(keys, "images", min_objects=1250)


def test_lines_reach_the_sink_while_the_listing_is_still_being_read() -> None:
    # Streaming, not collect-then-write: the first line is written before the second page is listed.
    pages_listed = 0
    listed_at_first_write: list[int] = []

    def pages() -> Iterator[list[str]]:
        nonlocal pages_listed
        for page in paged(SAMPLE_KEYS, 20):
            pages_listed += 1
            yield page

    class Sink:
        lines = 0

        def write(self, text: str) -> int:
            if not self.lines:
                listed_at_first_write.append(pages_listed)
            self.lines += text.count("\n")
            return len(text)

    sink = Sink()
    stats = build_manifest(sink, pages(), bucket="b", prefix="in/", data_type="images")
    assert listed_at_first_write == [1] and pages_listed == 10
    assert sink.lines == stats.item_count == 200


def test_text_data_types_need_a_way_to_read_objects() -> None:
    with pytest.raises(ValueError, match="pass open_object"):
        build_manifest(io.StringIO(), [["in/a.txt"]], bucket="b", prefix="in/", data_type="text_objects")


# --- keys ---------------------------------------------------------------------------------------


def test_manifest_key_is_deterministic_and_checked() -> None:
    digest = digest_properties({"b": 1, "a": {"y": [1, 2], "x": "é"}})
    assert digest == digest_properties({"a": {"x": "é", "y": [1, 2]}, "b": 1})  # order-insensitive
    assert digest != digest_properties({"a": {"x": "é", "y": [2, 1]}, "b": 1})
    assert manifest_key("fashion-job", digest) == f"_manifests/fashion-job/{digest}.manifest"
    with pytest.raises(ManifestError, match="job name"):
        manifest_key("../etc", digest)
    with pytest.raises(ManifestError, match="digest"):
        manifest_key("fashion-job", "not/hex")


# --- parallel reads of the text data types -------------------------------------------------------

GATE_TIMEOUT = 10.0  # only reached when the code under test is broken: fail instead of hanging


def text_dataset(data_type: str, count: int = 40) -> dict[str, bytes]:
    """Varied objects: unicode, escapes, every line ending, blank objects and lines, quoted CSV."""
    rng = random.Random(f"{data_type}-{count}")
    words = [
        "alpha",
        'q"uote',
        "back\\slash",
        "café",
        "日本語",
        "😀",
        "tab\there",
        "\u2028",
        "\x01",
        "x" * 300,
    ]
    endings = ["\n", "\r\n", "\r"]
    objects: dict[str, bytes] = {}
    for i in range(count):
        if i % 9 == 4:
            body = " \n\t" if data_type != "csv_rows" else ",,\r\n"  # blank: skipped
        elif data_type == "csv_rows":
            rows = [
                ",".join(
                    f'"{rng.choice(words)}\n{rng.choice(words)}"' if rng.random() < 0.3 else rng.choice(words)
                    for _ in range(3)
                )
                for _ in range(rng.randint(1, 4))
            ]
            body = "\r\n".join(rows) + "\r\n"
        else:
            lines = [" ".join(rng.choices(words, k=rng.randint(0, 6))) for _ in range(rng.randint(1, 5))]
            body = "".join(line + rng.choice(endings) for line in lines)
        ext = ".csv" if data_type == "csv_rows" else ".txt"
        bom = "\ufeff" if i % 7 == 0 else ""
        objects[f"in/{'ab'[i % 2]}/{i:03d}{ext}"] = (bom + body).encode()
    return objects


class ScrambledOpener:
    """Serves in-memory objects to parallel readers and makes them finish out of order: the first
    object of every `group` opened waits until every other object opened up to the end of its group
    has finished. With window >= group this cannot deadlock. Records the order objects finished in."""

    def __init__(self, data: Mapping[str, bytes], *, group: int, total: int, step: int = 1 << 16) -> None:
        self._data = data
        self._group = group
        self._total = total
        self._step = step
        self._changed = threading.Condition()
        self.opened = 0
        self.finished: list[str] = []

    def __call__(self, key: str) -> GatedStream:
        with self._changed:
            sequence = self.opened
            self.opened += 1
        return GatedStream(self, key, sequence)

    def wait_for_group(self, sequence: int) -> None:
        if sequence % self._group:
            return
        others = min(sequence + self._group, self._total) - 1
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.finished) >= others, timeout=GATE_TIMEOUT):
                raise AssertionError(f"object {sequence} waited in vain for {others} others")

    def finish(self, key: str) -> None:
        with self._changed:
            self.finished.append(key)
            self._changed.notify_all()

    def data(self, key: str) -> bytes:
        return self._data[key]

    @property
    def step(self) -> int:
        return self._step


class GatedStream(ChunkedStream):
    def __init__(self, opener: ScrambledOpener, key: str, sequence: int) -> None:
        super().__init__(opener.data(key), opener.step)
        self._opener = opener
        self._key = key
        self._sequence = sequence
        self._started = False

    def read(self, size: int = -1) -> bytes:
        if not self._started:
            self._started = True
            self._opener.wait_for_group(self._sequence)
        return super().read(size)

    def close(self) -> None:
        super().close()
        self._opener.finish(self._key)


def build_text(
    objects: Mapping[str, bytes],
    data_type: str,
    open_object: Callable[[str], manifest.ByteStream],
    *,
    selection: Mapping[str, object] | None = None,
    **kwargs: object,
) -> tuple[str, manifest.ManifestStats]:
    sink = io.StringIO()
    stats = build_manifest(
        sink,
        paged(list(objects), 7),  # several listing pages
        bucket="bkt",
        prefix="in/",
        data_type=data_type,
        selection=selection,
        open_object=open_object,
        **kwargs,  # type: ignore[arg-type]
    )
    return sink.getvalue(), stats


SELECTIONS: list[dict[str, object]] = [
    {"mode": "all"},
    {"mode": "sample", "sample_size": 17, "seed": 5},
    {"mode": "filter", "key_regex": r"^b/"},
]


@pytest.mark.parametrize("data_type", ["text_objects", "text_lines", "csv_rows"])
@pytest.mark.parametrize("selection", SELECTIONS, ids=[str(s["mode"]) for s in SELECTIONS])
def test_parallel_reads_write_exactly_what_sequential_reads_write(
    data_type: str, selection: dict[str, object]
) -> None:
    objects = text_dataset(data_type)
    in_order: list[str] = []

    def sequential_open(key: str) -> ChunkedStream:
        in_order.append(key)
        return ChunkedStream(objects[key], 5)  # 5-byte reads split CRLF and UTF-8 sequences

    expected, expected_stats = build_text(
        objects, data_type, sequential_open, selection=selection, reading=SEQUENTIAL
    )
    selected = list(
        select_keys(paged(list(objects), 7), prefix="in/", data_type=data_type, selection=selection)
    )
    assert in_order == selected  # the reference reads one object at a time, in selection order

    scrambled = ScrambledOpener(objects, group=4, total=len(selected), step=5)
    plan = ReadPlan(workers=4, window=6)
    text, stats = build_text(objects, data_type, scrambled, selection=selection, reading=plan)

    assert text.encode() == expected.encode()
    assert stats == expected_stats
    assert sorted(scrambled.finished) == sorted(selected)
    assert scrambled.finished != selected  # objects really finished out of order
    assert (
        expected_stats.skipped_empty > 0
        and expected_stats.item_count >= len(selected) - expected_stats.skipped_empty
    )


def test_lines_beyond_the_memory_cap_go_to_disk_and_come_back_identical(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rolled: list[bool] = []

    class RecordingSpool(tempfile.SpooledTemporaryFile[str]):
        def rollover(self) -> None:
            rolled.append(True)
            super().rollover()

    objects = text_dataset("text_lines")
    objects["in/a/big.txt"] = ("line é\n" * 5000).encode()
    expected, _ = build_text(objects, "text_lines", lambda key: io.BytesIO(objects[key]), reading=SEQUENTIAL)
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", RecordingSpool)  # the module manifest uses
    plan = ReadPlan(workers=3, window=5, spool_memory_bytes=256)
    text, _ = build_text(objects, "text_lines", lambda key: io.BytesIO(objects[key]), reading=plan)
    assert text == expected
    assert rolled  # some objects' lines really went through a temporary file


def test_reads_are_bounded_by_the_pool_and_the_window() -> None:
    workers, window, count = 3, 5, 40
    objects = {f"in/{i:03d}.txt": f"item {i}".encode() for i in range(count)}
    state = threading.Condition()
    opened = open_now = most_open = most_ahead = 0
    written = 0
    over_window: list[int] = []

    class Stream(io.BytesIO):
        def __init__(self, data: bytes, sequence: int) -> None:
            super().__init__(data)
            self._gated = sequence < workers  # the first few wait for a full pool: the bound is reached

        def read(self, size: int | None = -1) -> bytes:
            if self._gated:
                self._gated = False
                with state:
                    assert state.wait_for(lambda: most_open >= workers, timeout=GATE_TIMEOUT)
            return super().read(size)

        def close(self) -> None:
            nonlocal open_now
            with state:
                open_now -= 1
                state.notify_all()
            super().close()

    def open_object(key: str) -> Stream:
        nonlocal opened, open_now, most_open, most_ahead
        with state:
            sequence = opened
            opened += 1
            open_now += 1
            most_open = max(most_open, open_now)
            ahead = opened - written  # objects opened but not yet written to the sink
            most_ahead = max(most_ahead, ahead)
            if ahead > window:
                over_window.append(ahead)
            state.notify_all()
        return Stream(objects[key], sequence)

    class Sink:
        def write(self, text: str) -> int:
            nonlocal written
            # While the first object is being written nothing is consumed: reads fill the window.
            with state:
                if written == 0:
                    assert state.wait_for(lambda: opened >= window, timeout=GATE_TIMEOUT)
                written += text.count("\n")
                state.notify_all()
            return len(text)

    stats = build_manifest(
        Sink(), [list(objects)], bucket="b", prefix="in/", data_type="text_objects",
        open_object=open_object, reading=ReadPlan(workers=workers, window=window),
    )  # fmt: skip
    assert stats.item_count == count
    assert most_open == workers  # reached, never exceeded
    assert most_ahead == window and over_window == []


def test_the_first_failing_object_in_selection_order_is_reported_even_if_a_later_one_fails_first() -> None:
    objects = {f"in/{i:02d}.txt": b"fine" for i in range(12)}
    objects["in/00.txt"] = "caf\u00e9".encode("latin-1")  # not UTF-8; waits for 01-03 to finish first
    objects["in/02.txt"] = b"x" * (MAX_ATTRIBUTE_CHARS + 1)  # fails first
    opener = ScrambledOpener(objects, group=4, total=len(objects))
    with pytest.raises(ManifestError) as parallel:
        build_text(objects, "text_objects", opener, reading=ReadPlan(workers=4, window=4))
    with pytest.raises(ManifestError) as sequential:
        build_text(objects, "text_objects", lambda key: io.BytesIO(objects[key]), reading=SEQUENTIAL)
    assert str(parallel.value) == str(sequential.value)
    assert str(parallel.value).startswith("s3://bkt/in/00.txt is not valid UTF-8")
    assert opener.finished.index("in/02.txt") < opener.finished.index("in/00.txt")


@pytest.mark.parametrize(
    ("objects", "max_objects", "message"),
    [
        # The quota is passed inside b.txt before its bad bytes: the quota error, as when reading in order
        # (read one byte at a time, so lines are made before the bad byte is decoded).
        (
            {"in/a.txt": b"1\n2\n3", "in/b.txt": b"4\n5\n\xff", "in/c.txt": b"\xff"},
            4,
            "at least 5 objects exceed",
        ),
        # b.txt's lines fit exactly, then its bad bytes: the UTF-8 error, naming b.txt.
        (
            {"in/a.txt": b"1\n2", "in/b.txt": b"3\n\xff", "in/c.txt": b"\xff"},
            3,
            "s3://bkt/in/b.txt is not valid",
        ),
        # Too long in c.txt, after the quota was met exactly: c.txt's own error.
        ({"in/a.txt": b"1\n2", "in/b.txt": b"3", "in/c.txt": b"y" * 20_001}, 3, "s3://bkt/in/c.txt line 1"),
    ],
)
def test_quota_and_object_errors_come_in_the_same_order_as_sequential_reads(
    objects: dict[str, bytes], max_objects: int, message: str
) -> None:
    def open_object(key: str) -> ChunkedStream:
        data = objects[key]
        return ChunkedStream(data, 1 if len(data) < 100 else 1 << 16)  # small ones byte by byte

    outcomes = []
    for plan in (SEQUENTIAL, ReadPlan(workers=3, window=3)):
        with pytest.raises(ManifestError) as caught:
            build_text(
                objects,
                "text_lines",
                open_object,
                max_objects=max_objects,
                reading=plan,
            )
        outcomes.append(str(caught.value))
    assert outcomes[0] == outcomes[1]
    assert message in outcomes[0]


def test_after_a_failure_running_reads_stop_and_every_stream_is_closed() -> None:
    started = threading.Event()
    streams: list[ChunkedStream] = []

    class Endless(ChunkedStream):
        """Blank lines forever: gives no item, so only the cancellation can stop its reader."""

        reads = 0

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            started.set()
            return b"\n" * 1024

    class WaitsForEndless(ChunkedStream):
        def read(self, size: int = -1) -> bytes:
            assert started.wait(GATE_TIMEOUT)  # fail only once the endless object is being read
            return super().read(size)

    def open_object(key: str) -> ChunkedStream:
        stream: ChunkedStream = (
            WaitsForEndless(b"\xff", 1)
            if key == "in/0.txt"
            else Endless(b"")
            if key == "in/1.txt"
            else ChunkedStream(b"ok")
        )
        streams.append(stream)
        return stream

    with pytest.raises(ManifestError, match=r"s3://b/in/0.txt is not valid UTF-8"):
        build_manifest(
            io.StringIO(), [[f"in/{i}.txt" for i in range(30)]], bucket="b", prefix="in/",
            data_type="text_lines", open_object=open_object, reading=ReadPlan(workers=2, window=4),
        )  # fmt: skip
    assert all(stream.closed for stream in streams)
    assert len(streams) <= 4  # queued reads were dropped, not started
    endless = [s for s in streams if isinstance(s, Endless)]
    assert len(endless) == 1 and 0 < endless[0].reads < 1_000_000


def test_read_plan_is_checked() -> None:
    with pytest.raises(ValueError, match="workers <= window"):
        ReadPlan(workers=8, window=4)
    with pytest.raises(ValueError, match="workers <= window"):
        ReadPlan(workers=0, window=4)
    with pytest.raises(ValueError, match="vcpus"):
        ReadPlan(vcpus=0)


# --- time: the estimate before reading, the deadline while reading -------------------------------


SPLIT_ADVICE = 'split the prefix over several jobs or give a manifest (input kind "manifest")'


def test_function_timeout_leaves_the_provider_framework_time_to_answer() -> None:
    provider_framework_timeout = 15 * 60  # its own Lambda: it must outlive ours to report a failure
    assert provider_framework_timeout - MANIFEST_FUNCTION_TIMEOUT_SECONDS >= 5 * 60
    assert (
        0 < manifest._CANCEL_GRACE_SECONDS < DEADLINE_SAFETY_SECONDS < MANIFEST_FUNCTION_TIMEOUT_SECONDS / 10
    )


# Eight reads at 0.1 s each, 2 ms of CPU per object on half a vCPU, 20 MB/s: the figures the
# estimate tests work out by hand.
HALF_VCPU_PLAN = ReadPlan(
    workers=8,
    window=8,
    seconds_per_request=0.1,
    bytes_per_second=20e6,
    cpu_seconds_per_object=0.002,
    vcpus=0.5,
)


def test_estimate_is_the_slower_of_waiting_and_computing_plus_the_transfer() -> None:
    plan = HALF_VCPU_PLAN
    # Waiting: ceil(2,000 / 8) x 0.1 s = 25 s; computing: 2,000 x 2 ms / 0.5 = 8 s;
    # moving 500 MB twice at 20 MB/s: 50 s.
    assert plan.estimate_seconds(2000, 500_000_000) == pytest.approx(75.0)
    # Computing dominates on a small CPU share: 2,000 x 2 ms / 0.05 = 80 s.
    slow_cpu = ReadPlan(
        workers=8, window=8, seconds_per_request=0.1, cpu_seconds_per_object=0.002, vcpus=0.05
    )
    assert slow_cpu.estimate_seconds(2000, 0) == pytest.approx(80.0)
    assert slow_cpu.estimate_seconds(1, 0) == pytest.approx(0.1)  # one object: one request's wait


def test_vcpus_follow_lambda_memory_up_to_one() -> None:
    assert vcpus_for_memory(1769) == 1.0
    assert vcpus_for_memory(10240) == 1.0  # threads share one interpreter lock
    assert vcpus_for_memory(512) == pytest.approx(0.289, abs=0.001)


def sized_pages(count: int, size: int, per_page: int = 500) -> list[list[str]]:
    keys: list[str] = [ListedKey(f"in/{i:05d}.txt", size) for i in range(count)]
    return paged(keys, per_page)


def test_a_selection_that_cannot_be_read_in_time_is_refused_before_reading_with_the_numbers() -> None:
    clock = FakeClock()
    opened: list[str] = []

    def open_object(key: str) -> io.BytesIO:
        opened.append(key)
        return io.BytesIO(b"text")

    plan = HALF_VCPU_PLAN
    with pytest.raises(ManifestError) as caught:
        build_manifest(
            io.StringIO(), sized_pages(2000, 250_000), bucket="bkt", prefix="in/", data_type="text_lines",
            open_object=open_object, reading=plan, deadline=Deadline(finish_by=clock() + 60, clock=clock),
        )  # fmt: skip
    assert str(caught.value) == (
        "s3://bkt/in/: 2,000 objects, 500.0 MB: about 1.2 min at 8 parallel reads, more than the 1.0 min "
        "this function has left; " + SPLIT_ADVICE
    )
    assert opened == []
    # The same selection with time enough (the estimate is 75 s) is read.
    stats = build_manifest(
        io.StringIO(), sized_pages(2000, 250_000), bucket="bkt", prefix="in/", data_type="text_lines",
        open_object=open_object, reading=plan, deadline=Deadline(finish_by=clock() + 80, clock=clock),
    )  # fmt: skip
    assert stats.item_count == 2000 and len(opened) == 2000


def test_only_the_selected_objects_count_in_the_estimate() -> None:
    clock = FakeClock()
    plan = ReadPlan(workers=1, window=1, seconds_per_request=1.0, cpu_seconds_per_object=0.0)
    # 2,000 listed, 10 sampled: 10 s of requests fit in 60 s where 2,000 s would not.
    stats = build_manifest(
        io.StringIO(), sized_pages(2000, 100), bucket="bkt", prefix="in/", data_type="text_objects",
        selection={"mode": "sample", "sample_size": 10, "seed": 3},
        open_object=lambda key: io.BytesIO(b"t"), reading=plan,
        deadline=Deadline(finish_by=clock() + 60, clock=clock),
    )  # fmt: skip
    assert stats.objects_read == 10


def test_reading_stops_with_a_clear_error_before_the_deadline() -> None:
    clock = FakeClock()

    def open_object(key: str) -> io.BytesIO:
        clock.advance(1.0)  # each GET takes a second
        return io.BytesIO(b"text")

    keys = [[f"in/{i:03d}.txt" for i in range(200)]]
    with pytest.raises(ManifestError) as caught:
        build_manifest(
            io.StringIO(), keys, bucket="bkt", prefix="in/", data_type="text_objects",
            open_object=open_object, reading=dataclass_replace(SEQUENTIAL, seconds_per_request=0.0),
            deadline=Deadline(finish_by=clock() + 10.5, clock=clock),
        )  # fmt: skip
    # Objects 0-9 end by second 10; the 11th would end at 11 > 10.5.
    assert str(caught.value) == (
        "s3://bkt/in/: stopped after reading 10 of 200 objects, to end before this function's time limit; "
        + SPLIT_ADVICE
    )


def test_parallel_reading_stops_at_the_deadline_within_one_window() -> None:
    clock = FakeClock()
    lock = threading.Lock()
    opened = 0

    def open_object(key: str) -> io.BytesIO:
        nonlocal opened
        with lock:
            opened += 1
        clock.advance(1.0)
        return io.BytesIO(b"text")

    keys = [[f"in/{i:03d}.txt" for i in range(300)]]
    plan = ReadPlan(workers=4, window=8, seconds_per_request=0.0)
    with pytest.raises(ManifestError, match=r"stopped after reading (\d+) of 300 objects") as caught:
        build_manifest(
            io.StringIO(), keys, bucket="bkt", prefix="in/", data_type="text_objects",
            open_object=open_object, reading=plan, deadline=Deadline(finish_by=clock() + 50, clock=clock),
        )  # fmt: skip
    read = int(str(caught.value).split("after reading ")[1].split(" ")[0])
    assert read < 50 and opened <= read + plan.window


def test_time_to_upload_what_is_written_is_kept_back() -> None:
    clock = FakeClock()  # never moves: only the growing upload reserve can stop the build
    text = "z" * 985  # each line is 1,000 bytes: 10 s to upload at 100 bytes/s
    keys = [[f"in/{i:02d}.txt" for i in range(20)]]
    # 6 objects' lines upload in 60 s, within the 65 s left; 7 objects' would take 70 s.
    with pytest.raises(ManifestError, match=r"stopped after reading 7 of 20 objects"):
        build_manifest(
            io.StringIO(), keys, bucket="bkt", prefix="in/", data_type="text_objects",
            open_object=lambda key: io.BytesIO(text.encode()),
            reading=ReadPlan(workers=1, window=1, seconds_per_request=0.0, bytes_per_second=100),
            deadline=Deadline(finish_by=clock() + 65, clock=clock),
        )  # fmt: skip


@pytest.mark.parametrize("data_type", ["images", "text_lines"])
def test_listing_stops_with_a_clear_error_before_the_deadline(data_type: str) -> None:
    clock = FakeClock()

    def pages() -> Iterator[list[str]]:
        for page in range(100):
            clock.advance(1.0)  # each ListObjectsV2 page takes a second
            yield [f"in/{page:03d}-{i}.png" for i in range(3)] + [f"in/{page:03d}-{i}.txt" for i in range(3)]

    with pytest.raises(ManifestError) as caught:
        build_manifest(
            io.StringIO(), pages(), bucket="bkt", prefix="in/", data_type=data_type,
            open_object=lambda key: io.BytesIO(b"t"), deadline=Deadline(finish_by=clock() + 3.5, clock=clock),
        )  # fmt: skip
    assert str(caught.value).startswith(
        "s3://bkt/in/: stopped while listing, after 3 pages of keys, to end before this function's "
        "time limit; " + SPLIT_ADVICE
    )


def test_deadline_from_remaining_time_keeps_the_safety_margin() -> None:
    clock = FakeClock()
    deadline = Deadline.from_remaining(600, clock=clock)
    assert deadline.seconds_left() == 600 - DEADLINE_SAFETY_SECONDS
    clock.advance(100)
    assert deadline.seconds_left() == 500 - DEADLINE_SAFETY_SECONDS
