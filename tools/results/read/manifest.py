"""Output manifest lines -> `Item`s: one reader per output type, chosen by `<attr>-metadata.type`.

The shapes are those of https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html plus
what real output contains: `failure-reason` lines without a label, confidence written as the
integer 0, class ids as int or string with gaps, `class_map` spelled with an underscore (3D
detection example), empty box lists, and `job-name` as "x" or "labeling-job/x".
Every problem becomes one UsageError naming the file, the line and what is wrong.
"""

from __future__ import annotations

import json
import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tools.results.errors import UsageError
from tools.results.model import TYPE_KINDS, Cuboid, Item, Kind, Label, normalise_type, short_job_name
from tools.results.read import files
from tools.results.read.jobdir import JobInput

METADATA_SUFFIX = "-metadata"
_SUFFIX_LENGTH = len(METADATA_SUFFIX)


class LineProblem(Exception):
    """What is wrong with one line; the caller adds the file and line number."""


@dataclass(frozen=True)
class ReadOptions:
    """`resolve_refs`: open `-ref` files (masks, sequence files) found in the job folder."""

    job: JobInput | None = None
    resolve_refs: bool = True


DEFAULT_OPTIONS = ReadOptions()


def iter_lines(path: Path) -> Iterator[tuple[int, bytes, dict[str, object]]]:
    """(line number, raw bytes, parsed object) for every non-blank line, or a UsageError."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        for line_no, raw in enumerate(handle, 1):
            try:
                parsed = json.loads(raw)
            except ValueError as error:
                if not raw.strip():
                    continue
                detail = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8 text"
                raise UsageError(f"{path}, line {line_no}: not JSON Lines ({detail})") from None
            if not isinstance(parsed, dict):
                raise UsageError(
                    f"{path}, line {line_no}: not JSON Lines (a JSON object per line expected, "
                    f"found {type(parsed).__name__})"
                )
            yield line_no, raw, parsed


def label_attributes(line: dict[str, object]) -> list[str]:
    """Label attributes of a line: keys with a `-metadata` object that has a type or a failure.

    3D point cloud lines also carry `source-ref-metadata` (frame data, no `type`): not a label.
    """
    found = []
    for key, value in line.items():
        if (
            key.endswith(METADATA_SUFFIX)
            and type(value) is dict
            and ("type" in value or "failure-reason" in value)
        ):
            found.append(key[:-_SUFFIX_LENGTH])
    return found


def read_item(
    line: dict[str, object], attribute: str, line_no: int, options: ReadOptions = DEFAULT_OPTIONS
) -> Item | None:
    """The `Item` of `attribute` in `line`, or None when the line has no such attribute."""
    meta = line.get(attribute + METADATA_SUFFIX)
    if not isinstance(meta, dict):
        return None
    source_ref = line.get("source-ref")
    source = line.get("source")
    raw_type = meta.get("type")
    type_name = normalise_type(raw_type) if type(raw_type) is str else ""
    job_name = meta.get("job-name")
    adjustment, human, created = (
        meta.get("adjustment-status"),
        meta.get("human-annotated"),
        meta.get("creation-date"),
    )
    item = Item(
        line_no,
        line_no - 1,
        attribute,
        type_name,
        TYPE_KINDS.get(type_name),
        source_ref if type(source_ref) is str else None,
        source if type(source) is str else None,
        job_name=short_job_name(job_name) if type(job_name) is str else None,
        adjustment_status=adjustment if type(adjustment) is str else None,
        human_annotated=human if type(human) is str else None,
        creation_date=created if type(created) is str else None,
    )
    failure = meta.get("failure-reason")
    if failure is not None:
        item.failure = str(failure)
        item.kind = None
        return item
    if not isinstance(raw_type, str):
        raise LineProblem(f"'{attribute}-metadata' has no 'type' and no 'failure-reason'")
    if item.kind is None:
        known = ", ".join(sorted(TYPE_KINDS))
        raise LineProblem(f"'{attribute}-metadata' has an unknown type '{raw_type}' (known: {known})")
    if attribute not in line:
        raise LineProblem(f"'{attribute}' is missing although '{attribute}-metadata' has type '{raw_type}'")
    item.value = line[attribute]
    _READERS[item.kind](item, item.value, meta, options)
    return item


def read_items(
    path: Path, attribute: str, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[tuple[int, bytes, Item | None]]:
    """(line number, raw line, item or None) for every line of `path`, through one attribute."""
    for line_no, raw, line in iter_lines(path):
        yield line_no, raw, read_line_item(path, line, attribute, line_no, options)


def read_line_item(
    path: Path, line: dict[str, object], attribute: str, line_no: int, options: ReadOptions
) -> Item | None:
    try:
        return read_item(line, attribute, line_no, options)
    except LineProblem as problem:
        raise UsageError(f"{path}, line {line_no}: {problem}") from None


def choose_attribute(
    path: Path,
    found: dict[str, str],
    requested: str | None,
    *,
    interactive: bool | None = None,
    ask: Callable[[str], str] = input,
) -> str:
    """The label attribute to use: the requested one, the only one, or ask (terminal) / refuse."""
    listing = ", ".join(f"{name} ({kind or 'failed'})" for name, kind in found.items())
    if requested is not None:
        if requested not in found:
            raise UsageError(f"{path}: no label attribute '{requested}' (found: {listing or 'none'})")
        return requested
    if not found:
        raise UsageError(f"{path}: no line carries a label attribute (`<attr>` with `<attr>-metadata`)")
    if len(found) == 1:
        return next(iter(found))
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not interactive:
        raise UsageError(f"{path} has several label attributes: {listing}; pick one with --attribute NAME")
    names = list(found)
    print(f"{path} has several label attributes:")
    for number, name in enumerate(names, 1):
        print(f"  {number}. {name} ({found[name] or 'failed'})")
    answer = ask("Which one (number or name)? ").strip()
    if answer.isdigit() and 1 <= int(answer) <= len(names):
        return names[int(answer) - 1]
    if answer in found:
        return answer
    raise UsageError(f"'{answer}' is not one of: {', '.join(names)}")


# --- one reader per kind ------------------------------------------------------------------------


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object, what: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value  # ints stay ints, so exports write 239, not 239.0
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise LineProblem(f"{what} = {value!r}: a number expected")


def _confidence(value: object) -> float | None:
    # Real output writes 0 (an int) with one worker per object; docs write 0.00.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _class_id(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise LineProblem(f"{what} = {value!r}: a class id (number or string) expected")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _class_map(meta: dict[str, object], attribute: str) -> dict[str, str]:
    # The 3D detection example writes `class_map`; everything else `class-map`.
    raw = meta.get("class-map", meta.get("class_map", {}))
    if not isinstance(raw, dict):
        raise LineProblem(f"'{attribute}-metadata.class-map' = {raw!r}: an object expected")
    # JSON object keys are always strings; names nearly always are: then the map is used as is.
    if all(type(name) is str for name in raw.values()):
        return raw
    return {key: str(name) for key, name in raw.items()}


def _read_classification(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    name = meta.get("class-name")
    if not isinstance(name, str):
        raise LineProblem(f"'{item.attribute}-metadata' has no 'class-name' (type {item.type})")
    feedback = meta.get("worker-feedback")
    if isinstance(feedback, list):
        item.comments = tuple(
            str(entry["comment"]) for entry in feedback if isinstance(entry, dict) and "comment" in entry
        )
    item.labels.append(
        Label(
            name=name,
            class_id=_class_id(value, f"'{item.attribute}'"),
            confidence=_confidence(meta.get("confidence")),
        )
    )


def _read_multilabel(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    if not isinstance(value, list):
        raise LineProblem(f"'{item.attribute}' = {value!r}: a list of class ids expected ({item.type})")
    class_map = _class_map(meta, item.attribute)
    confidences = meta.get("confidence-map", {})
    confidence_map = confidences if isinstance(confidences, dict) else {}
    for raw_id in value:
        class_id = _class_id(raw_id, f"'{item.attribute}' entry")
        if class_id not in class_map:
            raise LineProblem(f"class id {class_id} of '{item.attribute}' is not in its class-map")
        item.labels.append(
            Label(
                name=class_map[class_id],
                class_id=class_id,
                confidence=_confidence(confidence_map.get(class_id)),
            )
        )


def _read_boxes(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    if not isinstance(value, dict):
        raise LineProblem(f"'{item.attribute}' = {value!r}: an object with 'annotations' expected")
    annotations = value.get("annotations")
    if not isinstance(annotations, list):
        raise LineProblem(f"'{item.attribute}.annotations' is missing or not a list")
    sizes = value.get("image_size")
    if isinstance(sizes, list) and sizes and isinstance(sizes[0], dict):
        size = sizes[0]
        width, height, depth = size.get("width"), size.get("height"), size.get("depth", 3)
        if type(width) is int and type(height) is int and type(depth) is int:
            item.image_size = (width, height, depth)
        else:
            item.image_size = (
                int(_number(width, "image_size.width")),
                int(_number(height, "image_size.height")),
                int(_number(depth, "image_size.depth")),
            )
    class_map = _class_map(meta, item.attribute)
    objects = meta.get("objects")
    object_list = objects if isinstance(objects, list) else []
    scored = len(object_list)
    labels = item.labels
    # The hot path of stats and export (100,000 lines of boxes): exact type checks, positional
    # construction; anything unusual falls through to the checked, slower _box_label.
    name_of = class_map.get
    append = labels.append
    fields = _BOX_FIELDS
    for position, box in enumerate(annotations):
        try:
            raw_id, left, top, width, height = fields(box)
            # One sum rejects strings, None, lists and objects (TypeError) at the cost of four
            # additions instead of four type checks; bool passes, as JSON true is a number in Python.
            left + top + width + height + 0.0
        except (KeyError, TypeError):
            append(_box_label(item, position, box, class_map, object_list))
            continue
        if type(raw_id) is not str:
            if type(raw_id) is not int:
                append(_box_label(item, position, box, class_map, object_list))
                continue
            raw_id = str(raw_id)
        confidence = None
        if position < scored:
            score = object_list[position]
            if type(score) is dict:
                value = score.get("confidence")
                confidence = value if type(value) in _PLAIN_NUMBERS else None
        append(Label(name_of(raw_id, raw_id), raw_id, confidence, left, top, width, height))


_BOX_FIELDS = operator.itemgetter("class_id", "left", "top", "width", "height")
_PLAIN_NUMBERS = frozenset({int, float})


def _box_label(
    item: Item, position: int, box: object, class_map: dict[str, str], object_list: list[object]
) -> Label:
    if not isinstance(box, dict):
        raise LineProblem(f"'{item.attribute}.annotations[{position}]' is not an object")
    try:
        class_id = _class_id(box["class_id"], "class_id")
        left, top = _number(box["left"], "left"), _number(box["top"], "top")
        width, height = _number(box["width"], "width"), _number(box["height"], "height")
    except KeyError as missing:
        raise LineProblem(f"'{item.attribute}.annotations[{position}]' has no {missing}") from None
    score = object_list[position] if position < len(object_list) else None
    return Label(
        name=class_map.get(class_id, class_id),
        class_id=class_id,
        confidence=_confidence(score.get("confidence")) if isinstance(score, dict) else None,
        left=left,
        top=top,
        width=width,
        height=height,
    )


def _colour_map(
    meta: dict[str, object], key: str, attribute: str
) -> dict[str, tuple[str, str, float | None]]:
    raw = meta.get(key)
    if not isinstance(raw, dict):
        raise LineProblem(f"'{attribute}-metadata' has no '{key}'")
    colours = {}
    for index, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("class-name"), str):
            raise LineProblem(f"'{attribute}-metadata.{key}.{index}' has no class-name")
        colour = str(entry.get("hex-color", "")).lower()
        colours[str(index)] = (str(entry["class-name"]), colour, _confidence(entry.get("confidence")))
    return colours


def _ref(item: Item, value: object) -> str:
    if not isinstance(value, str):
        raise LineProblem(f"'{item.attribute}' = {value!r}: a file reference (string) expected ({item.type})")
    item.label_ref = value
    return value


def _local_ref(item: Item, uri: str, options: ReadOptions) -> Path | None:
    if not options.resolve_refs:
        return None
    path = options.job.local_output_file(uri) if options.job is not None else None
    item.ref_missing = path is None
    return path


def _read_segmentation(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    uri = _ref(item, value)
    colours = _colour_map(meta, "internal-color-map", item.attribute)
    item.class_colors = {name: colour for name, colour, _ in colours.values()}
    path = _local_ref(item, uri, options)
    if path is None:
        return
    try:
        counts = files.mask_class_pixels(path, {index: colour for index, (_, colour, _) in colours.items()})
    except files.FileProblem as problem:
        raise LineProblem(f"mask {path}: {problem}") from None
    for index, pixels in counts.items():
        name, _, confidence = colours[index]
        item.labels.append(Label(name=name, class_id=index, confidence=confidence, pixels=pixels))


def _read_spans(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    annotations = value.get("annotations") if isinstance(value, dict) else None
    entities = annotations.get("entities") if isinstance(annotations, dict) else None
    if not isinstance(entities, list):
        raise LineProblem(f"'{item.attribute}.annotations.entities' is missing or not a list")
    scores = meta.get("entities")
    score_list = scores if isinstance(scores, list) else []
    for position, entity in enumerate(entities):
        if not isinstance(entity, dict) or not isinstance(entity.get("label"), str):
            raise LineProblem(f"'{item.attribute}.annotations.entities[{position}]' has no label")
        score = score_list[position] if position < len(score_list) else None
        item.labels.append(
            Label(
                name=str(entity["label"]),
                confidence=_confidence(score.get("confidence")) if isinstance(score, dict) else None,
                span=(
                    int(_number(entity.get("startOffset"), "startOffset")),
                    int(_number(entity.get("endOffset"), "endOffset")),
                ),
            )
        )


def _sequence(item: Item, value: object, options: ReadOptions) -> dict[str, object] | None:
    path = _local_ref(item, _ref(item, value), options)
    if path is None:
        return None
    try:
        return files.load_json_object(path)
    except files.FileProblem as problem:
        raise LineProblem(f"sequence file {path}: {problem}") from None


_SHAPE_LISTS = ("annotations", "polygons", "polylines", "keypoints")


def _read_video(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    class_map = _class_map(meta, item.attribute)
    for frame_no, frame in _sequence_frames(item, value, options, frame_key="frame-no"):
        for list_name in _SHAPE_LISTS:
            for shape in _dicts(frame.get(list_name)):
                item.labels.append(_video_label(shape, class_map, frame_no))


def _sequence_frames(
    item: Item, value: object, options: ReadOptions, *, frame_key: str
) -> Iterator[tuple[int, dict[str, object]]]:
    """The frames of a sequence file (SeqLabel.json) with their numbers. Video writes `frame-no`,
    point clouds `frame-number`; either is read, the type's own first."""
    sequence = _sequence(item, value, options)
    if sequence is None:
        return
    frames = sequence.get("tracking-annotations", sequence.get("detection-annotations"))
    if not isinstance(frames, list):
        raise LineProblem(f"sequence file of '{item.attribute}' has no tracking-/detection-annotations list")
    other_key = "frame-number" if frame_key == "frame-no" else "frame-no"
    for frame in _dicts(frames):
        yield int(_number(frame.get(frame_key, frame.get(other_key, 0)), frame_key)), frame


def _dicts(values: object) -> Iterator[dict[str, object]]:
    """The objects of a JSON list (anything else, or a missing list, gives none)."""
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            yield value


def _video_label(shape: dict[str, object], class_map: dict[str, str], frame_no: int) -> Label:
    class_id = _class_id(shape.get("class-id", shape.get("label", "")), "class-id")
    has_box = all(key in shape for key in ("left", "top", "width", "height"))
    left = top = width = height = 0.0
    if has_box:
        left, top = _number(shape["left"], "left"), _number(shape["top"], "top")
        width, height = _number(shape["width"], "width"), _number(shape["height"], "height")
    points = None
    vertices = shape.get("vertices", shape.get("points"))
    if isinstance(vertices, list):
        points = tuple(
            (_number(v.get("x"), "x"), _number(v.get("y"), "y")) for v in vertices if isinstance(v, dict)
        )
    elif "x" in shape and "y" in shape:
        points = ((_number(shape["x"], "x"), _number(shape["y"], "y")),)
    object_id = shape.get("object-id")
    return Label(
        name=class_map.get(class_id, class_id),
        class_id=class_id,
        left=left if has_box else None,
        top=top,
        width=width,
        height=height,
        points=points,
        frame=frame_no,
        object_id=str(object_id) if object_id is not None else None,
    )


def _cuboid_label(shape: dict[str, object], class_map: dict[str, str], frame_no: int | None) -> Label:
    class_id = _class_id(shape.get("class-id", ""), "class-id")
    object_id = shape.get("object-id")
    return Label(
        name=class_map.get(class_id, class_id),
        class_id=class_id,
        frame=frame_no,
        object_id=str(object_id) if object_id is not None else None,
        cuboid=Cuboid(
            center=(
                _number(shape.get("center-x"), "center-x"),
                _number(shape.get("center-y"), "center-y"),
                _number(shape.get("center-z"), "center-z"),
            ),
            size=(
                _number(shape.get("length"), "length"),
                _number(shape.get("width"), "width"),
                _number(shape.get("height"), "height"),
            ),
            yaw=_number(shape.get("yaw", 0), "yaw"),
        ),
    )


def _read_cuboids(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    class_map = _class_map(meta, item.attribute)
    if isinstance(value, dict):  # single-frame detection: cuboids inline
        shapes = value.get("annotations")
        if not isinstance(shapes, list):
            raise LineProblem(f"'{item.attribute}.annotations' is missing or not a list")
        item.labels.extend(
            _cuboid_label(shape, class_map, None) for shape in shapes if isinstance(shape, dict)
        )
        return
    # tracking: one SeqLabel.json per sequence
    for frame_no, frame in _sequence_frames(item, value, options, frame_key="frame-number"):
        shapes = _dicts(frame.get("annotations"))
        item.labels.extend(_cuboid_label(shape, class_map, frame_no) for shape in shapes)


def _read_point_segmentation(
    item: Item, value: object, meta: dict[str, object], options: ReadOptions
) -> None:
    uri = _ref(item, value)
    colours = _colour_map(meta, "color-map", item.attribute)
    item.class_colors = {name: colour for name, colour, _ in colours.values()}
    path = _local_ref(item, uri, options)
    if path is None:
        return
    try:
        counts = files.point_class_counts(path, [int(index) for index in colours if index.isdigit()])
    except files.FileProblem as problem:
        raise LineProblem(f"point labels {path}: {problem}") from None
    for index, points in counts.items():
        name, _, confidence = colours[str(index)]
        item.labels.append(Label(name=name, class_id=str(index), confidence=confidence, pixels=points))


def _read_custom(item: Item, value: object, meta: dict[str, object], options: ReadOptions) -> None:
    # A custom consolidation Lambda writes any JSON; keep it whole (`Item.value`), no labels.
    return None


_READERS: dict[Kind, Callable[[Item, object, dict[str, object], ReadOptions], None]] = {
    Kind.CLASSIFICATION: _read_classification,
    Kind.MULTILABEL: _read_multilabel,
    Kind.BOXES: _read_boxes,
    Kind.SEGMENTATION: _read_segmentation,
    Kind.SPANS: _read_spans,
    Kind.VIDEO: _read_video,
    Kind.CUBOIDS: _read_cuboids,
    Kind.POINT_SEGMENTATION: _read_point_segmentation,
    Kind.CUSTOM: _read_custom,
}
