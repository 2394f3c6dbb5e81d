"""UI strings: the catalogue lookups the screens use, and bindings shown in the chosen language."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from simulator.i18n import has
from simulator.i18n import t as _t
from simulator.model.duration import format_duration, format_offset

__all__ = ["tr", "localise_bindings", "offset", "remaining", "format_duration"]


def tr(key: str, lang: str, **fields: object) -> str:
    """A UI string: `tr("home.title", "fr")` reads `tui.home.title`."""
    return _t("tui." + key, lang, **fields)


def localise_bindings(node: DOMNode, lang: str) -> None:
    """Give every binding with an id the description `tui.key.<id>` in `lang` (footer, key panel).

    Bindings are class data shared by every instance: each list is replaced, never mutated.
    """
    bindings = node._bindings
    new = {}
    for key, items in bindings.key_to_bindings.items():
        out = []
        for b in items:
            if b.id and has("tui.key." + b.id, lang):
                b = dataclasses.replace(b, description=_t("tui.key." + b.id, lang))
            out.append(b)
        new[key] = out
    bindings.key_to_bindings = new


def offset(t: float | None) -> str:
    """Sim time as the room reads it (T+1h30m), '–' when unknown."""
    return "–" if t is None else format_offset(t)


def remaining(minutes: float) -> str:
    """A countdown: 1h05m, 45m, or -10m when past."""
    whole = int(round(minutes))
    if whole < 0:
        return "-" + format_duration(-whole)
    return format_duration(whole)
