"""S3 object keys <-> local file paths that work on Linux, macOS and Windows alike.

Ground Truth writes file names that Windows cannot hold: worker responses and segmentation masks
are named after timestamps such as `2026-11-22T10:15:30.123Z.json`. Each path segment of a key
is therefore stored with these characters percent-encoded (as in URLs), on every system, so a
pulled folder can be copied between machines:

- `%` itself (so the mapping can be undone), the characters Windows forbids in names
  (`< > : " \\ | ? *`) and control characters: `:` -> `%3A`, `%` -> `%25`, `?` -> `%3F`;
- a trailing dot or space of a segment (Windows drops them): `name.` -> `name%2E`;
- the segments `.` and `..` and an empty segment (`a//b`), which would name another folder:
  `%2E`, `%2E%2E`, and `%2F` for the empty one;
- device names Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any extension):
  their first letter is encoded, `CON.txt` -> `%43ON.txt`.

`urllib.parse.unquote` of a local path (joined with `/`) gives the key back, except for the
empty-segment case, which `key_for_local_path` undoes as well.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

_WINDOWS_FORBIDDEN = '<>:"\\|?*'
_ENCODE = {ord(c): f"%{ord(c):02X}" for c in "%" + _WINDOWS_FORBIDDEN}
_ENCODE.update({code: f"%{code:02X}" for code in range(32)})
_ENCODE[127] = "%7F"
_RESERVED_STEMS = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in range(1, 10)} | {f"LPT{n}" for n in range(1, 10)}
)
_EMPTY_SEGMENT = "%2F"


def local_segment(segment: str) -> str:
    """One key segment (between slashes) as a file or folder name valid on every system."""
    if segment == "":
        return _EMPTY_SEGMENT
    if segment in (".", ".."):
        return "%2E" * len(segment)
    name = segment.translate(_ENCODE)
    if name[-1] in ". ":
        name = name[:-1] + f"%{ord(name[-1]):02X}"
    if name.split(".", 1)[0].upper() in _RESERVED_STEMS:
        name = f"%{ord(name[0]):02X}{name[1:]}"
    return name


def local_relative_path(key: str) -> str:
    """An S3 key as a relative local path with `/` separators, e.g. `a/b:c.json` -> `a/b%3Ac.json`."""
    return "/".join(local_segment(segment) for segment in key.split("/"))


def local_path(root: Path, key: str) -> Path:
    """Where the object `key` is stored under `root`; never outside `root`."""
    return root.joinpath(*local_relative_path(key).split("/"))


def key_for_local_path(relative: str) -> str:
    """The inverse of `local_relative_path`."""
    return "/".join("" if part == _EMPTY_SEGMENT else unquote(part) for part in relative.split("/"))


def source_path(sources: Path, uri: str) -> Path:
    """`s3://bucket/key` -> `<sources>/<bucket>/<key as a local path>`."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return local_path(sources / local_segment(bucket), key)
