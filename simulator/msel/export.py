"""A scenario's MSEL as a spreadsheet grid: its injects, decisions and modules, one row each, in file order."""

from __future__ import annotations

from typing import Any

import yaml

from simulator.model.base import LocalizedText
from simulator.model.dump import authored
from simulator.model.duration import format_duration, format_offset
from simulator.model.scenario import Decision, Inject, Module, ScenarioBody
from simulator.msel.columns import COLUMNS, WIDTHS
from simulator.msel.sheet import csv_bytes, xlsx_bytes


def flow(value: Any) -> str:
    """YAML flow text on one line, as the scenario file would write the value."""
    text = yaml.safe_dump(authored(value), default_flow_style=True, allow_unicode=True, sort_keys=False, width=float("inf"))
    return text.strip().removesuffix("...").strip()


def pair(text: LocalizedText | None) -> tuple[str, str]:
    if text is None:
        return "", ""
    if text.plain:
        return text.fr or "", text.en or ""
    return text.fr or "", text.en or ""


def pair_list(items: list[LocalizedText]) -> tuple[str, str]:
    """One item per line; a YAML flow list when an item holds a line break itself."""
    if not items:
        return "", ""
    fr = [t.fr or "" for t in items]
    en = [t.en or "" for t in items]
    if any("\n" in x for x in fr + en) or any((not a) != (not b) for a, b in zip(fr, en)):
        dumped = flow(items)
        return dumped, ""
    return "\n".join(fr), "\n".join(en)


def _time(at: int | None, in_module: bool) -> str:
    if at is None:
        return ""
    return format_offset(at)[1:] if in_module else format_offset(at)  # '+10m' from the module's start


def _hours(t: int | None) -> float | str:
    return round(t / 60.0, 2) if t is not None else ""


def _inject_row(inj: Inject, module: str, planned: int | None) -> dict[str, Any]:
    title, text, expected, questions, note = pair(inj.title), pair(inj.text), pair_list(inj.expected), pair_list(inj.questions), pair(inj.facilitator_note)
    after = f"{inj.after.inject} +{format_duration(inj.after.delay)}" if inj.after is not None else ""
    flags = [f for f in ("contingency", "noise") if getattr(inj, f)]
    return {
        "id": inj.id, "kind": "inject", "module": module, "time": _time(inj.at, bool(module)), "after": after,
        "when": flow(inj.when) if inj.when is not None else "", "from": inj.from_ or "", "to": ", ".join(inj.to),
        "channel": inj.channel, "card": "yes" if inj.card else "", "type": ", ".join(flags),
        "title (fr)": title[0], "title (en)": title[1], "text (fr)": text[0], "text (en)": text[1],
        "expected (fr)": expected[0], "expected (en)": expected[1], "questions (fr)": questions[0], "questions (en)": questions[1],
        "objectives": ", ".join(inj.objectives), "note (fr)": note[0], "note (en)": note[1],
        "effects": flow(inj.effects) if inj.effects else "", "answered_by": flow(inj.answered_by) if inj.answered_by else "",
        "states": flow(inj.states) if inj.states else "",
        "attachments": flow(inj.attachments) if inj.attachments else "", "planned (h)": _hours(planned),
    }


def _decision_row(d: Decision, module: str, planned: int | None) -> dict[str, Any]:
    prompt = pair(d.prompt)
    return {
        "id": d.id, "kind": "decision", "module": module, "time": _time(d.at, bool(module)),
        "when": flow(d.when) if d.when is not None else "", "to": ", ".join(d.to),
        "text (fr)": prompt[0], "text (en)": prompt[1], "objectives": ", ".join(d.objectives),
        "deadline": format_duration(d.deadline), "default": d.default, "pause_clock": "yes" if d.pause_clock else "",
        "options": flow(d.options), "planned (h)": _hours(planned),
    }


def _module_row(m: Module, start: int) -> dict[str, Any]:
    title, narrative, expected, questions = pair(m.title), pair(m.narrative), pair_list(m.expected), pair_list(m.questions)
    return {
        "id": m.id, "kind": "module", "title (fr)": title[0], "title (en)": title[1], "text (fr)": narrative[0], "text (en)": narrative[1],
        "expected (fr)": expected[0], "expected (en)": expected[1], "questions (fr)": questions[0], "questions (en)": questions[1],
        "jump": format_duration(m.jump) if m.jump is not None else "", "duration": format_duration(m.duration) if m.duration is not None else "",
        "planned (h)": _hours(start),
    }


def rows(sc: ScenarioBody) -> list[list[Any]]:
    out: list[dict[str, Any]] = []
    planned_decision = {d.id: d.at for d in sc.all_decisions}
    for inj in sc.injects:
        out.append(_inject_row(inj, "", sc.planned_time(inj.id)))
    for d in sc.decisions:
        out.append(_decision_row(d, "", d.at))
    for m in sc.modules:
        out.append(_module_row(m, sc.module_starts[m.id]))
        for inj in m.injects:
            out.append(_inject_row(inj, m.id, sc.planned_time(inj.id)))
        for d in m.decisions:
            out.append(_decision_row(d, m.id, planned_decision[d.id]))
    return [[row.get(c, "") for c in COLUMNS] for row in out]


def export_bytes(sc: ScenarioBody, fmt: str) -> bytes:
    """The MSEL as `xlsx` or `csv` bytes."""
    grid = rows(sc)
    if fmt == "xlsx":
        return xlsx_bytes(list(COLUMNS), grid, WIDTHS)
    return csv_bytes(list(COLUMNS), grid)
