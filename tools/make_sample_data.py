"""Generate sample_data/: the console walk-throughs' worked examples as a dataset (standard library only).

- fashion/001.png .. 020.png: single-label image classification, 4 classes x 5 images
  (bag 001-005, eyewear 006-010, flipflop 011-015, watch 016-020), 96x96, each class a simple
  recognisable drawing, each image varied a little (position, size, colours, details).
- numbers/1.txt .. 8.txt: one number per file for even/odd text classification (text_objects).
- README.md: what the files are, their labels and how they were made.

Deterministic: no randomness, no clock, and PNG data is stored uncompressed (deflate "stored"
blocks) so the bytes do not depend on which zlib build the machine has; only zlib's checksum
functions are used, and those are fixed by their specifications. Running it twice gives identical
bytes, which tests/unit/test_sample_data.py checks against the committed files.

Usage: python tools/make_sample_data.py [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

RGB = tuple[int, int, int]

SIZE = 96
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sample_data"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_STORED_BLOCK_MAX = 65_535

# (class name, label shown to workers, first image number, what is drawn); 5 images each.
FASHION_CLASSES: tuple[tuple[str, str, int, str], ...] = (
    ("bag", "Bag", 1, "handbag: rounded body, handle, flap seam, gold clasp"),
    ("eyewear", "Eyewear", 6, "glasses: two framed lenses, bridge, temples"),
    ("flipflop", "Flipflop", 11, "flip-flop seen from above: sole, V strap, toe post"),
    ("watch", "Watch", 16, "wristwatch: strap, round case, dial with hands, crown"),
)
IMAGES_PER_CLASS = 5
# Seed example 3 gives 42, 19, 21; the rest extend it to four even and four odd.
NUMBERS: tuple[int, ...] = (42, 19, 21, 8, 77, 100, 3, 56)


# --- PNG encoding -------------------------------------------------------------------------------


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _zlib_stored(data: bytes) -> bytes:
    """A zlib stream of uncompressed deflate blocks (RFC 1950/1951): same bytes on every machine."""
    out = bytearray(b"\x78\x01")  # deflate, 32 KiB window, no preset dictionary, check bits valid
    for start in range(0, max(len(data), 1), _STORED_BLOCK_MAX):
        block = data[start : start + _STORED_BLOCK_MAX]
        final = start + _STORED_BLOCK_MAX >= len(data)
        out += bytes([1 if final else 0]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    out += struct.pack(">I", zlib.adler32(data))
    return bytes(out)


def png_bytes(width: int, height: int, palette: list[RGB], pixels: bytes) -> bytes:
    """An 8-bit palette PNG: `pixels` holds one palette index per pixel, row by row."""
    if len(pixels) != width * height or not 1 <= len(palette) <= 256:
        raise ValueError("pixels must be width*height palette indices and the palette 1-256 colours")
    rows = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))  # filter 0
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # depth 8, colour type 3 (palette)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
        + _chunk(b"IDAT", _zlib_stored(rows))
        + _chunk(b"IEND", b"")
    )


# --- drawing ------------------------------------------------------------------------------------


class Canvas:
    """Palette pixels; shapes are tested at pixel centres, so drawing is exact and repeatable."""

    def __init__(self, size: int, background: RGB) -> None:
        self.size = size
        self.palette: list[RGB] = [background]
        self.pixels = bytearray(size * size)

    def _index(self, colour: RGB) -> int:
        if colour not in self.palette:
            self.palette.append(colour)
        return self.palette.index(colour)

    def fill(
        self, inside: Callable[[float, float], bool], colour: RGB, box: tuple[float, float, float, float]
    ) -> None:
        """Colour the pixels whose centres are `inside`; only those within `box` are tested (speed)."""
        index = self._index(colour)
        x0, y0, x1, y1 = (
            max(0, min(self.size, math.floor(v) + d)) for v, d in zip(box, (-1, -1, 2, 2), strict=True)
        )
        for y in range(y0, y1):
            for x in range(x0, x1):
                if inside(x + 0.5, y + 0.5):
                    self.pixels[y * self.size + x] = index

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, colour: RGB) -> None:
        self.fill(
            lambda x, y: ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0,
            colour,
            (cx - rx, cy - ry, cx + rx, cy + ry),
        )

    def ring(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        width: float,
        colour: RGB,
        keep: Callable[[float, float], bool] = lambda x, y: True,
    ) -> None:
        def inside(x: float, y: float) -> bool:
            outer = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0
            inner = ((x - cx) / (rx - width)) ** 2 + ((y - cy) / (ry - width)) ** 2 < 1.0
            return outer and not inner and keep(x, y)

        self.fill(inside, colour, (cx - rx, cy - ry, cx + rx, cy + ry))

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: RGB, radius: float = 0.0) -> None:
        def inside(x: float, y: float) -> bool:
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                return False
            # Rounded corners: outside the corner circle counts as outside.
            dx = max(x0 + radius - x, 0.0, x - (x1 - radius))
            dy = max(y0 + radius - y, 0.0, y - (y1 - radius))
            return dx * dx + dy * dy <= radius * radius if dx and dy else True

        self.fill(inside, colour, (x0, y0, x1, y1))

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float, colour: RGB) -> None:
        length2 = (x1 - x0) ** 2 + (y1 - y0) ** 2

        def inside(x: float, y: float) -> bool:
            t = (
                0.0
                if length2 == 0
                else max(0.0, min(1.0, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / length2))
            )
            px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2

        half = width / 2
        self.fill(
            inside, colour, (min(x0, x1) - half, min(y0, y1) - half, max(x0, x1) + half, max(y0, y1) + half)
        )

    def png(self) -> bytes:
        return png_bytes(self.size, self.size, self.palette, bytes(self.pixels))


# Five light backgrounds and small offsets: each image differs, each class stays obvious.
BACKGROUNDS: tuple[RGB, ...] = (
    (246, 244, 238),
    (236, 242, 247),
    (244, 238, 244),
    (238, 246, 238),
    (250, 250, 250),
)
OFFSETS: tuple[tuple[int, int], ...] = ((0, 0), (-4, 2), (3, -3), (-2, -4), (4, 3))
DARK: RGB = (40, 40, 48)


def draw_bag(variant: int) -> Canvas:
    canvas = Canvas(SIZE, BACKGROUNDS[variant])
    dx, dy = OFFSETS[variant]
    body: RGB = ((139, 69, 19), (178, 34, 34), (35, 35, 35), (205, 133, 63), (110, 40, 120))[variant]
    half_w = 26 + 2 * (variant % 3)
    top, bottom = 40 + dy, 80 + dy
    cx = 48 + dx
    # Handle: the upper half of a ring standing on the body.
    canvas.ring(cx, top + 2, 17, 18, 4, body, keep=lambda x, y: y <= top + 2)
    canvas.rect(cx - half_w, top, cx + half_w, bottom, body, radius=6)
    canvas.rect(cx - half_w, top + 10, cx + half_w, top + 13, DARK)  # flap seam
    canvas.rect(cx - 4, top + 9, cx + 4, top + 17, (218, 165, 32), radius=1.5)  # gold clasp
    return canvas


def draw_eyewear(variant: int) -> Canvas:
    canvas = Canvas(SIZE, BACKGROUNDS[variant])
    dx, dy = OFFSETS[variant]
    lens: RGB = ((170, 210, 235), (60, 60, 70), (200, 200, 200), (120, 80, 40), (90, 140, 90))[variant]
    frame: RGB = (DARK, (20, 20, 20), (160, 30, 30), DARK, (30, 60, 140))[variant]
    radius = 14 + (variant % 2) * 2
    cy = 50 + dy
    left, right = 29 + dx, 67 + dx
    canvas.line(left - radius, cy - 2, left - radius - 8, cy - 12, 3, frame)  # temples
    canvas.line(right + radius, cy - 2, right + radius + 8, cy - 12, 3, frame)
    for cx in (left, right):
        canvas.ellipse(cx, cy, radius, radius - 2, lens)
        canvas.ring(cx, cy, radius, radius - 2, 3, frame)
    canvas.line(left + radius - 2, cy - 3, right - radius + 2, cy - 3, 3, frame)  # bridge
    return canvas


def draw_flipflop(variant: int) -> Canvas:
    canvas = Canvas(SIZE, BACKGROUNDS[variant])
    dx, dy = OFFSETS[variant]
    sole: RGB = ((255, 140, 0), (30, 144, 255), (46, 139, 87), (255, 105, 180), (238, 201, 0))[variant]
    strap: RGB = (DARK, (250, 250, 250), DARK, (120, 0, 60), (0, 90, 160))[variant]
    cx, cy = 48 + dx, 50 + dy
    canvas.ellipse(cx, cy - 12, 19, 24, sole)  # wide front of the foot
    canvas.ellipse(cx, cy + 18, 15, 22, sole)  # narrower heel
    toe_y = cy - 24
    canvas.line(cx, toe_y, cx - 16, cy + 4, 5, strap)
    canvas.line(cx, toe_y, cx + 16, cy + 4, 5, strap)
    canvas.ellipse(cx, toe_y, 3.5, 3.5, strap)  # toe post
    return canvas


def draw_watch(variant: int) -> Canvas:
    canvas = Canvas(SIZE, BACKGROUNDS[variant])
    dx, dy = OFFSETS[variant]
    strap: RGB = ((101, 67, 33), DARK, (25, 25, 112), (128, 128, 128), (139, 0, 0))[variant]
    case: RGB = ((192, 192, 192), (218, 165, 32), (192, 192, 192), DARK, (218, 165, 32))[variant]
    cx, cy = 48 + dx, 48 + dy
    canvas.rect(cx - 11, 0, cx + 11, SIZE, strap, radius=3)
    canvas.rect(cx + 22, cy - 3, cx + 28, cy + 3, case, radius=1)  # crown
    canvas.ellipse(cx, cy, 24, 24, case)
    canvas.ellipse(cx, cy, 19, 19, (252, 252, 252))
    for tick in range(12):  # hour marks
        angle = tick * math.pi / 6
        canvas.line(
            cx + 15 * math.sin(angle), cy - 15 * math.cos(angle), cx + 17.5 * math.sin(angle),
            cy - 17.5 * math.cos(angle), 1.6, DARK,
        )  # fmt: skip
    hours, minutes = ((10, 10), (1, 50), (7, 20), (4, 0), (6, 15))[variant]
    hour_angle = (hours % 12 + minutes / 60) * math.pi / 6
    minute_angle = minutes * math.pi / 30
    canvas.line(cx, cy, cx + 10 * math.sin(hour_angle), cy - 10 * math.cos(hour_angle), 3, DARK)
    canvas.line(cx, cy, cx + 15 * math.sin(minute_angle), cy - 15 * math.cos(minute_angle), 2, DARK)
    return canvas


DRAWERS: dict[str, Callable[[int], Canvas]] = {
    "bag": draw_bag,
    "eyewear": draw_eyewear,
    "flipflop": draw_flipflop,
    "watch": draw_watch,
}


# --- the dataset --------------------------------------------------------------------------------


def fashion_labels() -> dict[str, str]:
    """Image file name -> label, e.g. {"001.png": "Bag", ...}."""
    return {
        f"{first + variant:03d}.png": label
        for _, label, first, _ in FASHION_CLASSES
        for variant in range(IMAGES_PER_CLASS)
    }


def readme() -> str:
    fashion_rows = "\n".join(
        f"| `{first:03d}.png`-`{first + IMAGES_PER_CLASS - 1:03d}.png` | {label} | {drawing} |"
        for _, label, first, drawing in FASHION_CLASSES
    )
    number_rows = "\n".join(
        f"| `{i}.txt` | {n} | {'Even' if n % 2 == 0 else 'Odd'} |" for i, n in enumerate(NUMBERS, start=1)
    )
    return f"""# Sample data

Generated by `tools/make_sample_data.py` (standard library only, deterministic: running it again
gives the same bytes; a test checks the committed files against it). Do not edit these files by
hand: change the tool and run `python tools/make_sample_data.py`.

They are the worked examples the project was specified from (the course's fashion images and the
blog's even/odd numbers), ready to upload to a bucket and label with this stack.

## fashion/: single-label image classification

20 PNG images, {SIZE}x{SIZE}, 5 per class, balanced. The course used JPEGs of real products; these
are simple drawings, one recognisable shape per class and a little variation per image (position,
size, colours, details), so the expected label is never in doubt. Labels: `Bag`, `Eyewear`,
`Flipflop`, `Watch`.

| Files | Label | Drawing |
|---|---|---|
{fashion_rows}

Use with data type `images` (the manifest gets one `source-ref` line per image). The PNG data is
stored uncompressed so the bytes never depend on the zlib build (about 9 KB per image).

## numbers/: single-label text classification

8 text files, one number each, no trailing newline. Labels: `Even`, `Odd`; instruction
"Classify the number as even or odd". Use with data type `text_objects`: the manifest inlines each
file's text (`{{"source": "42"}}`), not its S3 URI.

| File | Text | Label |
|---|---|---|
{number_rows}

## Uploading

```
aws s3 sync sample_data/fashion s3://<input-bucket>/fashion/
aws s3 sync sample_data/numbers s3://<input-bucket>/numbers/
```
"""


def generate() -> dict[str, bytes]:
    """Every file of sample_data/, as path relative to it (POSIX) -> bytes."""
    files: dict[str, bytes] = {"README.md": readme().encode()}
    for name, _, first, _ in FASHION_CLASSES:
        for variant in range(IMAGES_PER_CLASS):
            files[f"fashion/{first + variant:03d}.png"] = DRAWERS[name](variant).png()
    for i, number in enumerate(NUMBERS, start=1):
        files[f"numbers/{i}.txt"] = str(number).encode()
    return files


def differences(out: Path, files: dict[str, bytes]) -> list[str]:
    """Paths (relative) whose committed bytes are missing or differ from `files`."""
    return [
        rel for rel, data in files.items() if not (out / rel).is_file() or (out / rel).read_bytes() != data
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_data/)")
    parser.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    args = parser.parse_args(argv)
    files = generate()
    if args.check:
        stale = differences(args.out, files)
        for rel in stale:
            print(f"differs: {rel}", file=sys.stderr)
        return 1 if stale else 0
    for rel, data in files.items():
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
