"""`--format manifest`: the augmented manifest itself, filtered and/or split, every line intact.

SageMaker training (Pipe mode, `AttributeNames`) and Amazon Rekognition Custom Labels read Ground
Truth output lines as they are, so nothing is rewritten: lines are copied byte for byte, and
only the ones without a usable label for the chosen attribute (failed, unlabeled) are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from tools.results.model import Item


class ManifestWriter:
    def __init__(self, out: Path, splits: tuple[str, ...] | None) -> None:
        out.mkdir(parents=True, exist_ok=True)
        names = splits or ("output",)
        self._paths = {name: out / f"{name}.manifest" for name in names}
        self._files: dict[str, BinaryIO] = {name: path.open("wb") for name, path in self._paths.items()}

    def write(self, item: Item, raw: bytes, split: str | None) -> None:
        handle = self._files[split or "output"]
        handle.write(raw if raw.endswith(b"\n") else raw + b"\n")

    def close(self) -> list[Path]:
        for handle in self._files.values():
            handle.close()
        return list(self._paths.values())
