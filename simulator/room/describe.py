"""Names and feed lines in one language: labels instead of ids, for a person to read."""

from __future__ import annotations

from typing import Any

from simulator.i18n import has as _has_key
from simulator.i18n import t as tr
from simulator.model.duration import format_duration, format_offset


def local(key: str, lang: str, fallback: str) -> str:
    """The catalogue text of `key`, or `fallback` when the catalogue has none."""
    return tr(key, lang) if _has_key(key, "en") else fallback


def short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def delay_text(delay: Any) -> str:
    """How long an action takes, as the room reads it: '~20m (≤ 1h)', '15m'."""
    mean, upper = getattr(delay, "mean", None), getattr(delay, "upper", None)
    if not callable(mean) or not callable(upper):
        return "?"
    low, high = _rounded(mean()), _rounded(upper())
    if high <= low:
        return format_duration(low)
    return f"~{format_duration(low)} (≤ {format_duration(high)})"


def _rounded(minutes: float) -> int:
    """Estimates, not promises: minutes under 2 h, hours under 2 days, half-days beyond."""
    step = 1 if minutes < 120 else 60 if minutes < 2880 else 720
    return int(round(minutes / step) * step)


class Namer:
    """Every name of one exercise in one language: network nodes, personas, roles (cells)."""

    def __init__(self, exercise, lang: str) -> None:
        self.ex = exercise
        self.lang = lang
        model = exercise.model
        names: dict[str, str] = {}
        for table in (model.zones, model.assets, model.services, model.functions):
            for key, spec in table.items():
                names[key] = spec.name.get(lang)
        self.names = names
        scenario = exercise.scenario
        self.personas = {p.id: p.name.get(lang) for p in scenario.personas}
        self.roles = {r.id: r.name.get(lang) for r in scenario.roles if r.name is not None}

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def persona(self, key: str) -> str:
        """A persona's name (its id when the scenario does not declare it)."""
        return self.personas.get(key, key)

    def role(self, key: str) -> str:
        """A cell's name; the fixed seats (facilitator, evaluator...) from the catalogue."""
        if key in self.roles:
            return self.roles[key]
        return local("tui.seat." + key, self.lang, local("tui.role." + key, self.lang, key))

    def recipients(self, to) -> tuple[str, ...]:
        return tuple(self.role(r) for r in to)

    def describe(self, record: dict) -> str:
        """One feed line for an event record, with names instead of ids."""
        lang = self.lang
        ex = self.ex
        fields: dict[str, Any] = {}
        for key, value in record.items():
            if key in ("to",) and isinstance(value, list):
                fields[key] = ", ".join(self.role(str(v)) for v in value)
            elif isinstance(value, list):
                fields[key] = ", ".join(self.name(str(v)) for v in value)
            elif key in ("asset", "node", "function") and isinstance(value, str):
                fields[key] = self.name(value)
            elif key in ("state", "level") and isinstance(value, str):
                fields[key] = local("tui.state." + value, lang, value)
            elif key == "deadline" and isinstance(value, (int, float)):
                fields[key] = format_offset(value)
            elif key == "clock" and isinstance(value, str):
                fields[key] = local("tui.regclock." + value, lang, value)
            elif key == "channel" and isinstance(value, str):
                fields[key] = local("tui.channel." + value, lang, value)
            elif key == "fact" and isinstance(value, str):
                fields[key] = local("tui.fact." + value, lang, value)
            elif key == "sender" and isinstance(value, str):
                fields[key] = self.persona(value)
            elif key in ("source", "by") and isinstance(value, str):
                fields[key] = self.role(value)
            elif key == "inject" and isinstance(value, str) and value in ex.injects:
                inj = ex.injects[value]
                fields[key] = short((inj.title or inj.text).get(lang))
            elif key == "decision" and isinstance(value, str) and value in ex.decisions:
                fields[key] = short(ex.decisions[value].prompt.get(lang))
            elif key == "option" and isinstance(value, str) and record.get("decision") in ex.decisions:
                options = {o.id: o for o in ex.decisions[record["decision"]].options}
                opt = options.get(value)
                fields[key] = opt.label.get(lang) if opt is not None and opt.label else value
            else:
                fields[key] = value
        key = "tui.feed." + str(record.get("kind"))
        if not _has_key(key, "en"):
            return str(record.get("kind"))
        try:
            return tr(key, lang, **fields)
        except (KeyError, IndexError, ValueError):
            return str(record.get("kind"))
