"""What every export writer shares: the interface, file names for images, copying pulled images."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Protocol

from tools.results.model import Item
from tools.results.read.jobdir import JobInput

_UNSAFE = re.compile(r"[^\w.-]+")


class Writer(Protocol):
    def write(self, item: Item, raw: bytes, split: str | None) -> None: ...

    def close(self) -> list[Path]: ...


class ImageNames:
    """One safe, unique file name per object, derived from its source key.

    Keys are user data (spaces, slashes, odd Unicode such as zero-width spaces), and two prefixes
    may hold the same base name, so names are cleaned and, on a clash, prefixed with the
    object's index.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def name(self, item: Item) -> str:
        base = (item.source_ref or "").rsplit("/", 1)[-1]
        cleaned = _UNSAFE.sub("_", base).strip("._") or f"object-{item.index}"
        if cleaned in self._used:
            cleaned = f"{item.index}_{cleaned}"
        self._used.add(cleaned)
        return cleaned


def stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def copy_source(job: JobInput, item: Item, target: Path) -> bool:
    """Put the pulled input image at `target` (a hard link when possible); False if not pulled."""
    source = job.local_source(item.source_ref)
    if source is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return True


def number(value: float) -> str:
    """A coordinate as JSON/text: integral values without a trailing .0."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(value)
