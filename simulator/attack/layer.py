"""The ATT&CK Navigator layer of a scenario's threat: its techniques, scored by stage, with a legend.

Target: layer format 4.5 (Navigator 4.9.0 and later; spec
https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md).
Each technique of the attack (initial access first, then the stages in order) is scored
with its step number, 1 for the way in; the gradient runs from the first step to the last,
and one legend item per step carries that step's colour. A technique used by several
steps is listed once, scored by its first step, its comment naming every step. The
technique is placed under its tactic (from the shipped table), and its metadata say the
stage id, effect and when it runs. A discussion-only scenario gives a layer without
techniques that says so.
"""

from __future__ import annotations

from typing import Any

from simulator.i18n import t as tr
from simulator.model.attack import technique
from simulator.model.base import LocalizedText
from simulator.model.scenario import ScenarioBody

LAYER_VERSION = "4.5"
NAVIGATOR_VERSION = "5.1.0"
DOMAIN = "enterprise-attack"
GRADIENT = ("#fff3b0", "#e09f3e", "#9e2a2b")  # pale to dark: early steps to late ones
def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def colour(score: float, low: float, high: float) -> str:
    """The colour the Navigator gives `score` on GRADIENT from `low` to `high` (linear between stops)."""
    stops = [_rgb(c) for c in GRADIENT]
    if high <= low:
        return GRADIENT[-1]
    x = (score - low) / (high - low) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    f = x - i
    a, b = stops[i], stops[i + 1]
    return _hex(tuple(a[k] + (b[k] - a[k]) * f for k in range(3)))


def build_layer(sc: ScenarioBody, lang: str = "en") -> dict[str, Any]:
    from simulator.model.duration import format_offset

    def t(key: str, **fields: object) -> str:
        return tr("attack.layer." + key, lang, **fields)

    title = sc.title.get(lang)
    layer: dict[str, Any] = {
        "name": f"CyberDrill — {title}"[:200],
        "versions": {"navigator": NAVIGATOR_VERSION, "layer": LAYER_VERSION},  # no "attack": the shipped table names no release
        "domain": DOMAIN,
        "description": t("description", title=title) if sc.threat is not None else t("no-threat", title=title),
        "sorting": 3,  # by score, descending: the attack's order reads down each tactic
        "layout": {"layout": "side", "showID": True, "showName": True, "expandedSubtechniques": "annotated"},
        "hideDisabled": False,
        "techniques": [],
        "legendItems": [],
        "metadata": [{"name": t("scenario"), "value": sc.id}],
        "showTacticRowBackground": False,
        "selectTechniquesAcrossTactics": True,
        "selectSubtechniquesWithParent": False,
        "selectVisibleTechniques": False,
    }
    if sc.threat is None:
        layer["gradient"] = {"colors": list(GRADIENT[::2]), "minValue": 0, "maxValue": 1}
        return layer
    steps: list[tuple[str, str, str, str, str]] = []  # (stage id, label, technique, effect, when)
    ia = sc.threat.initial_access
    steps.append(("initial_access", "initial_access", ia.technique, "initial-access", format_offset(ia.at)))
    previous = "initial_access"
    for st in sc.threat.stages:
        tech = technique(st.technique)
        effect = st.effect or (tech.effect if tech else "none")
        if st.after is not None:
            when = t("after", stage=st.after.stage)
        else:
            when = t("right-after", stage=previous)
        if st.at is not None:
            when += ", " + t("not-before", time=format_offset(st.at))
        label = st.id + (f" — {_text(st.name, lang)}" if st.name is not None else "")
        steps.append((st.id, label, st.technique, effect, when))
        previous = st.id
    n = len(steps)
    low, high = 1, max(n, 2)
    layer["gradient"] = {"colors": list(GRADIENT), "minValue": low, "maxValue": high}
    by_id: dict[str, dict[str, Any]] = {}
    for k, (sid, label, tid, effect, when) in enumerate(steps, start=1):
        layer["legendItems"].append({"label": t("step", n=k, stage=label), "color": colour(k, low, high)})
        tech = technique(tid)
        entry = by_id.get(tid)
        if entry is None:
            entry = {"techniqueID": tid, "score": k, "comment": "", "enabled": True, "metadata": []}
            if tech is not None:
                entry["tactic"] = tech.tactic
            by_id[tid] = entry
            layer["techniques"].append(entry)
        else:
            entry["metadata"].append({"divider": True})
        entry["comment"] = (entry["comment"] + " / " if entry["comment"] else "") + t("step", n=k, stage=label)
        entry["metadata"] += [
            {"name": t("stage"), "value": f"{k}. {sid}"},
            {"name": t("effect"), "value": effect},
            {"name": t("when"), "value": when},
        ]
    return layer


def _text(text: LocalizedText, lang: str) -> str:
    return text.get(lang)
