"""Why the engine refuses a command, in every language.

A refusal carries three things: a stable `code` ("before-eradication"), the `params` that
fill it (ids, counts, sim times), and the English sentence the journal keeps as the
`command-refused` event's `reason` (unchanged, so old journals replay identically).
`refusal_text(code, params, lang, namer)` gives the sentence a person reads, from the
catalogue entry `engine.refused.<code>`, with labels instead of ids when given a namer
(`simulator.room.describe.Namer`, or anything with the same methods).
"""

from __future__ import annotations

import string
from typing import Any

from simulator.i18n import has, t
from simulator.model.duration import format_duration, format_offset

PREFIX = "engine.refused."


class Refused(Exception):
    """A check failed. `code` names it for every language (catalogue `engine.refused.<code>`),
    `params` fill that entry, the message is the English reason the journal keeps."""

    def __init__(self, code: str, message: str | None = None, **params: Any):
        super().__init__(message if message is not None else code)
        self.code = code
        self.params = params


# parameters holding sim times (offsets from T+0) or durations (minutes)
_TIMES = frozenset({"at", "frees_at", "destroyed_at", "since", "until"})
_DURATIONS = frozenset({"minutes", "max_minutes", "duration", "upper"})
_LISTS = frozenset({"choices", "options", "modules", "kinds"})


def _label(key: str, value: Any, params: dict[str, Any], lang: str, namer: Any) -> Any:
    """A parameter as a person reads it: a name for an id, T+… for a time."""
    if value is None:
        return ""
    if key in _TIMES and isinstance(value, (int, float)):
        return format_offset(float(value))
    if key in _DURATIONS and isinstance(value, (int, float)):
        return format_duration(int(round(value)))
    if key in _LISTS and isinstance(value, (list, tuple)):
        return ", ".join(str(_label(key[:-1] if key != "kinds" else "kind", v, params, lang, namer)) for v in value)
    if key == "items" and isinstance(value, (list, tuple)):
        return "; ".join(refusal_text(str(i.get("code", "")), i.get("params", {}), lang, namer) for i in value if isinstance(i, dict))
    if key == "kind" and isinstance(value, str):
        return t("engine.target-kind." + value, lang) if has("engine.target-kind." + value, "en") else value
    if not isinstance(value, str):
        return value
    if namer is None:
        return value
    ex = getattr(namer, "ex", None)
    if key == "action":
        return namer.action(value)
    if key in ("target", "given"):
        return namer.target(value)
    if key in ("asset", "zone", "function", "service", "backup", "node"):
        return namer.name(value)
    if key == "choice":
        return namer.target(value)
    if key == "decision" and ex is not None and value in ex.decisions:
        return ex.decisions[value].prompt.get(lang)
    if key == "option" and ex is not None and params.get("decision") in getattr(ex, "decisions", {}):
        opt = next((o for o in ex.decisions[params["decision"]].options if o.id == value), None)
        return opt.label.get(lang) if opt is not None and opt.label else value
    if key == "inject" and ex is not None and value in ex.injects:
        inj = ex.injects[value]
        return (inj.title or inj.text).get(lang)
    if key in ("module", "current") and ex is not None:
        m = next((m for m in ex.scenario.modules if m.id == value), None)
        return m.title.get(lang) if m is not None else value
    if key == "task" and "objective" in params:
        return namer.task(str(params["objective"]), value)
    if key == "objective" and ex is not None:
        obj = next((o for o in ex.scenario.objectives if o.id == value), None)
        return obj.text.get(lang) if obj is not None and getattr(obj, "text", None) else value
    return value


def refusal_text(code: str, params: dict[str, Any] | None, lang: str, namer: Any = None) -> str:
    """The refusal `code` as a sentence in `lang`, its parameters named (ids when `namer` is None).
    An unknown code (a newer engine than the catalogue) reads as the code itself."""
    params = dict(params or {})
    key = PREFIX + code
    if not has(key, "en"):
        return code
    fields = {k: _label(k, v, params, lang, namer) for k, v in params.items()}
    try:
        text = t(key, lang, **fields) if fields else t(key, lang)
    except (KeyError, IndexError, ValueError):
        return t(key, lang)
    suggestion = params.get("suggestion")
    if isinstance(suggestion, str) and suggestion:
        text += " " + t(PREFIX + "suggestion", lang, suggestion=suggestion)
    hint = params.get("hint")
    if isinstance(hint, str) and has(PREFIX + "hint." + hint, "en"):
        text += " " + t(PREFIX + "hint." + hint, lang)
    return text


def placeholders(text: str) -> set[str]:
    """The named fields of a catalogue entry (what its refusal's params must provide)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def staff_reason_text(reason: str, lang: str, namer: Any = None) -> str:
    """Why the number of technicians changed (`staff-changed` event's `reason`), in words:
    'shift' and 'recall' from the catalogue, 'support from X' naming who came."""
    if reason.startswith("support from "):
        who = reason[len("support from "):]
        return t("tui.staff.reason.support", lang, who=namer.target(who) if namer is not None else who)
    key = "tui.staff.reason." + reason
    return t(key, lang) if has(key, "en") else reason
