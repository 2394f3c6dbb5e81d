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

    def choice(self, action: str, value: str) -> str:
        """A choice target's label: the jurisdiction's name for an authority or a support provider."""
        j = self.ex.jurisdiction
        if action == "notify" and value in j.authorities:
            return j.authority_name(value, self.lang)
        if action == "request-support" and any(s.id == value for s in j.support):
            return j.support_name(value, self.lang)
        return local("tui.choice." + value, self.lang, value)

    def clock(self, cid: str) -> str:
        c = self.ex.jurisdiction.clock(cid)
        return c.name.get(self.lang) if c is not None else local("tui.regclock." + cid, self.lang, cid)

    def persona(self, key: str) -> str:
        """A persona's name (its id when the scenario does not declare it)."""
        return self.personas.get(key, key)

    def role(self, key: str) -> str:
        """A cell's name; the fixed seats (facilitator, evaluator...) from the catalogue."""
        if key in self.roles:
            return self.roles[key]
        return local("tui.seat." + key, self.lang, local("tui.role." + key, self.lang, key))

    def source(self, value: str) -> str:
        """Who gave a command: a cell, the facilitator, a policy, a decision's or an inject's effect."""
        kind, sep, ident = value.partition(":")
        if sep and kind == "decision" and ident in self.ex.decisions:
            return tr("tui.source.decision", self.lang, decision=short(self.ex.decisions[ident].prompt.get(self.lang), 32))
        if sep and kind == "inject" and ident in self.ex.injects:
            inj = self.ex.injects[ident]
            return tr("tui.source.inject", self.lang, inject=short((inj.title or inj.text).get(self.lang), 32))
        if kind == "policy":
            return tr("tui.role.policy", self.lang)
        return self.role(value)

    def recipients(self, to) -> tuple[str, ...]:
        return tuple(self.role(r) for r in to)

    def action(self, action_id: str) -> str:
        spec = self.ex.actions.get(action_id)
        return spec.name.get(self.lang) if spec is not None else action_id

    def target(self, text: str, action: str = "") -> str:
        """A command target as a person reads it: 'zone:servers' -> 'Serveurs', 'cert-sante' -> 'CERT Santé'."""
        if not text:
            return ""
        kind, sep, ident = text.partition(":")
        if sep and kind in ("zone", "asset", "service", "function"):
            return self.name(ident)
        if text == "all":
            return tr("tui.action.all", self.lang)
        if action in ("notify", "request-support"):
            return self.choice(action, text)
        return local("tui.choice." + text, self.lang, self.name(text))

    def command(self, text: str) -> str:
        """A command as a person reads it, with labels: 'isolate zone:servers' -> 'Isoler → Serveurs'."""
        ex, lang = self.ex, self.lang
        words = text.split(" ", 1)
        verb, rest = words[0], (words[1] if len(words) > 1 else "")
        args = rest.split()
        if verb == "note":
            from simulator.model.command_text import note_text

            return tr("tui.cmd.note", lang, text=self.note(note_text(rest)))
        if verb == "decide" and len(args) == 2 and args[0] in ex.decisions:
            d = ex.decisions[args[0]]
            opt = next((o for o in d.options if o.id == args[1]), None)
            label = opt.label.get(lang) if opt is not None and opt.label else args[1]
            return tr("tui.cmd.decide", lang, decision=short(d.prompt.get(lang)), option=label)
        if verb == "extend" and len(args) == 2 and args[0] in ex.decisions:
            return tr("tui.cmd.extend", lang, decision=short(ex.decisions[args[0]].prompt.get(lang)), more=args[1])
        if verb == "inject" and len(args) == 1 and args[0] in ex.injects:
            inj = ex.injects[args[0]]
            return tr("tui.cmd.inject", lang, inject=short((inj.title or inj.text).get(lang)))
        if verb == "rate" and len(args) == 3:
            return tr("tui.cmd.rate", lang, task=self.task(args[0], args[1]), rating=args[2])
        if verb == "module" and len(args) == 1:
            if args[0] == "next":
                return tr("tui.cmd.module-next", lang)
            m = next((m for m in ex.scenario.modules if m.id == args[0]), None)
            return tr("tui.cmd.module", lang, module=m.title.get(lang) if m is not None else args[0])
        if verb in ex.actions:
            out = self.action(verb)
            if args:
                out += " → " + self.target(args[0], verb)
            if len(args) > 1:
                out += f" × {args[1]}"
            return out
        return text

    def outcome(self, text: str) -> str:
        """What a job's end did ('done', 'transferred 3', 'decryptor received'...), in words."""
        word, _, rest = text.partition(" ")
        if word == "transferred" and rest:
            return tr("tui.outcome.transferred", self.lang, n=rest)
        return local("tui.outcome." + text.replace(" ", "-"), self.lang, text)

    def staff_reason(self, text: str) -> str:
        """Why the number of technicians on duty changed (shift, recall, outside support...)."""
        if text.startswith("support from "):
            who = text[len("support from "):]
            return tr("tui.staff.reason.support", self.lang, who=self.target(who))
        return local("tui.staff.reason." + text.replace(" ", "-"), self.lang, text)

    def stage(self, stage_id: str) -> str:
        """An attack stage by its technique's name (stage ids are the author's, not a reader's)."""
        from simulator.model.attack import technique

        threat = self.ex.scenario.threat
        spec = next((st for st in threat.stages if st.id == stage_id), None) if threat is not None else None
        found = technique(spec.technique) if spec is not None else None
        if found is None:  # a technique the bundled ATT&CK table lacks: its id, never the author's stage id
            return spec.technique if spec is not None else stage_id
        return found.name

    def note(self, text: str) -> str:
        """A note as written; a justification or a rating comment ('DECISION/OPTION: why',
        'OBJECTIVE/TASK R: comment', as the room journals them) with labels for its ids."""
        head, sep, body = text.partition(": ")
        if not sep or "/" not in head:
            return text
        first, _, second = head.partition("/")
        ex = self.ex
        if first in ex.decisions:
            d = ex.decisions[first]
            opt = next((o for o in d.options if o.id == second), None)
            if opt is not None:
                label = opt.label.get(self.lang) if opt.label else opt.id
                return tr("tui.note.justification", self.lang, decision=short(d.prompt.get(self.lang), 40), option=label, text=body)
        task, _, rating = second.partition(" ")
        if rating in ("P", "S", "M", "U") and any(o.id == first for o in ex.scenario.objectives):
            return tr("tui.note.rating", self.lang, task=self.task(first, task), rating=rating, text=body)
        return text

    def task(self, objective: str, task: str) -> str:
        for obj in self.ex.scenario.objectives:
            if obj.id == objective:
                for i, t in enumerate(obj.critical_tasks):
                    if t.id == task:
                        return short(self.task_text(obj, t, i))
        return f"{objective}/{task}"

    def task_text(self, objective, task, index: int) -> str:
        """A critical task as the room reads it: its text, else what its check measures
        ('Notifier → CERT Santé, sous 2h'), else its objective and its number."""
        if task.text:
            return task.text.get(self.lang)
        check = getattr(task, "check", None)
        action = getattr(check, "action", None)
        if isinstance(action, str):
            out = self.action(action)
            target = getattr(check, "target", None)
            if isinstance(target, str) and target:
                out += " → " + self.target(target)
            within = getattr(check, "within", None)
            if isinstance(within, (int, float)):
                out += ", " + tr("tui.task.within", self.lang, within=format_duration(int(within)))
            return out
        return tr("tui.task.numbered", self.lang, objective=short(objective.text.get(self.lang), 40), n=index + 1)

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
                fields[key] = self.clock(value)
            elif key == "channel" and isinstance(value, str):
                fields[key] = local("tui.channel." + value, lang, value)
            elif key == "fact" and isinstance(value, str):
                fields[key] = local("tui.fact." + value, lang, value)
            elif key == "sender" and isinstance(value, str):
                fields[key] = self.persona(value)
            elif key in ("source", "by") and isinstance(value, str):
                fields[key] = self.source(value)
            elif key == "reason" and record.get("kind") == "command-refused" and record.get("code"):
                from simulator.engine.refusals import refusal_text

                fields[key] = refusal_text(str(record["code"]), record.get("params") or {}, lang, self)
            elif key == "outcome" and isinstance(value, str):
                fields[key] = self.outcome(value)
            elif key == "reason" and record.get("kind") == "staff" and isinstance(value, str):
                fields[key] = self.staff_reason(value)
            elif key == "stage" and isinstance(value, str):
                fields[key] = self.stage(value)
            elif key == "text" and record.get("kind") == "note" and isinstance(value, str):
                fields[key] = self.note(value)
            elif key == "command" and isinstance(value, str):
                fields[key] = self.command(value)
            elif key == "action" and isinstance(value, str):
                fields[key] = self.action(value)
            elif key == "target" and isinstance(value, str):
                fields[key] = self.target(value)
            elif key == "inject" and isinstance(value, str) and value in ex.injects:
                inj = ex.injects[value]
                fields[key] = short((inj.title or inj.text).get(lang))
            elif key == "module" and isinstance(value, str):
                m = next((m for m in ex.scenario.modules if m.id == value), None)
                fields[key] = m.title.get(lang) if m is not None else value
            elif key == "jumped" and isinstance(value, (int, float)):
                fields[key] = format_duration(int(value))
            elif key == "decision" and isinstance(value, str) and value in ex.decisions:
                fields[key] = short(ex.decisions[value].prompt.get(lang))
            elif key == "option" and isinstance(value, str) and record.get("decision") in ex.decisions:
                options = {o.id: o for o in ex.decisions[record["decision"]].options}
                opt = options.get(value)
                fields[key] = opt.label.get(lang) if opt is not None and opt.label else value
            else:
                fields[key] = value
        key = "tui.feed." + str(record.get("kind"))
        if record.get("kind") == "module-started" and record.get("jumped"):
            key += ".jump"  # "6h later — Module 2"
        if not _has_key(key, "en"):
            return str(record.get("kind"))
        try:
            return tr(key, lang, **fields)
        except (KeyError, IndexError, ValueError):
            return str(record.get("kind"))
