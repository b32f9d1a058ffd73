"""Each worker's raw answers: `annotations/worker-response/iteration-<n>/<datasetObjectId>/*.json`.

Each file holds `{"answers": [{"workerId", "answerContent", "acceptanceTime", "submissionTime",
"timeSpentInSeconds", "workerMetadata"}]}` (worker metadata is described on
https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html). The `datasetObjectId`
folder is the object's 0-based line index in the manifest, as seen in real output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tools.results.errors import UsageError


@dataclass(frozen=True, slots=True)
class Answer:
    """One worker's answer to one object."""

    object_index: int
    worker: str
    seconds: float | None  # active time; submission minus acceptance when that is all there is
    labels: tuple[str, ...] | None  # the class(es) chosen, for classification templates


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _seconds(answer: dict[str, object]) -> float | None:
    spent = answer.get("timeSpentInSeconds")
    if isinstance(spent, (int, float)) and not isinstance(spent, bool):
        return float(spent)
    accepted, submitted = _timestamp(answer.get("acceptanceTime")), _timestamp(answer.get("submissionTime"))
    if accepted is not None and submitted is not None:
        return (submitted - accepted).total_seconds()
    return None


def answer_labels(content: object) -> tuple[str, ...] | None:
    """The class(es) in a classification answer: the first object with `label` or `labels`.

    Built-in templates answer `{"crowd-image-classifier": {"label": "Bag"}}`, `{"crowd-classifier":
    {...}}` or `{"crowd-image-classifier-multi-select": {"labels": [...]}}`; other answers (boxes,
    masks) have no such object and give None.
    """
    pending = [content]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, dict):
            continue
        label = current.get("label")
        if isinstance(label, str):
            return (label,)
        labels = current.get("labels")
        if isinstance(labels, list) and all(isinstance(entry, str) for entry in labels):
            return tuple(str(entry) for entry in labels)
        pending.extend(value for value in current.values() if isinstance(value, dict))
    return None


def _object_folders(root: Path) -> Iterator[tuple[int, Path]]:
    for iteration in sorted(root.iterdir()):
        if not iteration.is_dir() or not iteration.name.startswith("iteration-"):
            continue
        for folder in sorted(iteration.iterdir()):
            if folder.is_dir() and folder.name.isdigit():
                yield int(folder.name), folder


def iter_answers(root: Path) -> Iterator[Answer]:
    """Every answer under a `worker-response` folder; a broken file is a UsageError naming it."""
    for object_index, folder in _object_folders(root):
        for path in sorted(folder.glob("*.json")):
            try:
                parsed = json.loads(path.read_bytes())
            except (OSError, ValueError) as error:
                raise UsageError(f"{path}: not a worker response (JSON expected: {error})") from None
            answers = parsed.get("answers") if isinstance(parsed, dict) else None
            if not isinstance(answers, list):
                raise UsageError(f"{path}: not a worker response (no 'answers' list)")
            for answer in answers:
                if not isinstance(answer, dict):
                    continue
                worker = answer.get("workerId")
                yield Answer(
                    object_index=object_index,
                    worker=str(worker) if worker is not None else "(unknown)",
                    seconds=_seconds(answer),
                    labels=answer_labels(answer.get("answerContent")),
                )
