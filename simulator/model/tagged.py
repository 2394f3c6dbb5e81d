"""Union tags out of error locations, so positions point at the user's YAML keys.

Pydantic puts the tag of a discriminated union member into an error's `loc`.
Our tags start with '~' (never a valid YAML key of ours); top-level file models
strip them before the loader turns errors into positioned diagnostics.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

TAG_PREFIX = "~"


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith(TAG_PREFIX) or part.startswith("function-after["))


_TAGGED: dict[str, type[BaseModel]] = {}


def register_tags(table: dict[str, type[BaseModel]]) -> None:
    """Make union members known by tag, so unknown keys inside them get the right hint."""
    _TAGGED.update(table)


_LEADING_KEYS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}


def register_leading_keys(error_type: str, keys: tuple[str, ...] | list[str], members: list[type[BaseModel]]) -> None:
    """The keys that choose a member of a union (its discriminator's `custom_error_type`):
    a mapping with none of them gets a "did you mean" for its closest key. The members' other
    keys (`state`, `for`...) are right where they are and never get one."""
    from simulator.model.validation import allowed_keys

    others = frozenset(k for m in members for k in allowed_keys(m)) - set(keys)
    _LEADING_KEYS[error_type] = (tuple(keys), others)


def _leading_key(error_type: str, value: Any) -> tuple[Any, str]:
    """The key that should have chosen a member (the first one no member knows), and a hint
    for it: ('servce', " (did you mean 'service'?)"). (None, "") when every key is a member's."""
    from simulator.model.validation import suggest

    if not isinstance(value, dict):
        return None, ""
    keys, others = _LEADING_KEYS[error_type]
    culprit = None
    for key in value:
        if key in others:
            continue  # a member's own key, right where it is
        hint = suggest(str(key), list(keys))
        if hint and _closeness(str(key), hint) > max((_closeness(str(key), k) for k in others), default=0.0):
            return key, f" (did you mean '{hint}'?)"  # a misspelt leading key wins over any other stray key
        if culprit is None and not suggest(str(key), sorted(others)):
            culprit = key  # no slip on a member key ('states' for 'state'): the first stray key
    return culprit, ""


def _closeness(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a.lower().replace("-", "_"), b.lower()).ratio()


def _unknown_key_message(tag: str, key: Any) -> str:
    from simulator.model.validation import allowed_keys, suggest

    model = _TAGGED[tag]
    keys = allowed_keys(model)
    hint = suggest(str(key), keys)
    return f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else f" (allowed keys: {', '.join(keys)})")


def strip_tags(exc: ValidationError, title: str) -> ValidationError:
    details = []
    for err in exc.errors(include_url=False):
        raw_loc = tuple(err.get("loc", ()))
        loc = tuple(p for p in raw_loc if not _is_tag(p))
        etype, msg = err["type"], err["msg"]
        if etype == "extra_forbidden" and len(raw_loc) >= 2 and raw_loc[-2] in _TAGGED:
            # the generic hint cannot tell union members apart: name the member's keys here
            etype, msg = "unknown_key", _unknown_key_message(raw_loc[-2], raw_loc[-1])
        elif etype in _LEADING_KEYS:
            key, hint = _leading_key(etype, err.get("input"))
            if key is not None:  # point at the key itself, not at its mapping
                etype, msg, loc = "unknown_key", f"unknown key '{key}'{hint}; {msg}", loc + (key,)
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(etype, msg.replace("{", "(").replace("}", ")"), err.get("ctx")),
                loc=loc,
                input=err.get("input"),
            )
        )
    return ValidationError.from_exception_data(title, details)


class TagStrippingModel(BaseModel):
    """Mixin for top-level file models containing tagged unions."""

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any):  # type: ignore[override]
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise strip_tags(exc, cls.__name__) from None
