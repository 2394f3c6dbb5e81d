"""Measured outcomes and their thresholds: what the engine measured, beyond the critical tasks.

Each outcome bears on a capability (or on the objectives a decision or an inject serves). One that
missed its threshold caps the objective's suggested rating (S or M): an objective whose tasks were
all done in time is still not P when, say, workstations were encrypted after the cell knew, or
the laboratory worked at half speed for three days. One that held is a strength. Thresholds are in
doctrine.py and explained in docs/report.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.exercise import Exercise
from simulator.report import doctrine as d
from simulator.report import locale as fmt
from simulator.report.evidence import Evidence, unmitigated_minutes
from simulator.report.findings import Finding
from simulator.report.labels import Labels


@dataclass
class Outcome:
    id: str
    capability: str
    finding: Finding
    good: bool = False
    objectives: tuple[str, ...] = ()  # explicit objective ids; empty: every objective of `capability`
    key: str = ""
    fix: str = ""
    seat: str = "crisis-lead"
    element: str = "planning"
    care: str | None = None


def measure_outcomes(ex: Exercise, ev: Evidence, labels: Labels, end: float, task_keys: set[str]) -> list[Outcome]:
    L = labels.L
    lang = labels.lang
    out: list[Outcome] = []
    aware = ev.awareness
    when = lambda t: fmt.offset(t, lang)  # noqa: E731

    # 1. machines encrypted after the cell knew
    if ev.encrypted and aware is not None:
        assets = ex.model.assets
        total = sum(assets[a].count for a in ev.encrypted if a in assets)
        late = sorted((t, line, a) for a, (t, line) in ev.encrypted.items() if t > aware and a in assets)
        n = sum(assets[a].count for _t, _l, a in late)
        if late:
            share = n / total if total else 1.0
            rating = "M" if share >= d.LATE_ENCRYPTION_M_SHARE else "S"
            names = ", ".join(labels.node(a) for _t, _l, a in late[:3])
            if len(late) > 3:
                names += L("outcome.and-more", n=fmt.number(len(late) - 3, lang))
            span = when(late[0][0]) if late[0][0] == late[-1][0] else L("outcome.span", first=when(late[0][0]), last=when(late[-1][0]))
            text = L("outcome.late-encryption", n=fmt.number(n, lang), aware=when(aware), span=span, names=names)
            out.append(Outcome("late-encryption", "cybersecurity", Finding(text, tuple(line for _t, line, _a in late[:3]), rating, key="outcome:late-encryption"),
                               key="outcome:late-encryption", fix=L("fix.outcome.late-encryption"), seat="it", element="planning"))
        else:
            text = L("outcome.no-late-encryption", aware=when(aware))
            out.append(Outcome("late-encryption", "cybersecurity", Finding(text, (), weight=1.5), good=True))

    # 2. data stolen after the cell knew
    if aware is not None:
        late_exfil = [(t, line, targets) for t, line, _s, effect, targets in ev.stages if effect == "exfiltration" and t > aware]
        records = sum(ex.model.assets[a].records for _t, _l, targets in late_exfil for a in targets if a in ex.model.assets)
        if records > 0:
            text = L("outcome.late-exfiltration", records=fmt.number(records, lang), aware=when(aware), at=when(late_exfil[0][0]))
            out.append(Outcome("late-exfiltration", "cybersecurity", Finding(text, tuple(x[1] for x in late_exfil[:3]), "M", key="outcome:late-exfiltration"),
                               key="outcome:late-exfiltration", fix=L("fix.outcome.late-exfiltration"), seat="security", element="planning"))

    # 3. clinical functions left fully down (no degraded mode) after the cell knew
    if aware is not None:
        hit, held = [], []
        for f in ex.model.functions:
            changes = ev.levels.get(f)
            if not changes:
                continue
            minutes, line = unmitigated_minutes(changes, ev.paper.get(f, []), aware, end)
            if minutes > d.UNMITIGATED_DOWN_S:
                hit.append((minutes, f, line))
            elif any(lvl != "up" for _t, lvl, _l in changes):
                held.append(f)
        if hit:
            hit.sort(reverse=True)
            rating = "M" if hit[0][0] > d.UNMITIGATED_DOWN_M else "S"
            parts = ", ".join(L("outcome.fn-down-part", function=labels.node(f), duration=fmt.duration(m, lang)) for m, f, _l in hit[:4])
            more = L("outcome.and-more", n=fmt.number(len(hit) - 4, lang)) if len(hit) > 4 else ""
            text = L("outcome.unmitigated-down", parts=parts, more=more, threshold=fmt.duration(d.UNMITIGATED_DOWN_S, lang))
            functions = ", ".join(labels.node(f) for _m, f, _l in hit[:4])
            out.append(Outcome("unmitigated-down", "healthcare", Finding(text, tuple(l for _m, _f, l in hit[:4] if l), rating, key="outcome:unmitigated-down"),
                               key="outcome:unmitigated-down", fix=L("fix.outcome.unmitigated-down", functions=functions), seat="medical", element="equipment"))
        elif held:
            text = L("outcome.degraded-in-time", n=fmt.number(len(held), lang), threshold=fmt.duration(d.UNMITIGATED_DOWN_S, lang))
            out.append(Outcome("unmitigated-down", "healthcare", Finding(text, (), weight=1.2), good=True))

    # 4. laboratory turnaround and ED volume against published references
    k = ex.kpis()
    lab = float(k.get("lab_turnaround_change_pct", 0.0))
    if lab > d.LAB_TURNAROUND_REF:
        text = L("outcome.lab-turnaround", value=fmt.percent(lab, lang), ref=fmt.percent(d.LAB_TURNAROUND_REF, lang, 0))
        lines = tuple(l for _t, lvl, l in ev.levels.get("laboratory", [])[:1])
        out.append(Outcome("lab-turnaround", "healthcare", Finding(text, lines, "S", key="outcome:lab-turnaround"),
                           key="outcome:lab-turnaround", fix=L("fix.outcome.lab-turnaround"), seat="medical", element="planning"))
    ed = float(k.get("ed_volume_change_week1_pct", 0.0))
    if ed < d.ED_VOLUME_REF:
        text = L("outcome.ed-volume", value=fmt.percent(ed, lang), ref=fmt.percent(d.ED_VOLUME_REF, lang, 0))
        out.append(Outcome("ed-volume", "healthcare", Finding(text, (), "S", key="outcome:ed-volume"),
                           key="outcome:ed-volume", fix=L("fix.outcome.ed-volume"), seat="medical", element="planning"))

    # 5. regulatory clocks
    for clock in ex.clocks.values():
        if clock.started is None:
            continue
        name = labels.clock(clock.id)
        key = f"act:notify:{clock.authority}"
        if clock.missed_at is not None:
            late = clock.met_at is not None
            rating = "M" if late else "U"
            text = L("outcome.clock-late" if late else "outcome.clock-missed", clock=name, deadline=when(clock.deadline or 0), at=when(clock.met_at or 0))
            line = ev.clock_lines.get((clock.id, "missed"))
            out.append(Outcome("clock", "information-sharing", Finding(text, (line,) if line else (), rating, key=key), key=key,
                               fix=L(f"fix.clock.{clock.id}") if labels.has(f"fix.clock.{clock.id}") else L("fix.clock", clock=name),
                               seat=labels.authority_seat(clock.authority) or d.NOTIFY_SEAT.get(clock.authority, "direction"), element="planning"))
        elif clock.met_at is not None:
            margin = fmt.duration((clock.deadline or 0) - clock.met_at, lang)
            line = ev.clock_lines.get((clock.id, "met"))
            out.append(Outcome("clock", "information-sharing", Finding(L("outcome.clock-met", clock=name, at=when(clock.met_at), margin=margin), (line,) if line else (), weight=1.4), good=True))

    # 6. decisions left to their default, or settled against good practice
    for dec in ex.scenario.all_decisions:
        made = ev.made.get(dec.id)
        if made is None:
            continue
        objectives = tuple(dec.objectives)
        label = labels.decision(dec.id)
        if made.by == "default":
            text = L("outcome.decision-default", decision=label, option=labels.option(dec.id, made.option), at=when(made.t))
            out.append(Outcome("decision-default", "operational-coordination", Finding(text, (made.line,), "S", key=f"decision:{dec.id}"), objectives=objectives,
                               key=f"decision:{dec.id}", fix=L("fix.outcome.decision-default", decision=label), seat="crisis-lead", element="organisation"))
        elif dec.recommended and made.option != dec.recommended:
            text = L("outcome.decision-other", decision=label, option=labels.option(dec.id, made.option), recommended=labels.option(dec.id, dec.recommended))
            out.append(Outcome("decision-other", "operational-coordination", Finding(text, (made.line,), "S", key=f"decision:{dec.id}"), objectives=objectives,
                               key=f"decision:{dec.id}", fix=L("fix.outcome.decision-other", decision=label, recommended=labels.option(dec.id, dec.recommended)),
                               seat="crisis-lead", element="planning"))
        elif dec.recommended:
            presented = ev.presented.get(dec.id)
            delay = fmt.duration(made.t - presented[0], lang) if presented else ""
            text = L("outcome.decision-good", decision=label, option=labels.option(dec.id, made.option), delay=delay)
            out.append(Outcome("decision-good", "operational-coordination", Finding(text, (made.line,), weight=1.1), good=True, objectives=objectives))

    # 7. commands refused for lack of staff
    staff = [r for r in ev.refusals if labels.is_staff(r.index, r.reason)]
    if staff:
        text = L("outcome.staff", n=fmt.number(len(staff), lang), first=when(staff[0].t))
        cap = d.ACTION_CAPABILITY.get(staff[0].action or "", "cybersecurity")
        out.append(Outcome("staff", cap, Finding(text, tuple(r.line for r in staff[:3]), "S", key="outcome:staff"), key="outcome:staff",
                           fix=L("fix.outcome.staff"), seat="it", element="organisation", care="resources"))
    return out
