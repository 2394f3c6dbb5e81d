"""Models back to the data a person writes: the keys they gave, durations as `1h30m`, times as `T+10m`.

The file models hold parsed values (minutes, typed conditions, localised text); a
spreadsheet import or an editor that writes YAML back needs the authored form again.
`authored(model)` walks a model by its fields: only the keys that were set, under
their YAML names (`from`, `for`, `not`), durations and offsets formatted with the one
duration grammar, localised text as a string when it was one.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from simulator.model.base import LocalizedText
from simulator.model.duration import format_duration, format_offset


def _meta_kind(metadata: Any) -> str | None:
    for meta in metadata:
        name = getattr(getattr(meta, "func", None), "__name__", "")
        if name == "_duration_minutes":
            return "duration"
        if name == "_offset_minutes":
            return "offset"
    return None


def _kind_of(info: Any) -> str | None:
    """'duration' or 'offset' when a field holds one (possibly optional or in a list): pydantic keeps
    a top-level Annotated's validators in `metadata`, a nested one in the annotation."""
    found = _meta_kind(info.metadata)
    if found:
        return found
    todo = [info.annotation]
    while todo:
        ann = todo.pop()
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            args = typing.get_args(ann)
            found = _meta_kind(args[1:])
            if found:
                return found
            todo.append(args[0])
        elif origin is not None:
            todo.extend(typing.get_args(ann))
    return None


def _scalar(value: Any, kind: str | None) -> Any:
    if kind == "duration" and isinstance(value, int) and not isinstance(value, bool):
        return format_duration(value)
    if kind == "offset" and isinstance(value, int) and not isinstance(value, bool):
        return format_offset(value)
    return value


def authored(value: Any, kind: str | None = None) -> Any:
    """The authored form of a model, a list or a scalar."""
    if isinstance(value, LocalizedText):
        if value.plain:
            return value.fr
        return {lang: getattr(value, lang) for lang in ("fr", "en") if getattr(value, lang) is not None}
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        fields = type(value).model_fields
        for name in fields:
            if name not in value.model_fields_set:
                continue
            info = fields[name]
            if info.exclude:
                continue
            out[info.alias or name] = authored(getattr(value, name), _kind_of(info))
        return out
    if isinstance(value, (list, tuple)):
        return [authored(v, kind) for v in value]
    if isinstance(value, dict):
        return {k: authored(v, kind) for k, v in value.items()}
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value  # enums
    return _scalar(value, kind)
