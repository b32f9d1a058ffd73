"""Configuration errors: one message per problem, naming the environment, the file, the field, the
line it is written on (shown), the value written and the rule. Never a traceback.

tomllib gives no positions for keys, so `ConfigText` finds a key's line with a small scan of the
file's table headers and `key =` lines: best effort (a key inside an inline table or a multi-line
array is found at the line that opens it); a line it cannot find is not mentioned.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gt_rules.errors import MISSING, Violation

# A path into the configuration: table and key names, and list indices.
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceLine:
    """A line of a configuration file, shown under the problem it explains."""

    file: str  # as shown to the user, e.g. config/dev.toml
    number: int  # 1-based
    text: str
    column: int | None = None  # 1-based; a caret is drawn under it
    is_table: bool = False  # the field itself is not written here: this is its table's header

    def render(self, indent: str, *, missing: bool = False) -> list[str]:
        if self.column is not None:
            gutter = f"{indent}  {self.number} | "
            caret = " " * (len(gutter) - 2) + "| " + " " * (self.column - 1) + "^"
            return [f"{indent}{self.file}:{self.number}:{self.column}", gutter + self.text, caret]
        hint = ""
        if self.is_table:
            hint = "   <- the table it belongs in" if missing else "   <- in this table"
        return [f"{indent}{self.file}:{self.number}: {self.text.strip()}{hint}"]


@dataclass(frozen=True)
class Problem:
    """One configuration problem: the broken rule and where it is (or where its value came from)."""

    violation: Violation
    where: SourceLine | None = None
    origin: str | None = None  # for a value not written in the file: where it came from
    headline: str | None = None  # replaces "field = value: rule" (a TOML syntax error has no field)

    def render(self) -> list[str]:
        lines = [f"  - {self.headline or self.violation}"]
        if self.where is not None:
            lines += self.where.render("    ", missing=self.violation.value is MISSING)
        if self.origin:
            lines.append(f"    {self.origin}")
        return lines


class ConfigError(ValueError):
    """Bad configuration. `violations` are the broken rules; the message also shows where."""

    def __init__(
        self, environment: str, problems: Iterable[Violation | Problem], *, file: str | None = None
    ) -> None:
        unique: list[Problem] = []
        seen: set[tuple[str, str, str]] = set()
        for item in problems:
            problem = item if isinstance(item, Problem) else Problem(item)
            key = (problem.violation.field, repr(problem.violation.value), problem.violation.rule)
            if key not in seen:  # one problem is reported once, whichever checks found it
                seen.add(key)
                unique.append(problem)
        self.environment = environment
        self.file = file
        self.problems = unique
        self.violations = [problem.violation for problem in unique]
        count = f"{len(unique)} problem" + ("" if len(unique) == 1 else "s")
        heading = f"Invalid configuration for environment '{environment}': {count}"
        lines = [heading + (f" in {file}" if file else "")]
        for problem in unique:
            lines += problem.render()
        super().__init__("\n".join(lines))


# --- where a field is written ---------------------------------------------------------------

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"\s*\[\[\s*({_DOTTED_KEY})\s*\]\]")
_TABLE_HEADER = re.compile(rf"\s*\[\s*({_DOTTED_KEY})\s*\]")
_KEY_VALUE = re.compile(rf"\s*({_DOTTED_KEY})\s*=")
_PART = re.compile(_KEY_PART)
_MULTILINE_QUOTES = ('"""', "'''")
# A violation's field as the loader writes it: `jobs[0](fashion).input.kind`, `tags['team']`.
_FIELD_TOKEN = re.compile(r"\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]|\([^)]*\)|\.?([^.\[(]+)")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _key_parts(dotted: str) -> list[str]:
    return [part[1:-1] if part[0] in "\"'" else part for part in _PART.findall(dotted)]


def field_path(field_name: str) -> FieldPath:
    """`jobs[0](fashion).input.kind` -> ("jobs", 0, "input", "kind"); the job's name is dropped."""
    path: list[str | int] = []
    for index, quoted, name in _FIELD_TOKEN.findall(field_name):
        if index:
            path.append(int(index))
        elif quoted:
            path.append(str(ast.literal_eval(quoted)))
        elif name:
            path.append(name)
    return tuple(path)


@dataclass(frozen=True)
class _Written:
    number: int
    is_header: bool


def _index_lines(text: str) -> dict[FieldPath, _Written]:
    """Every table header and `key =` line of a TOML text by the path it writes (first wins)."""
    found: dict[FieldPath, _Written] = {}
    last_element: dict[FieldPath, int] = {}  # array of tables -> index of its latest element
    table: FieldPath = ()
    open_quote: str | None = None

    def resolve(parts: list[str]) -> FieldPath:
        resolved: FieldPath = ()
        for part in parts:
            resolved += (part,)
            if resolved in last_element:
                resolved += (last_element[resolved],)
        return resolved

    for number, line in enumerate(text.splitlines(), start=1):
        if open_quote is not None:  # inside a multi-line string: nothing here is a key
            if line.count(open_quote) % 2 == 1:
                open_quote = None
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := _ARRAY_HEADER.match(line):
            *parents, name = _key_parts(match.group(1))
            array = (*resolve(parents), name)
            last_element[array] = last_element.get(array, -1) + 1
            table = (*array, last_element[array])
            found.setdefault(array, _Written(number, True))
            found.setdefault(table, _Written(number, True))
        elif match := _TABLE_HEADER.match(line):
            table = resolve(_key_parts(match.group(1)))
            found.setdefault(table, _Written(number, True))
        elif match := _KEY_VALUE.match(line):
            found.setdefault((*table, *_key_parts(match.group(1))), _Written(number, False))
            rest = line[match.end() :]
            open_quote = next((q for q in _MULTILINE_QUOTES if rest.count(q) % 2 == 1), None)
    return found


@dataclass(frozen=True)
class ConfigText:
    """One environment file as read: its text, what it holds, and which top-level keys were
    replaced by the caller (`overrides`: their values are not in the file, so no line is shown)."""

    file: str  # as shown to the user
    text: str
    data: Mapping[str, Any]
    overridden: frozenset[str] = frozenset()
    _lines: dict[FieldPath, _Written] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, file: str, text: str, overrides: Mapping[str, Any] | None = None) -> ConfigText:
        """Raises TOMLSyntaxError for text that is not TOML."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise TOMLSyntaxError(file, text, str(error)) from None
        data.update(overrides or {})
        return cls(file, text, data, frozenset(overrides or ()), _index_lines(text))

    def line_of(self, path: FieldPath) -> SourceLine | None:
        """The line that writes `path`, else the table it belongs in, else None."""
        if not path or path[0] in self.overridden:
            return None
        lines = self.text.splitlines()
        for end in range(len(path), 0, -1):
            written = self._lines.get(path[:end])
            if written is not None:
                exact = end == len(path) or not written.is_header
                return SourceLine(self.file, written.number, lines[written.number - 1], is_table=not exact)
        return None

    def written(self, path: FieldPath) -> object:
        """The value written at `path` (after overrides), or MISSING."""
        value: Any = self.data
        for part in path:
            in_list = isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value)
            in_table = isinstance(part, str) and isinstance(value, Mapping) and part in value
            if not (in_list or in_table):
                return MISSING
            value = value[part]
        return MISSING if value is None else value  # TOML cannot write None: an override unset it


class TOMLSyntaxError(ValueError):
    """A file that is not TOML, with the position tomllib gives in its message."""

    def __init__(self, file: str, text: str, message: str) -> None:
        super().__init__(message)
        position = _TOML_POSITION.search(message)
        self.reason = _TOML_POSITION.sub("", message) if position else message
        lines = text.splitlines() or [""]
        if position and position.group(1):
            self.line, self.column = int(position.group(1)), int(position.group(2))
        else:  # "at end of document"
            self.line, self.column = len(lines), len(lines[-1]) + 1
        line_text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
        self.problem = Problem(
            Violation("(file)", file, f"not valid TOML: {self.reason}"),
            where=SourceLine(file, self.line, line_text, column=self.column),
            headline=f"not valid TOML (line {self.line}, column {self.column}): {self.reason}",
        )
