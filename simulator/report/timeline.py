"""The exercise's chronology in words: every input and key engine event, each with its journal line.

`key` marks the lines that matter to a reader of the report (stimuli, decisions, the cell's
actions, clocks, facts, the attack's decisive steps); the appendix shows those and folds the
full chronology (every input, noise stimuli, refused commands, every attack step) under them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from simulator.journal.commands import UI_KIND
from simulator.journal.replay import Journal
from simulator.report import locale as fmt
from simulator.report.labels import Labels

KEY_FACTS = frozenset({"awareness", "crisis-declared", "encryption", "exfiltration", "personal-data-breach", "detection", "eradicated", "ransom-paid", "exercise-end"})
KEY_EFFECTS = frozenset({"initial-access", "exfiltration", "backup-destruction", "encryption"})
SHOWN = frozenset({
    "inject", "decision-presented", "decision-made", "alert-noticed", "fact", "clock-started", "clock-met", "clock-missed",
    "stage-done", "attacker-evicted", "recovered", "command-accepted", "command-refused", "decision-extended",
})


@dataclass(frozen=True)
class Row:
    line: int
    t: float
    sim: str
    world: str
    wall: str
    world_dt: datetime
    wall_dt: datetime | None
    category: str  # inject | decision | action | evaluation | clock | event | ui
    who: str
    text: str
    truth: bool = False
    key: bool = False


def _how(labels: Labels, detail: str) -> str:
    slug = detail.strip().replace(" ", "-")
    return labels.L(f"how.{slug}") if slug and labels.has(f"how.{slug}") else ""


def _fact_text(labels: Labels, data: dict) -> str:
    fact = str(data.get("fact"))
    detail = str(data.get("detail", "") or "")
    extra = ""
    if fact == "awareness":
        extra = _how(labels, detail)
    elif fact == "exfiltration" and detail.split(" ")[0].isdigit():
        extra = labels.L("detail.records", n=fmt.number(int(detail.split(" ")[0]), labels.lang))
    elif fact == "detection" and detail:
        extra = labels.L("detail.technique", technique=detail) if detail.startswith("T") else labels.stage(detail)
    elif fact == "exercise-end" and detail:
        extra = labels.L(f"end-reason.{detail}") if labels.has(f"end-reason.{detail}") else ""
    text = labels.fact(fact)
    return labels.L("event.fact", fact=text[:1].upper() + text[1:], detail=f" ({extra})" if extra else "")


def build_timeline(journal: Journal, labels: Labels, start: datetime, lang: str) -> list[Row]:
    rows: list[Row] = []
    L = labels.L
    body = journal.body
    pending: dict[str, tuple[int, dict]] = {}
    out_index: dict[int, int] = {}
    refused = -1  # rank of the current command-refused event  # line of a command -> index of its row (to add the engine's answer)

    def common(line: int, t: float, wall_text: str) -> dict:
        world = start + timedelta(minutes=t)
        wall_dt = fmt.parse_wall(wall_text)
        return dict(
            line=line, t=t, sim=fmt.offset(t, lang), world=fmt.short_moment(world, lang),
            wall=fmt.wall(wall_dt, lang) if wall_dt else "", world_dt=world, wall_dt=wall_dt,
        )

    for line, rec in body:
        data = rec["data"]
        t = float(rec["t"])
        kind = data.get("kind")
        base = common(line, t, str(rec.get("wall", "")))
        if rec["type"] == "command":
            by = str(data.get("by", "") or "cell")
            name = data.get("name") if isinstance(data.get("name"), str) else None
            who = labels.who(by, name)
            if kind == UI_KIND:
                ui = str(data.get("ui"))
                text, key = _ui_text(labels, data, ui)
                rows.append(Row(**base, category="ui" if ui != "observation" else "evaluation", who=who, text=text, key=key))
                continue
            text = labels.record_command(data)
            category = {"decide": "decision", "inject": "inject", "rate": "evaluation", "note": "evaluation"}.get(str(kind), "action")
            pending[by] = (line, data)
            out_index[line] = len(rows)
            rows.append(Row(**base, category=category, who=who, text=text, key=True))
            continue
        if kind not in SHOWN:
            continue
        source = str(data.get("source", ""))
        if kind in ("command-accepted", "command-refused"):
            if kind == "command-refused":
                refused += 1
            given = pending.pop(source, None)
            if given is not None and given[0] in out_index:
                i = out_index[given[0]]
                r = rows[i]
                if kind == "command-accepted":
                    rows[i] = _with(r, text=f"{r.text} — {L('accepted')}")
                else:
                    raw = str(data.get("reason", ""))
                    reason = labels.refusal(refused, raw)
                    meaningful = labels.reason(raw) in (L("reason.staff"), L("reason.eradication"), L("reason.ad-down"))
                    rows[i] = _with(r, text=f"{r.text} — {L('refused', reason=reason)}", key=meaningful)
                continue
            if kind == "command-refused":
                reason = labels.refusal(refused, str(data.get("reason", "")))
                text = f"{labels.command(str(data.get('command', '')))} — {L('refused', reason=reason)}"
                rows.append(Row(**base, category="action", who=labels.who(source), text=text, key=False))
            else:
                # a decision's own record and the option's effects are told by the decision-made line
                cmd = labels.parse(str(data.get("command", "")))
                key = not source.startswith("decision:") and not (cmd is not None and cmd.kind == "decide")
                rows.append(Row(**base, category="action", who=labels.who(source), text=labels.command(cmd), key=key))
            continue
        truth = bool(data.get("truth"))
        text, category, key, who = _event(labels, data, str(kind))
        if truth:
            text = f"{L('ground-truth')} — {text}"
        rows.append(Row(**base, category=category, who=who, text=text, truth=truth, key=key))
    return rows


def _with(r: Row, **changes) -> Row:
    from dataclasses import replace

    return replace(r, **changes)


def _ui_text(labels: Labels, data: dict, ui: str) -> tuple[str, bool]:
    L = labels.L
    if ui == "ack":
        ref = str(data.get("ref", ""))
        what = labels.inject(ref) if ref in labels.ex.injects else (labels.decision(ref) if ref in labels.ex.decisions else L("ui.an-alert"))
        return L("ui.ack", ref=what), False
    if ui == "observation":
        return L("ui.observation", text=str(data.get("text", ""))), True
    if ui == "speed":
        speed = data.get("speed")
        value = fmt.number(float(speed), labels.lang, 1 if isinstance(speed, float) and not float(speed).is_integer() else 0) if isinstance(speed, (int, float)) and not isinstance(speed, bool) else "?"
        return L("ui.speed", speed=value), False
    if ui in ("join", "leave") and isinstance(data.get("name"), str):
        seat = str(data.get("seat", ""))
        where = labels.role(seat.split(":", 1)[1]) if seat.startswith("cell:") else (labels.L(f"seat.{seat}") if labels.has(f"seat.{seat}") else labels.L("seat.players"))
        return L(f"ui.{ui}", name=data["name"], seat=where), False
    if ui in ("pause", "resume", "end", "mode", "session-resumed"):
        return L(f"ui.{ui}"), ui in ("end", "mode", "session-resumed")
    return L("ui.other"), False


def _event(labels: Labels, data: dict, kind: str) -> tuple[str, str, bool, str]:
    """(text, category, key, who) of an engine event."""
    L = labels.L
    engine = L("who.engine")
    if kind == "inject":
        iid = str(data.get("inject"))
        inj = labels.ex.injects.get(iid)
        to = [labels.role(str(r)) for r in data.get("to", []) or []]
        channel = str(data.get("channel", ""))
        text = L("event.inject", title=labels.inject(iid), channel=L(f"channel.{channel}") if labels.has(f"channel.{channel}") else "",
                 to=", ".join(to) if to else L("everyone"))
        if inj is not None and inj.contingency:
            text += f" ({L('contingency')})"
        if inj is not None and inj.noise:
            text += f" ({L('noise')})"
        sender = str(data.get("sender", "") or "")
        who = labels.persona(sender) if sender else L("who.animation")
        return text, "inject", not (inj is not None and inj.noise), who
    if kind == "decision-presented":
        did = str(data.get("decision"))
        return L("event.decision-presented", prompt=labels.decision(did), deadline=fmt.offset(float(data.get("deadline", 0)), labels.lang)), "decision", True, engine
    if kind == "decision-made":
        did = str(data.get("decision"))
        by = str(data.get("by", ""))
        return L("event.decision-made", decision=labels.decision(did), option=labels.option(did, str(data.get("option")))), "decision", True, labels.who(by)
    if kind == "decision-extended":
        did = str(data.get("decision"))
        return L("event.decision-extended", decision=labels.decision(did), deadline=fmt.offset(float(data.get("deadline", 0)), labels.lang)), "decision", True, labels.who(str(data.get("by", "")))
    if kind == "alert-noticed":
        return L("event.alert-noticed", technique=labels.technique(str(data.get("technique"))), asset=labels.node(str(data.get("asset")))), "event", True, engine
    if kind == "fact":
        fact = str(data.get("fact"))
        return _fact_text(labels, data), "event", fact in KEY_FACTS, engine
    if kind.startswith("clock-"):
        clock = labels.clock(str(data.get("clock")))
        if kind == "clock-started":
            return L("event.clock-started", clock=clock, deadline=fmt.offset(float(data.get("deadline", 0)), labels.lang)), "clock", False, engine
        return L(f"event.{kind}", clock=clock), "clock", True, engine
    if kind == "stage-done":
        effect = str(data.get("effect"))
        text = L("event.stage-done", stage=labels.stage(str(data.get("stage"))), technique=labels.technique(str(data.get("technique"))), effect=labels.effect(effect))
        return text, "event", effect in KEY_EFFECTS, L("who.attacker")
    if kind == "attacker-evicted":
        return L("event.attacker-evicted"), "event", True, engine
    if kind == "recovered":
        services = ", ".join(labels.node(str(s)) for s in data.get("services", []) or [])
        return L("event.recovered", services=services), "event", True, engine
    return L("event.other"), "event", False, engine
