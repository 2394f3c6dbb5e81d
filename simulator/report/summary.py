"""The one-page executive summary: what happened, the headline figures, three strengths, three areas
for improvement. Written for the director who signs the report and reads nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from simulator.engine.exercise import Exercise
from simulator.report import locale as fmt
from simulator.report.doctrine import RANK
from simulator.report.evidence import Evidence
from simulator.report.findings import Finding, ObjectiveResult
from simulator.report.labels import Labels
from simulator.report.plan import PlanItem

CONTAINMENT = ("isolate", "cut-internet", "disable-remote-access", "take-offline")


@dataclass
class Tile:
    label: str
    value: str
    note: str = ""
    bad: bool = False


@dataclass
class Summary:
    paragraphs: list[str]
    tiles: list[Tile]
    strengths: list[Finding] = field(default_factory=list)
    improvements: list[Finding] = field(default_factory=list)


def _pick(findings: list[Finding], n: int, key) -> list[Finding]:
    """The n best by `key`, one per objective first, then the rest: a summary that covers the exercise."""
    ranked = sorted(findings, key=key)
    out: list[Finding] = []
    seen: set[int] = set()
    for f in ranked:
        if f.objective not in seen or f.objective == -1:
            out.append(f)
            seen.add(f.objective)
        if len(out) == n:
            return out
    for f in ranked:
        if f not in out:
            out.append(f)
        if len(out) == n:
            break
    return out


def build_summary(ex: Exercise, ev: Evidence, labels: Labels, objectives: list[ObjectiveResult], plan: list[PlanItem],
                  exercise_findings: tuple[list[Finding], list[Finding]], start: datetime, end: float, mode: str, run_day_text: str,
                  participants: int) -> Summary:
    L = labels.L
    lang = labels.lang
    when = lambda t: fmt.offset(t, lang)  # noqa: E731
    paragraphs = []
    level = L(f"level.{ex.scenario.level}")
    if mode == "headless":
        who = L("summary.headless", policy=ex.policy.name.get(lang) if ex.policy is not None else L("who.policy"))
    else:
        who = L("summary.interactive", n=fmt.number(participants, lang)) if participants else L("summary.interactive-anon")
    paragraphs.append(L("summary.context", title=labels.sc.title.get(lang), level=level, hospital=labels.hospital(),
                        date=run_day_text, start=fmt.moment(start, lang), who=who))

    steps: list[tuple[float, str]] = []
    aware = ev.facts.get("awareness")
    if aware is not None:
        how = labels.L(f"how.{aware[2].replace(' ', '-')}") if aware[2] and labels.has(f"how.{aware[2].replace(' ', '-')}") else ""
        first = L("summary.aware", at=when(aware[0]), clock=fmt.short_moment(start + timedelta(minutes=aware[0]), lang), how=f", {how}" if how else "")
    else:
        first = L("summary.never-aware")
    crisis = ev.facts.get("crisis-declared")
    never = float("inf")
    steps.append((crisis[0], L("summary.crisis", at=when(crisis[0]))) if crisis else (never, L("summary.no-crisis")))
    contain = next((a for a in ev.actions if a.action in CONTAINMENT), None)
    steps.append((contain.t, L("summary.contain", at=when(contain.t), what=labels.act(contain.action, contain.raw_target))) if contain else (never, L("summary.no-contain")))
    notify = next((a for a in ev.actions if a.action == "notify"), None)
    if notify is not None:
        steps.append((notify.t, L("summary.notify", at=when(notify.t), whom=labels.target("notify", notify.target))))
    paper = next((a for a in ev.actions if a.action == "degraded-mode"), None)
    if paper is not None:
        steps.append((paper.t, L("summary.paper", at=when(paper.t))))
    steps.sort(key=lambda s: s[0])
    paragraphs.append(L("summary.steps", first=first, steps=L("summary.join").join(text for _t, text in steps)))

    k = ex.kpis()
    outcome = [L("summary.ehr", duration=fmt.duration(k["ehr_downtime_minutes"], lang))] if k["ehr_downtime_minutes"] > 0 else []
    if k["machines_encrypted"]:
        outcome.append(L("summary.encrypted", n=fmt.number(k["machines_encrypted"], lang)))
    if k["records_exfiltrated"]:
        outcome.append(L("summary.exfiltrated", n=fmt.number(k["records_exfiltrated"], lang)))
    outcome.append(L("summary.ransom-paid") if k["ransom_paid"] else L("summary.ransom-not-paid"))
    outcome.append(L("summary.recovered", at=when(ex.recovered_at)) if ex.recovered_at is not None else L("summary.not-recovered"))
    paragraphs.append(L("summary.outcome", duration=fmt.duration(end, lang), facts=L("summary.join").join(outcome)))

    counts = {r: sum(1 for o in objectives if o.final == r) for r in ("P", "S", "M", "U")}
    unrated = sum(1 for o in objectives if o.final is None)
    parts = [L(f"summary.count-{r}", n=fmt.number(n, lang)) for r, n in counts.items() if n]
    if unrated:
        parts.append(L("summary.count-none", n=fmt.number(unrated, lang)))
    high = sum(1 for i in plan if i.priority == "high")
    paragraphs.append(L("summary.ratings", total=fmt.number(len(objectives), lang), parts=L("summary.join-comma").join(parts) or L("none"),
                        items=fmt.number(len(plan), lang), high=fmt.number(high, lang)))

    clocks = [c for c in ex.clocks.values() if c.started is not None]
    met = sum(1 for c in clocks if c.state() == "met")
    running = sum(1 for c in clocks if c.state() == "running")
    missed = sum(1 for c in clocks if c.state() == "missed")
    tiles = [
        Tile(L("kpi.ehr-downtime"), fmt.duration(k["ehr_downtime_minutes"], lang), bad=k["ehr_downtime_minutes"] > 0),
        Tile(L("kpi.machines-encrypted"), fmt.number(k["machines_encrypted"], lang), L("kpi.assets-note", n=fmt.number(k["assets_encrypted"], lang)), bad=k["machines_encrypted"] > 0),
        Tile(L("kpi.records-exfiltrated"), fmt.number(k["records_exfiltrated"], lang), bad=k["records_exfiltrated"] > 0),
        Tile(L("kpi.cancelled"), fmt.count(k["procedures_cancelled"], lang), bad=k["procedures_cancelled"] > 0),
        Tile(L("kpi.diverted"), fmt.count(k["patients_diverted"], lang)),
        Tile(L("kpi.clocks"), L("kpi.clocks-value", met=fmt.number(met, lang), total=fmt.number(len(clocks), lang)),
             L("kpi.clocks-note", running=fmt.number(running, lang), missed=fmt.number(missed, lang)), bad=missed > 0),
    ]
    strengths = [f for o in objectives for f in o.strengths] + exercise_findings[0]
    improvements = [f for o in objectives for f in o.improvements] + exercise_findings[1]
    return Summary(
        paragraphs,
        tiles,
        _pick(strengths, 3, key=lambda f: (-f.weight, f.objective)),
        _pick(improvements, 3, key=lambda f: (-RANK.get(f.rating or "S", 0), f.objective)),
    )
