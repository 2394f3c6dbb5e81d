"""Every id the journal holds, as the reader's words: roles, people, stimuli, decisions, places.

The report never shows a scenario, network or engine id: a role is its name in the scenario
(or the usual name of that seat), a command is the action's name and its target's name, a
refusal is a reason in the reader's language. This module is the one place that turns ids
into labels, so the French report stays French and the English one English.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from simulator.engine.commands import Act, Command, Decide, Extend, FireInject, NoteCmd, Rate, parse_command
from simulator.engine.exercise import Exercise
from simulator.i18n import has, t as tr
from simulator.model.targets import resolve_target

# Usual names of the crisis-cell seats, for scenarios whose roles have no `name`.
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "crisis-lead": ("crisis-lead", "crisis", "lead", "pilote", "cellule", "directeur-de-garde", "on-call-director"),
    "direction": ("direction", "management", "dg", "ceo", "executive", "executive-management", "direction-generale"),
    "it": ("it", "dsi", "cio", "informatique", "si", "it-department"),
    "security": ("security", "rssi", "ciso", "ssi", "cyber", "cybersecurity"),
    "medical": ("medical", "medicale", "cme", "soins", "care", "dsirmt", "clinical", "nursing"),
    "communication": ("communication", "com", "comms", "press", "media"),
    "dpo": ("dpo", "legal", "juridique", "privacy", "data-protection"),
    "facilitator": ("facilitator", "animation", "animateur", "controller"),
    "evaluator": ("evaluator", "evaluateur", "observer", "observateur"),
    "players": ("players", "joueurs", "cell", "cellule-de-crise"),
}
# Words in a role's name that tell which seat it is (lower case, accents kept).
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "crisis-lead": ("pilote", "crisis-cell lead", "crisis lead", "directeur de garde", "director on call"),
    "it": ("dsi", "informatique", "it department", "systèmes d'information", "cio"),
    "security": ("rssi", "ciso", "sécurité", "security"),
    "medical": ("médical", "medical", "soins", "nursing", "cme"),
    "communication": ("communication",),
    "dpo": ("dpo", "juridique", "legal", "données personnelles"),
    "direction": ("direction générale", "executive", "directeur général", "ceo"),
}


def seat_of(role_id: str) -> str | None:
    """The usual seat a role id stands for ('dsi' -> 'it'), or None."""
    key = role_id.lower()
    for seat, aliases in ROLE_ALIASES.items():
        if key in aliases:
            return seat
    return None


def short(text: str, limit: int = 90) -> str:
    """A long prompt cut at its first question or at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    q = text.find("?")
    if 0 < q < limit:
        return text[: q + 1]
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


class Labels:
    """Labels of one exercise in one language."""

    def __init__(self, ex: Exercise, lang: str, codes: list[tuple[str, dict]] | None = None):
        self.ex = ex
        self.lang = lang
        self.sc = ex.scenario
        self.codes = list(codes or [])

    def L(self, name: str, /, **fields: Any) -> str:
        return tr("report." + name, self.lang, **fields)

    def has(self, name: str) -> bool:
        return has("report." + name, self.lang)

    # -- scenario --------------------------------------------------------------------------

    @cached_property
    def _roles(self) -> dict[str, Any]:
        return {r.id: r for r in self.sc.roles}

    def role(self, role_id: str) -> str:
        r = self._roles.get(role_id)
        if r is not None and r.name is not None:
            return r.name.get(self.lang)
        seat = seat_of(role_id)
        if seat is not None:
            return self.L(f"seat.{seat}")
        return self.humanise(role_id)

    def role_for_seat(self, seat: str) -> str | None:
        """The scenario role that plays a usual seat ('it' -> the role named DSI), or None."""
        for rid in self._roles:
            if seat_of(rid) == seat:
                return rid
        for rid, r in self._roles.items():
            if r.name is None:
                continue
            names = f"{r.name.get('fr')} {r.name.get('en')}".lower()
            if any(w in names for w in _ROLE_WORDS.get(seat, ())):
                return rid
        return None

    def humanise(self, ident: str) -> str:
        """Last resort for an id nobody named: words, not a code ('crisis-lead' -> 'Crisis lead')."""
        words = re.sub(r"[-_:.]+", " ", str(ident)).strip()
        return words[:1].upper() + words[1:] if words else "?"

    def persona(self, pid: str) -> str:
        for p in self.sc.personas:
            if p.id == pid:
                return p.name.get(self.lang)
        return self.humanise(pid)

    def inject(self, iid: str) -> str:
        inj = self.ex.injects.get(iid)
        if inj is None:
            return self.humanise(iid)
        if inj.title is not None:
            return inj.title.get(self.lang)
        return short(inj.text.get(self.lang), 70)

    def decision(self, did: str) -> str:
        d = self.ex.decisions.get(did)
        return short(d.prompt.get(self.lang)) if d is not None else self.humanise(did)

    def option(self, did: str, oid: str) -> str:
        d = self.ex.decisions.get(did)
        if d is not None:
            for o in d.options:
                if o.id == oid:
                    if o.label is not None:
                        return o.label.get(self.lang)
                    said = [self.act(e.action, self.normalise(e.action, e.target) or "") for e in o.effects if e.action]
                    return " ; ".join(said) if said else self.L("option.unnamed", n=d.options.index(o) + 1)
        return self.humanise(oid)

    def objective(self, oid: str) -> str:
        for o in self.sc.objectives:
            if o.id == oid:
                return o.text.get(self.lang)
        return self.humanise(oid)

    def task(self, oid: str, tid: str) -> str:
        for o in self.sc.objectives:
            if o.id == oid:
                for n, task in enumerate(o.critical_tasks, 1):
                    if task.id == tid:
                        if task.text is not None:
                            return task.text.get(self.lang)
                        if task.check is not None:
                            return self.check_text(task.check)
                        return self.L("task.unnamed", n=n, objective=o.text.get(self.lang))
        return self.humanise(tid)

    def stage(self, sid: str) -> str:
        for st in (self.sc.threat.stages if self.sc.threat is not None else ()):
            if st.id == sid:
                return st.name.get(self.lang) if st.name is not None else self.effect(st.effect or "none")
        if sid == "initial_access":
            return self.L("stage.initial-access")
        return self.humanise(sid)

    # -- network and engine ----------------------------------------------------------------

    @cached_property
    def _nodes(self) -> dict[str, str]:
        m = self.ex.model
        out: dict[str, str] = {}
        for table in (m.zones, m.assets, m.services, m.functions):
            for key, spec in table.items():
                out[key] = spec.name.get(self.lang)
        return out

    def node(self, nid: str) -> str:
        return self._nodes.get(nid) or self.humanise(nid)

    def hospital(self) -> str:
        return self.ex.network.name.get(self.lang)

    def action(self, aid: str) -> str:
        spec = self.ex.actions.get(aid)
        return spec.name.get(self.lang) if spec is not None else self.humanise(aid)

    def choice(self, value: str) -> str:
        return self.L(f"choice.{value}") if self.has(f"choice.{value}") else self.humanise(value)

    def target(self, action: str, target: str) -> str:
        """A command's target in words: 'zone:servers' -> the zone's name, 'ars' -> 'ARS'."""
        if not target:
            return ""
        if target == "all":
            return self.L("target.all")
        if ":" in target:
            return self.node(target.split(":", 1)[1])
        spec = self.ex.actions.get(action)
        if spec is not None and spec.target == "choice":
            if action == "notify":
                return self.authority(target)
            if action == "request-support":
                j = self.ex.jurisdiction
                if any(x.id == target for x in j.support) or target in j.authorities:
                    return j.support_name(target, self.lang)
            return self.choice(target)
        return self.node(target) if target in self._nodes else self.choice(target)

    def act(self, action: str, target: str = "", count: int = 0) -> str:
        name = self.action(action)
        what = self.target(action, target)
        if count:
            what = f"{what} ({count})" if what else str(count)
        return f"{name} : {what}" if what and self.lang == "fr" else (f"{name}: {what}" if what else name)

    def normalise(self, action: str, target: str | None) -> str | None:
        """A target as the engine records it (zone:servers, function:emergency, all), or None if it does not resolve."""
        spec = self.ex.actions.get(action)
        if spec is None:
            return None
        try:
            return resolve_target(action, spec, target or None, self.ex.index).text()
        except ValueError:
            return None

    def parse(self, text: str) -> Command | None:
        try:
            return parse_command(text, self.ex.index, self.ex.catalogue)
        except ValueError:
            return None

    def command(self, cmd: Command | str | None) -> str:
        """A command in words (never its text syntax)."""
        if isinstance(cmd, str):
            parsed = self.parse(cmd)
            if parsed is None:
                return self.L("command.unreadable")
            cmd = parsed
        if isinstance(cmd, Act):
            return self.act(cmd.action, cmd.target, cmd.count)
        if isinstance(cmd, Decide):
            return self.L("command.decide", decision=self.decision(cmd.decision), option=self.option(cmd.decision, cmd.option))
        if isinstance(cmd, FireInject):
            return self.L("command.inject", inject=self.inject(cmd.inject))
        if isinstance(cmd, Rate):
            return self.L("command.rate", task=self.task(cmd.objective, cmd.task), rating=cmd.rating)
        if isinstance(cmd, NoteCmd):
            return self.L("command.note", text=cmd.text_)
        if isinstance(cmd, Extend):
            from simulator.report import locale as fmt

            return self.L("command.extend", decision=self.decision(cmd.decision), minutes=fmt.duration(cmd.minutes, self.lang))
        return self.L("command.unreadable")

    def record_command(self, data: dict) -> str:
        """A journal command record in words."""
        kind = data.get("kind")
        if kind == "text":
            return self.L("command.typed", text=str(data.get("text", "")))
        try:
            return self.command(Command.from_record(data))
        except ValueError:
            return self.L("command.unreadable")

    def technique(self, tech: str) -> str:
        """An ATT&CK technique id as it is (T1486), or words when the engine has none."""
        return tech if re.fullmatch(r"T\d{4}(\.\d{3})?", str(tech)) else self.L("technique.unknown")

    def clock(self, cid: str) -> str:
        spec = self.ex.jurisdiction.clock(cid)
        if spec is not None:
            return spec.name.get(self.lang)
        return self.L(f"clock-name.{cid}") if self.has(f"clock-name.{cid}") else self.humanise(cid)

    def clock_basis(self, cid: str) -> str:
        spec = self.ex.jurisdiction.clock(cid)
        return spec.basis.get(self.lang) if spec is not None else ""

    def authority(self, aid: str) -> str:
        a = self.ex.jurisdiction.authorities.get(aid)
        return a.name.get(self.lang) if a is not None else self.choice(aid)

    def authority_seat(self, aid: str) -> str | None:
        a = self.ex.jurisdiction.authorities.get(aid)
        return a.seat if a is not None else None

    def capability(self, cap: str | None) -> str:
        return self.L(f"capability.{cap or 'operational-coordination'}")

    def element(self, el: str) -> str:
        return self.L(f"element.{el}")

    def care(self, axis: str) -> str:
        return self.L(f"care.{axis}")

    def fact(self, fact: str) -> str:
        return self.L(f"fact.{fact}") if self.has(f"fact.{fact}") else self.humanise(fact)

    def effect(self, effect: str) -> str:
        return self.L(f"effect.{effect}") if self.has(f"effect.{effect}") else self.humanise(effect)

    def who(self, by: str, name: str | None = None) -> str:
        """Who gave an input or made a decision: a participant's name, a seat, the simulated cell, the default."""
        if name:
            return name
        if by in ("policy", "default", "consistent", "engine", "attacker", "system", "what-if", "cell", "facilitator", "evaluator", "players"):
            return self.L(f"who.{by}")
        if by.startswith("policy"):
            return self.L("who.policy")
        if by.startswith("decision:"):
            return self.L("who.decision", decision=self.decision(by.split(":", 1)[1]))
        if by.startswith("inject:"):
            return self.L("who.inject", inject=self.inject(by.split(":", 1)[1]))
        if by.startswith("cell:"):
            return self.role(by.split(":", 1)[1])
        return self.role(by) if by else self.L("who.engine")

    codes: list[tuple[str, dict]] = []  # the replay's refusals, in journal order: (code, params)

    def refusal(self, index: int | None, reason: str) -> str:
        """The `index`-th refusal of the journal in the reader's language: the engine's own wording
        (its code, from the replay: the journal keeps only the English sentence), with labels and
        this report's times and durations; else the English reason classified."""
        if index is not None and 0 <= index < len(self.codes):
            from simulator.engine.refusals import refusal_text
            from simulator.report import locale as fmt

            code, params = self.codes[index]
            if code and params.get("target", None) != "":  # a target-less action reads badly in "{action} → {target}"
                local = dict(params)
                for k, v in params.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        if k in ("at", "frees_at", "destroyed_at", "since", "until"):
                            local[k] = fmt.offset(float(v), self.lang)
                        elif k in ("minutes", "max_minutes", "duration", "upper"):
                            local[k] = fmt.duration(float(v), self.lang)
                text = refusal_text(code, local, self.lang, _Namer(self))
                if text and text != code:
                    return text
        return self.reason(reason)

    def is_staff(self, index: int | None, reason: str) -> bool:
        if index is not None and 0 <= index < len(self.codes) and self.codes[index][0]:
            return self.codes[index][0].startswith("staff-busy")
        return self.reason(reason) == self.L("reason.staff")

    def reason(self, reason: str) -> str:
        """A refusal the engine gave in English, as a reason in the reader's language (never the raw text)."""
        r = reason.lower()
        for key, pattern in _REASONS:
            if re.search(pattern, r):
                return self.L(f"reason.{key}")
        return self.L("reason.other")

    def check_text(self, cond: Any) -> str:
        """A critical task with no text, described from its check (an action and its target)."""
        from simulator.model import conditions as c

        for _p, leaf in c.walk(cond):
            if isinstance(leaf, c.ActionDone):
                return self.act(leaf.action, self.normalise(leaf.action, leaf.target) or "")
            if isinstance(leaf, c.DecisionTaken):
                return self.decision(leaf.decision)
        return self.L("task.untitled")


class _Namer:
    """What `simulator.engine.refusals.refusal_text` asks of a namer, from the report's labels."""

    def __init__(self, labels: Labels):
        self._labels = labels
        self.ex = labels.ex

    def name(self, key: str) -> str:
        return self._labels.node(key)

    def action(self, action_id: str) -> str:
        return self._labels.action(action_id)

    def target(self, text: str) -> str:
        text = str(text)
        if ":" in text:
            return self._labels.node(text.split(":", 1)[1])
        if text in self._labels.ex.jurisdiction.authorities:
            return self._labels.authority(text)
        return self._labels.node(text) if text in self._labels._nodes else self._labels.choice(text)

    def task(self, objective: str, task: str) -> str:
        return self._labels.task(objective, task)


_REASONS: tuple[tuple[str, str], ...] = (
    ("staff", r"staff busy|technician"),
    ("already", r"already|is not (isolated|offline|cut|disabled|in degraded)|not being diverted|no cancelled"),
    ("eradication", r"eradicat"),
    ("ad-down", r"active directory is down"),
    ("not-yet", r"has not been put|starts at t\+0"),
    ("ended", r"exercise (has )?ended|is over"),
    ("nothing", r"nothing to|no patient|no elective|no clinical|no remote|no effect|asks for no ransom|has no"),
    ("unknown", r"unknown|not one of|needs a target|takes no target|give a number|acts on|placeholders|prefix"),
    ("checked", r"checked automatically"),
)
