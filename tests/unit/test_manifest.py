"""gt_rules.manifest: key selection and manifest lines, fed in-memory listing pages and streams.

The same behaviour end to end against moto S3 is in tests/handlers/test_manifest_handler.py.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator

import pytest

from gt_rules import manifest
from gt_rules.manifest import (
    MAX_ATTRIBUTE_CHARS,
    SUPPORTED_EXTENSIONS,
    ManifestError,
    build_manifest,
    digest_properties,
    manifest_key,
    parse_selection,
    select_keys,
)


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


def test_extensions_match_task_types() -> None:
    task_types = pytest.importorskip("gt_rules.task_types")
    theirs = {name: tuple(exts) for name, exts in task_types.DATA_TYPE_EXTENSIONS.items()}
    assert {k: set(v) for k, v in SUPPORTED_EXTENSIONS.items()} == {k: set(v) for k, v in theirs.items()}


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
    assert str(caught.value) == "s3://bkt/in/: 7 objects exceed the task type's quota of 3 (§4.1)"
    # Across listing pages: the total still counts every page, including those after the overflow.
    with pytest.raises(ManifestError, match=r": 7 objects exceed the task type's quota of 3 "):
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
            open_object=open_object, max_objects=3,
        )  # fmt: skip
    assert opened == ["in/a.txt", "in/b.txt"]  # c.txt never read


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
