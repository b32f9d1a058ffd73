"""sample_data/: valid PNGs, the expected files and labels, and exactly what the generator makes."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest

from gt_rules.manifest import build_manifest
from tools import make_sample_data as gen

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
GENERATED = gen.generate()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking the signature, lengths and each CRC on the way."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    chunks = []
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        tag = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        assert len(body) == length, f"{tag!r} truncated"
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(tag + body), f"{tag!r} CRC"
        chunks.append((tag, body))
        offset += 12 + length
    assert offset == len(data)
    return chunks


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]], bytes]:
    """width, height, palette and the palette-index pixels of one of our PNGs."""
    chunks = png_chunks(data)
    tags = [tag for tag, _ in chunks]
    assert tags[0] == b"IHDR" and tags[-1] == b"IEND" and b"IDAT" in tags
    width, height, depth, colour_type, compression, filter_method, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, colour_type, compression, filter_method, interlace) == (8, 3, 0, 0, 0)
    plte = next(body for tag, body in chunks if tag == b"PLTE")
    assert len(plte) % 3 == 0 and 1 <= len(plte) // 3 <= 256
    palette = [tuple(plte[i : i + 3]) for i in range(0, len(plte), 3)]
    raw = zlib.decompress(b"".join(body for tag, body in chunks if tag == b"IDAT"))  # checks Adler-32
    assert len(raw) == height * (width + 1)
    rows = [raw[y * (width + 1) : (y + 1) * (width + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows), "filter type 0 on every row"
    pixels = b"".join(row[1:] for row in rows)
    assert max(pixels) < len(palette)
    return width, height, palette, pixels  # type: ignore[return-value]


def test_committed_files_are_exactly_what_the_generator_makes() -> None:
    committed = {
        path.relative_to(SAMPLE_DIR).as_posix(): path.read_bytes()
        for path in SAMPLE_DIR.rglob("*")
        if path.is_file()
    }
    assert sorted(committed) == sorted(GENERATED), "run: python tools/make_sample_data.py"
    stale = [rel for rel in GENERATED if committed[rel] != GENERATED[rel]]
    assert stale == [], "run: python tools/make_sample_data.py"
    assert gen.differences(SAMPLE_DIR, GENERATED) == []


def test_generating_twice_gives_identical_bytes() -> None:
    assert gen.generate() == GENERATED


def test_check_mode_reports_a_changed_file(tmp_path: Path) -> None:
    assert gen.main(["--out", str(tmp_path)]) == 0
    assert gen.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "fashion" / "007.png").write_bytes(b"not a png")
    assert gen.main(["--out", str(tmp_path), "--check"]) == 1


def test_twenty_fashion_images_four_balanced_classes() -> None:
    names = sorted(rel for rel in GENERATED if rel.startswith("fashion/"))
    assert names == [f"fashion/{i:03d}.png" for i in range(1, 21)]
    labels = gen.fashion_labels()
    assert [labels[f"{i:03d}.png"] for i in (1, 5, 6, 10, 11, 15, 16, 20)] == [
        "Bag", "Bag", "Eyewear", "Eyewear", "Flipflop", "Flipflop", "Watch", "Watch",
    ]  # fmt: skip
    assert sorted(labels.values()).count("Bag") == 5 and len(set(labels.values())) == 4


@pytest.mark.parametrize("name", [f"fashion/{i:03d}.png" for i in range(1, 21)])
def test_every_image_is_a_valid_small_png(name: str) -> None:
    width, height, palette, pixels = decode_png(GENERATED[name])
    assert (width, height) == (gen.SIZE, gen.SIZE) == (96, 96)
    # A drawing on a background: neither blank (>= 5 % drawn) nor all shape (>= 30 % background).
    background_share = pixels.count(0) / len(pixels)
    assert 0.3 < background_share < 0.95
    assert len(palette) >= 3
    # docs/ground-truth.md#input-formats image size limit, trivially
    assert len(GENERATED[name]) < 40 * 1024 * 1024


def test_every_image_differs_from_every_other() -> None:
    digests = {hashlib.sha256(GENERATED[f"fashion/{i:03d}.png"]).hexdigest() for i in range(1, 21)}
    assert len(digests) == 20


def test_classes_look_different_from_each_other() -> None:
    # Each class's drawn area has its own shape: compare the mean covered fraction per class.
    coverage = {}
    for name, _, first, _ in gen.FASHION_CLASSES:
        shares = []
        for i in range(first, first + gen.IMAGES_PER_CLASS):
            _, _, _, pixels = decode_png(GENERATED[f"fashion/{i:03d}.png"])
            shares.append(1 - pixels.count(0) / len(pixels))
        coverage[name] = sum(shares) / len(shares)
    # Glasses are thin lines; the watch strap runs the full height: they differ most.
    assert coverage["eyewear"] < coverage["bag"] and coverage["eyewear"] < coverage["watch"]


def test_numbers_are_the_blog_example_extended_to_four_even_four_odd() -> None:
    texts = [GENERATED[f"numbers/{i}.txt"].decode() for i in range(1, 9)]
    assert texts[:3] == ["42", "19", "21"]
    values = [int(t) for t in texts]
    assert sum(v % 2 == 0 for v in values) == 4
    assert sorted(rel for rel in GENERATED if rel.startswith("numbers/")) == [
        f"numbers/{i}.txt" for i in range(1, 9)
    ]


def test_numbers_become_an_inline_text_manifest() -> None:
    # The walk-through's pitfall was URIs in `source` (workers saw the URI): the manifest carries the text.
    sink = io.StringIO()
    keys = [f"numbers/{i}.txt" for i in range(1, 9)]
    stats = build_manifest(
        sink,
        [keys],
        bucket="bkt",
        prefix="numbers/",
        data_type="text_objects",
        open_object=lambda key: io.BytesIO((SAMPLE_DIR / key).read_bytes()),
    )
    assert stats.item_count == 8
    assert sink.getvalue().splitlines()[:3] == ['{"source": "42"}', '{"source": "19"}', '{"source": "21"}']


def test_readme_lists_the_labels() -> None:
    readme = GENERATED["README.md"].decode()
    for label in ("Bag", "Eyewear", "Flipflop", "Watch", "Even", "Odd"):
        assert f"`{label}`" in readme
    assert "make_sample_data.py" in readme
