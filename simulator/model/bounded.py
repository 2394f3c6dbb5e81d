"""Validation whose cost stays bounded on huge invalid files.

Pydantic reports every error of a document at once and holds each one (about 1-2 KB with
our models): a 16 MiB file of a million empty mappings would make millions of errors and
gigabytes. A document of at most SMALL values is validated in one call, every error
reported. A larger one (only big networks are legitimately so large) is first checked
piece by piece, each pydantic call seeing at most SMALL values, and the check stops after
MAX_ERRORS errors. When the pieces hold no error, the whole is validated in one call: what
is left to fail then are the checks that look across pieces, which report little.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

SMALL = 20_000
MAX_ERRORS = 1_000


class TooManyErrors(Exception):
    """The piecewise check found errors; `errors` are pydantic error dicts (locations from the
    document root), `stopped` says whether it stopped at MAX_ERRORS before the end."""

    def __init__(self, errors: list[dict], stopped: bool):
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors
        self.stopped = stopped


def count_values(data: Any, stop: int) -> int:
    """Scalars, mappings and lists in `data`, counted up to just past `stop`."""
    n = 0
    todo = [data]
    while todo:
        v = todo.pop()
        n += 1
        if n > stop:
            return n
        if isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    return n


def validate(model: type[BaseModel], data: Any) -> BaseModel:
    """`model.model_validate(data)`, raising ValidationError (every error, small documents) or
    TooManyErrors (the first MAX_ERRORS errors of a large one)."""
    if count_values(data, SMALL) > SMALL:
        found: list[dict] = []
        _piecewise(model, data, (), found)
        if found:
            raise TooManyErrors(found[:MAX_ERRORS], stopped=len(found) >= MAX_ERRORS)
    return model.model_validate(data)


_ADAPTERS: dict[Any, TypeAdapter] = {}


def _adapter(annotation: Any) -> TypeAdapter:
    try:
        adapter = _ADAPTERS.get(annotation)
    except TypeError:  # an unhashable annotation
        return TypeAdapter(annotation)
    if adapter is None:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
    return adapter


def _check(annotation: Any, value: Any, loc: tuple, out: list[dict], shift: int = 0) -> None:
    """Errors of one pydantic call, located from the root (a chunk's indices moved by `shift`)."""
    try:
        _adapter(annotation).validate_python(value)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = tuple(err.get("loc", ()))
            if shift and where and isinstance(where[0], int):
                where = (where[0] + shift,) + where[1:]
            err["loc"] = loc + where
            out.append(err)
            if len(out) >= MAX_ERRORS:
                return


def _plain(annotation: Any) -> Any:
    """The type under `| None` and Annotated metadata (the metadata applies in the final call)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _piecewise(annotation: Any, value: Any, loc: tuple, out: list[dict]) -> None:
    if len(out) >= MAX_ERRORS:
        return
    if count_values(value, SMALL) <= SMALL:
        _check(annotation, value, loc, out)
        return
    ann = _plain(annotation)
    origin = typing.get_origin(ann)
    if origin is list and isinstance(value, list):
        item = (typing.get_args(ann) or (Any,))[0]
        _chunks(item, value, loc, out)
    elif origin is dict and isinstance(value, dict):
        key_type, item = (typing.get_args(ann) + (Any, Any))[:2]
        _dict_chunks(key_type, item, value, loc, out)
    elif isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(value, dict):
        _model(ann, value, loc, out)
    else:  # a union of several shapes, a wrong type (pydantic stops at the top of it)
        _check(annotation, value, loc, out)


def _chunks(item: Any, value: list, loc: tuple, out: list[dict]) -> None:
    start, size = 0, 1  # a chunk counts its own list
    for i, v in enumerate(value):
        n = count_values(v, SMALL)
        if n > SMALL or size + n > SMALL:
            if i > start:
                _check(list[item], value[start:i], loc, out, shift=start)
            start, size = i, 1
        if n > SMALL:
            _piecewise(item, v, loc + (i,), out)
            start = i + 1
        else:
            size += n
        if len(out) >= MAX_ERRORS:
            return
    if start < len(value):
        _check(list[item], value[start:], loc, out, shift=start)


def _dict_chunks(key_type: Any, item: Any, value: dict, loc: tuple, out: list[dict]) -> None:
    chunk: dict = {}
    size = 1
    for k, v in value.items():
        n = count_values(v, SMALL) + 1
        if size + n > SMALL and chunk:
            _check(dict[key_type, item], chunk, loc, out)
            chunk, size = {}, 1
        if n > SMALL:
            _check(dict[key_type, Any], {k: None}, loc, out)  # the key itself
            _piecewise(item, v, loc + (k,), out)
        else:
            chunk[k] = v
            size += n
        if len(out) >= MAX_ERRORS:
            return
    if chunk:
        _check(dict[key_type, item], chunk, loc, out)


def _model(model: type[BaseModel], value: dict, loc: tuple, out: list[dict]) -> None:
    """A mapping too large for one call: unknown keys first (a strict model forbids them),
    then each large field on its own, then the model with those fields left out (its own
    cross-field checks wait for the final call: the fields left out would mislead them)."""
    fields = {name: info for name, info in model.model_fields.items()}
    fields.update({info.alias: info for info in model.model_fields.values() if info.alias})
    if model.model_config.get("extra") == "forbid":
        for k in value:
            if k not in fields:
                out.append({"type": "extra_forbidden", "loc": loc + (k,), "msg": "Extra inputs are not permitted", "input": value[k]})
                if len(out) >= MAX_ERRORS:
                    return
    rest: dict = {}
    left_out = set()
    for k, v in value.items():
        if k not in fields:
            continue
        if count_values(v, SMALL) > SMALL:
            _piecewise(fields[k].annotation, v, loc + (k,), out)
            left_out.add(k)
            if len(out) >= MAX_ERRORS:
                return
        else:
            rest[k] = v
    try:
        model.model_validate(rest)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = tuple(err.get("loc", ()))
            if not where or where[0] in left_out:
                continue
            err["loc"] = loc + where
            out.append(err)
            if len(out) >= MAX_ERRORS:
                return
