"""Pydantic validation errors turned into positioned, readable diagnostics."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from simulator.model.diagnostics import Diagnostic, one_line
from simulator.model.yaml_loader import Document, PathKey, dotted


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types a field annotation may hold (Optional, list, Annotated unwrapped)."""
    out = []
    todo = [annotation]
    while todo:
        ann = todo.pop()
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            todo.append(typing.get_args(ann)[0])
        elif origin in (typing.Union, types.UnionType):
            todo.extend(typing.get_args(ann))
        else:
            out.append(ann)
    return out


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def model_at(root: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, if it can be told."""
    current: list[Any] = [root]
    for part in path:
        nxt: list[Any] = []
        for ann in current:
            for t in _unwrap(ann):
                origin = typing.get_origin(t)
                if isinstance(part, int) and origin in (list, tuple, set, frozenset):
                    nxt.extend(typing.get_args(t)[:1])
                elif isinstance(part, str) and origin is dict:
                    args = typing.get_args(t)
                    if len(args) == 2:
                        nxt.append(args[1])
                elif isinstance(part, str) and isinstance(t, type) and issubclass(t, BaseModel):
                    field = _field_by_key(t, part)
                    if field is not None:
                        nxt.append(field)
        current = nxt
        if not current:
            return None
    for ann in current:
        for t in _unwrap(ann):
            if isinstance(t, type) and issubclass(t, BaseModel):
                return t
    return None


def allowed_keys(model: type[BaseModel]) -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        keys.append(info.alias or name)
    return keys


# Candidates compared by `suggest` for one file (reset by `reset_suggestions`): 10,000 unknown
# references among 50,000 assets would otherwise compare 500 million pairs. Past the budget,
# an unknown name is reported without a "did you mean".
SUGGEST_BUDGET = 100_000
_spent = 0


def reset_suggestions() -> None:
    global _spent
    _spent = 0


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt `word`, if one is close (candidates in any order)."""
    global _spent
    _spent += len(candidates) if hasattr(candidates, "__len__") else 1  # type: ignore[arg-type]
    if _spent > SUGGEST_BUDGET:
        return None
    pool = candidates if isinstance(candidates, (list, tuple)) else list(candidates)
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    lowered = word.lower().replace("-", "_")
    same = sorted(c for c in pool if c.lower() == lowered)
    return same[0] if same else None


def _data_path(doc: Document, loc: tuple) -> PathKey:
    """The longest prefix of a pydantic error location that exists in the data."""
    path: list[Any] = []
    node = doc.data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            # a missing or unknown key: keep it so the message can name it
            path.append(part)
            break
        else:
            continue  # union member tags and the like
    return tuple(path)


def _describe_input(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def errors_to_diagnostics(exc: ValidationError | list[dict], doc: Document, root: type[BaseModel]) -> list[Diagnostic]:
    """Positioned diagnostics from a ValidationError or a list of its error dicts."""
    found = exc.errors(include_url=False) if isinstance(exc, ValidationError) else exc
    out: list[Diagnostic] = []
    seen: set[tuple] = set()
    explained: set[tuple] = set()  # (parent path, key) a typo already accounts for
    pending_missing: list[tuple[tuple, Diagnostic]] = []
    for err in found:
        loc = tuple(err.get("loc", ()))
        path = _data_path(doc, loc)
        kind = err.get("type", "")
        msg = err.get("msg", "invalid value")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if msg.startswith("Assertion failed, "):
            msg = msg[len("Assertion failed, "):]
        if kind == "extra_forbidden":
            key = path[-1] if path else loc[-1]
            parent = path[:-1]
            pos = doc.position(path, key=True)
            model = model_at(root, parent)
            hint = ""
            if model is not None:
                s = suggest(str(key), allowed_keys(model))
                hint = f" (did you mean '{s}'?)" if s else f" (allowed keys: {', '.join(allowed_keys(model))})"
                if s:
                    explained.add((parent, s))
            where = dotted(parent) or "the top level"
            text = f"unknown key '{key}' in {where}{hint}"
        elif kind == "unknown_key":  # from tagged unions (simulator.model.tagged): the message names the key
            parent = path[:-1]
            pos = doc.position(path, key=True)
            text = f"{dotted(parent) or 'top level'}: {msg}"
        elif kind == "missing":
            key = path[-1] if path else loc[-1]
            parent = path[:-1]
            pos = doc.position(parent)
            text = f"missing required key '{key}' in {dotted(parent) or 'the top level'}"
            pending_missing.append(((parent, key), Diagnostic.at(pos, one_line(text))))
            continue
        else:
            pos = doc.position(path)
            where = dotted(path) or "top level"
            if kind in ("model_type", "model_attributes_type", "dict_type"):
                text = f"{where}: expected a mapping, got {_describe_input(err.get('input'))}"
            elif kind == "list_type":
                text = f"{where}: expected a list, got {_describe_input(err.get('input'))}"
            elif kind in ("string_type", "int_type", "float_type", "bool_type", "int_parsing", "float_parsing", "bool_parsing"):
                wanted = {
                    "string_type": "a string",
                    "int_type": "a whole number",
                    "int_parsing": "a whole number",
                    "float_type": "a number",
                    "float_parsing": "a number",
                    "bool_type": "true or false",
                    "bool_parsing": "true or false",
                }[kind]
                text = f"{where}: expected {wanted}, got {_describe_input(err.get('input'))}"
            elif kind == "enum" or kind == "literal_error":
                expected = err.get("ctx", {}).get("expected", "")
                text = f"{where}: {_describe_input(err.get('input'))} is not one of {expected}"
                choice = suggest(str(err.get("input")), [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")])
                if choice:
                    text += f" (did you mean '{choice}'?)"
            elif kind == "string_pattern_mismatch" and path and path[-1] == "id" or kind == "string_pattern_mismatch" and "id" in str(loc[-1:]):
                text = f"{where}: {_describe_input(err.get('input'))} is not a valid identifier (lower-case letters, digits, '-', '_', '.')"
            else:
                text = f"{where}: {msg}"
        key = (pos, text)
        if key in seen:
            continue
        seen.add(key)
        out.append(Diagnostic.at(pos, one_line(text)))
    shown = set(out)  # a set, not `d not in out`: 10,000 missing keys took minutes (quadratic)
    for where, d in pending_missing:
        if where not in explained and d not in shown:
            shown.add(d)
            out.append(d)
    return out
