"""Check a request against botocore's SageMaker model: what botocore itself skips client-side
(docs/ground-truth.md#create-labeling-job).

botocore validates `required`, types and `min` only; the service rejects the rest (max lengths,
numeric maxima, patterns, enums) much later and less readably. This walker checks all of them.
Standard library only: pass the parsed service JSON, or let `load_sagemaker_model` import
botocore lazily (it is on the Lambda runtime and in the dev venv).

The model's patterns are Java regexes, fully matched. Translation to Python `re`:
- `\\p{L}`, `\\p{N}`, `\\p{Z}`, `\\p{M}`, `\\p{P}`, `\\p{S}`, `\\p{C}` (Unicode general categories) become
explicit code-point ranges built from `unicodedata`; `\\p{Alnum}` and the other POSIX names become
their ASCII sets (Java's default);
- a surrogate pair written as two `\\u` escapes becomes the one code point Java means;
- `.` becomes "any character but a line terminator", as in Java;
- `\\d`, `\\w`, `\\s` are ASCII in Java by default, so patterns compile with `re.ASCII`.
Patterns that still fail to compile (nested classes, `&&`, an unknown `\\p{..}`, e.g. a model's
`${1,128}` quirk) are skipped; a test lists them, so a model update that adds one is noticed.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .errors import Violation
from .naming import contains_placeholder

_JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Graph": "\\x21-\\x7e",
    "Print": "\\x20-\\x7e",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}
_GENERAL_CATEGORIES = "LMNPSZC"


@lru_cache(maxsize=1)
def _category_ranges() -> dict[str, list[tuple[int, int]]]:
    """Code-point ranges per one-letter general category (one pass over Unicode, ~0.5 s, cached)."""
    ranges: dict[str, list[tuple[int, int]]] = {c: [] for c in _GENERAL_CATEGORIES}
    start, current = 0, unicodedata.category("\x00")[0]
    for code in range(1, sys.maxunicode + 1):
        category = unicodedata.category(chr(code))[0]
        if category != current:
            ranges[current].append((start, code - 1))
            start, current = code, category
    ranges[current].append((start, sys.maxunicode))
    return ranges


def _class_body(name: str) -> str | None:
    """The inside of a character class equivalent to `\\p{name}`, or None if unknown."""
    if name in _POSIX_CLASSES:
        return _POSIX_CLASSES[name]
    key = name[2:] if name.startswith("Is") else name
    if len(key) == 1 and key in _GENERAL_CATEGORIES:
        return "".join(
            f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in _category_ranges()[key]
        )
    return None


_SURROGATE_PAIR_RE = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)


def _join_surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(1), 16), int(match.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"


def translate_java_regex(pattern: str) -> str | None:
    """A Python pattern equivalent to a Java one, or None if it uses what we do not translate."""
    source = _SURROGATE_PAIR_RE.sub(_join_surrogates, pattern)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt in "pP" and source[i + 2 : i + 3] == "{":
                end = source.find("}", i)
                body = _class_body(source[i + 3 : end]) if end > 0 else None
                if body is None or (nxt == "P" and in_class):
                    return None
                if in_class:
                    out.append(body)
                else:
                    out.append(f"[{'^' if nxt == 'P' else ''}{body}]")
                i = end + 1
                continue
            if nxt in "QEGZzhHvVRX":  # Java-only escapes we do not translate
                return None
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "[" or source.startswith("&&", i):
                return None  # nested classes and intersections are Java-only
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            # A leading `^` and a `]` right after the opening bracket belong to the class.
            if source[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if source[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
        elif char == ".":
            out.append(_JAVA_DOT)
        else:
            out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def compile_java_regex(pattern: str) -> re.Pattern[str] | None:
    translated = translate_java_regex(pattern)
    if translated is None:
        return None
    try:
        return re.compile(translated, re.ASCII)
    except re.error:
        return None


def load_sagemaker_model() -> dict[str, Any]:
    """The SageMaker service JSON shipped with botocore (imported here so the module stays stdlib)."""
    import botocore.session  # lazy: keeps this module standard-library only

    loader = botocore.session.get_session().get_component("data_loader")
    return dict(loader.load_service_model("sagemaker", "service-2"))


def service_model_violations(
    request: dict[str, Any], operation: str = "CreateLabelingJob", model: dict[str, Any] | None = None
) -> list[Violation]:
    """Every constraint of the operation's input shape that `request` breaks."""
    model = model if model is not None else load_sagemaker_model()
    shape_name = model["operations"][operation]["input"]["shape"]
    violations: list[Violation] = []
    _walk(model["shapes"], shape_name, request, "", violations)
    return violations


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


def _walk(shapes: Mapping[str, Any], name: str, value: Any, path: str, out: list[Violation]) -> None:
    shape = shapes[name]
    kind = shape["type"]
    where = path or name
    if kind == "structure":
        if not isinstance(value, Mapping):
            out.append(Violation(where, value, f"must be a structure ({name})"))
            return
        members = shape.get("members", {})
        out.extend(
            Violation(_join(path, m), None, f"is required by {name}")
            for m in shape.get("required", [])
            if m not in value
        )
        for key, item in value.items():
            if key not in members:
                out.append(Violation(_join(path, key), item, f"is not a member of {name}"))
            else:
                _walk(shapes, members[key]["shape"], item, _join(path, key), out)
        return
    if kind == "list":
        if not isinstance(value, list | tuple):
            out.append(Violation(where, value, f"must be a list ({name})"))
            return
        _check_range(shape, len(value), where, value, "items", out)
        for index, item in enumerate(value):
            _walk(shapes, shape["member"]["shape"], item, f"{where}[{index}]", out)
        return
    if kind == "map":
        if not isinstance(value, Mapping):
            out.append(Violation(where, value, f"must be a map ({name})"))
            return
        _check_range(shape, len(value), where, value, "entries", out)
        for key, item in value.items():
            _walk(shapes, shape["key"]["shape"], key, f"{where}[{key!r}]", out)
            _walk(shapes, shape["value"]["shape"], item, f"{where}[{key!r}]", out)
        return
    if kind == "string":
        _check_string(shape, name, value, where, out)
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(Violation(where, value, f"must be a whole number ({name})"))
            return
        _check_value_range(shape, value, where, out)
        return
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(Violation(where, value, f"must be a number ({name})"))
            return
        _check_value_range(shape, value, where, out)
        return
    if kind == "boolean" and not isinstance(value, bool):
        out.append(Violation(where, value, f"must be true or false ({name})"))
    # timestamp, blob: not used by the requests we build; botocore serialises them.


def _check_range(
    shape: Mapping[str, Any], size: int, where: str, value: Any, unit: str, out: list[Violation]
) -> None:
    if "min" in shape and size < shape["min"]:
        out.append(Violation(where, value, f"needs at least {shape['min']} {unit} (got {size})"))
    if "max" in shape and size > shape["max"]:
        out.append(Violation(where, value, f"allows at most {shape['max']} {unit} (got {size})"))


def _check_value_range(shape: Mapping[str, Any], number: float, where: str, out: list[Violation]) -> None:
    if "min" in shape and number < shape["min"]:
        out.append(Violation(where, number, f"must be at least {shape['min']}"))
    if "max" in shape and number > shape["max"]:
        out.append(Violation(where, number, f"must be at most {shape['max']}"))


def _check_string(shape: Mapping[str, Any], name: str, value: Any, where: str, out: list[Violation]) -> None:
    if not isinstance(value, str):
        out.append(Violation(where, value, f"must be a string ({name})"))
        return
    if contains_placeholder(value):
        return  # `${Placeholder}` stands for a deploy-time value: its length and form are unknown
    if "enum" in shape and value not in shape["enum"]:
        out.append(Violation(where, value, "must be one of: " + ", ".join(shape["enum"])))
    before = len(out)
    _check_range(shape, len(value), where, value, "characters", out)
    pattern = shape.get("pattern")
    if pattern and len(out) == before:  # one complaint per value: a wrong length says enough
        compiled = compile_java_regex(pattern)
        if compiled is not None and not compiled.fullmatch(value):
            out.append(Violation(where, value, f"must match the pattern {pattern} ({name})"))
