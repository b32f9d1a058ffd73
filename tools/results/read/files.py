"""The label files a job writes beside its manifest: segmentation masks, sequence files, point labels.

Masks are decoded by their `internal-color-map` hex colours, not by palette index: AWS documented
that jobs of mid-2020 wrote wrong palette indices while the colours were right
(https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html, semantic segmentation).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from tools.results import extras

# A numpy array of one integer per pixel. numpy is an extra installed on first use, and reading
# its type stubs would add a second to every cold type check, so arrays are typed Any here.
PixelArray = Any


class FileProblem(Exception):
    """What is wrong with one label file; the caller names the manifest line."""


def load_json_object(path: Path) -> dict[str, object]:
    try:
        parsed = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise FileProblem(f"not readable as JSON ({error})") from None
    if not isinstance(parsed, dict):
        raise FileProblem("a JSON object expected")
    return parsed


def _rgb_code(hex_colour: str) -> int | None:
    digits = hex_colour.lstrip("#")
    if len(digits) != 6:
        return None
    try:
        return int(digits, 16)
    except ValueError:
        return None


def mask_codes(path: Path) -> PixelArray:
    """The mask as one 24-bit RGB code per pixel (H x W, int32)."""
    np = extras.require("numpy")
    image_module = extras.require("PIL.Image")
    try:
        with image_module.open(path) as image:
            rgb = np.asarray(image.convert("RGB"), dtype=np.int32)
    except (OSError, ValueError) as error:
        raise FileProblem(f"not a readable PNG ({error})") from None
    codes: PixelArray = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
    return codes


def mask_class_pixels(path: Path, colours: dict[str, str]) -> dict[str, int]:
    """Pixels per class index (only classes present), matching pixels to the map's hex colours."""
    np = extras.require("numpy")
    codes = mask_codes(path)
    values, counts = np.unique(codes, return_counts=True)
    by_code = {int(code): int(count) for code, count in zip(values, counts, strict=True)}
    found = {}
    for index, colour in colours.items():
        code = _rgb_code(colour)
        if code is not None and by_code.get(code):
            found[index] = by_code[code]
    return found


def class_masks(path: Path, colours: dict[str, str]) -> dict[str, PixelArray]:
    """A boolean H x W mask per class index present in the PNG."""
    codes = mask_codes(path)
    masks = {}
    for index, colour in colours.items():
        code = _rgb_code(colour)
        if code is None:
            continue
        mask = codes == code
        if mask.any():
            masks[index] = mask
    return masks


def point_class_counts(path: Path, classes: list[int]) -> dict[int, int]:
    """Points per class of a 3D semantic segmentation label file (zlib of one byte per point)."""
    try:
        data = zlib.decompress(path.read_bytes())
    except (OSError, zlib.error) as error:
        raise FileProblem(f"not a zlib-compressed label array ({error})") from None
    counts = {}
    for index in classes:
        if 0 <= index < 256:
            count = data.count(bytes([index]))
            if count:
                counts[index] = count
    return counts
