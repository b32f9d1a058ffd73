"""Reading the configuration models' type annotations (for messages and for the reference)."""

from __future__ import annotations

import types
import typing
from typing import Any


def inner_type(annotation: Any) -> Any:
    """The type inside `Annotated[...]` and `X | None`; a union of several types is returned as it is."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [member for member in typing.get_args(annotation) if member is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation
