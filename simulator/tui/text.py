"""UI strings: the catalogue lookups the screens use, and bindings shown in the chosen language."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from simulator.i18n import has
from simulator.i18n import t as _t
from simulator.model.duration import format_duration, format_offset

__all__ = ["tr", "localise_bindings", "localise_tree", "offset", "remaining", "format_duration"]


def tr(key: str, lang: str, **fields: object) -> str:
    """A UI string: `tr("home.title", "fr")` reads `tui.home.title`."""
    return _t("tui." + key, lang, **fields)


def localise_bindings(node: DOMNode, lang: str, keep: frozenset[str] | None = None) -> None:
    """Give every binding with an id the description `tui.key.<id>` in `lang` (footer, key panel).

    `keep` (a narrow terminal): only those bindings stay in the footer, with their short
    description (`tui.key.short.<id>`) when there is one; the others stay active and listed
    in the key panel ('?'). Bindings are class data shared by every instance: each list is
    replaced, never mutated.
    """
    bindings = node._bindings
    new = {}
    for key, items in bindings.key_to_bindings.items():
        out = []
        for b in items:
            if not b.id or not has("tui.key." + b.id, lang):
                action = "tui.key.action." + b.action
                if has(action, lang):  # Textual's own keys (lists, inputs, scrolling): in the reader's language too
                    b = dataclasses.replace(b, description=_t(action, lang))
            if b.tooltip and has("tui.key.tooltip." + b.action, lang):
                b = dataclasses.replace(b, tooltip=_t("tui.key.tooltip." + b.action, lang))
            if b.id:
                original = _ORIGINAL_SHOW.setdefault((type(node), b.id, key), b.show)
                changes: dict = {}
                if has("tui.key." + b.id, lang):
                    changes["description"] = _t("tui.key." + b.id, lang)
                if keep is not None:
                    changes["show"] = original and b.id in keep
                    if b.id in keep and has("tui.key.short." + b.id, lang):
                        changes["description"] = _t("tui.key.short." + b.id, lang)
                else:
                    changes["show"] = original
                b = dataclasses.replace(b, **changes)
            out.append(b)
        new[key] = out
    bindings.key_to_bindings = new


def localise_tree(root: DOMNode, lang: str, keep: frozenset[str] | None = None) -> None:
    """`localise_bindings` for `root` (with `keep`) and every widget below it (what the key panel lists)."""
    localise_bindings(root, lang, keep)
    for node in root.walk_children(with_self=False):
        localise_bindings(node, lang)


_ORIGINAL_SHOW: dict[tuple, bool] = {}
"""Whether each binding is shown in the footer as its class declares it (a narrow terminal hides some)."""


def offset(t: float | None) -> str:
    """Sim time as the room reads it (T+1h30m), '–' when unknown."""
    return "–" if t is None else format_offset(t)


def remaining(minutes: float) -> str:
    """A countdown: 1h05m, 45m, or -10m when past."""
    whole = int(round(minutes))
    if whole < 0:
        return "-" + format_duration(-whole)
    return format_duration(whole)
