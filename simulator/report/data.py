"""What the after-action report says, computed from a journal and nothing else.

The journal's records give the timeline, the evidence (with line numbers) and the response
times; the state over time, the objectives' checks and the regulatory clocks come from replaying
it, which also proves the record is consistent. Shaped as the HSEEP AAR/IP (executive summary,
analysis of capabilities with strengths and areas for improvement, improvement plan, appendices)
with the parts of the ANSSI RETEX (chronologie, constats, plan d'action).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from simulator.engine.exercise import Exercise
from simulator.journal.inputs import locate_inputs
from simulator.journal.replay import Journal, Replayer, build_exercise, load_journal
from simulator.report import locale as fmt
from simulator.report.charts import Chart, situation_charts, task_chart
from simulator.report.evidence import Evidence, participant_names, read_evidence
from simulator.report.findings import Finding, ObjectiveResult, Rater, capability_of
from simulator.report.followup import FollowUp
from simulator.report.labels import Labels
from simulator.report.outcomes import Outcome, measure_outcomes
from simulator.report.plan import Owners, PlanItem, build_plan
from simulator.report.responses import Response, nudges, responses
from simulator.report.summary import Summary, build_summary
from simulator.report.timeline import Row, build_timeline

ASSET_EVENTS = frozenset({"stage-done", "asset-changed", "availability", "job-finished", "attacker-evicted"})


@dataclass
class ClockLine:
    id: str
    name: str
    authority: str
    basis: str
    state: str  # not-started | running | met | missed (missed even if notified late)
    started: float | None
    deadline: float | None
    met_at: float | None
    margin: str
    lines: tuple[int, ...] = ()


@dataclass
class ReportData:
    lang: str
    title: str
    labels: Labels
    head: str | None
    integrity_ok: bool
    overview: list[tuple[str, str]]
    summary: Summary
    objectives: list[ObjectiveResult]
    exercise_findings: tuple[list[Finding], list[Finding]]  # strengths, areas for improvement tied to no objective
    clocks: list[ClockLine]
    responses: list[Response]
    plan: list[PlanItem]
    task_chart: Chart | None
    charts: list[Chart]
    rows: list[Row]
    participants: list[tuple[str, str]]
    integrity: list[tuple[str, str, bool]]  # (label, value, is a hash)
    kpis: list[tuple[str, str]]
    questions: list[str] = field(default_factory=list)
    end: float = 0.0
    run_day: date | None = None
    followup: FollowUp | None = None
    observations: list[tuple[str, str, str, int]] = field(default_factory=list)  # (time, who, text, line)
    sources: tuple[str, ...] = ()  # the files read: never to be overwritten by the report
    file: str = ""
    scenario_sha256: str = ""

    def L(self, name: str, /, **fields: Any) -> str:
        return self.labels.L(name, **fields)

    @property
    def head_short(self) -> str:
        return (self.head or "?")[:16]


class RefusalCodes:
    """The replay's refusals in order, with the code and parameters the journal does not keep."""

    def __init__(self) -> None:
        self.codes: list[tuple[str, dict]] = []

    def __call__(self, event: Any) -> None:
        if event.kind == "command-refused":
            self.codes.append((str(getattr(event, "code", "") or ""), dict(getattr(event, "params", {}) or {})))


class _AssetSampler:
    """Compromised and encrypted machines over time (read from the engine, never changed)."""

    def __init__(self, ex: Exercise):
        self.ex = ex
        self.points: list[tuple[float, int, int]] = []

    def __call__(self, event: Any) -> None:
        if event.kind not in ASSET_EVENTS:
            return
        state = self.ex.state
        compromised = encrypted = 0
        for a in self.ex.model.assets:
            st = state.status(a)
            compromised += st.compromised
            encrypted += st.encrypted
        point = (float(event.t), compromised, encrypted)
        if self.points and self.points[-1][1:] == point[1:]:
            return
        if self.points and self.points[-1][0] == point[0]:
            self.points[-1] = point
        else:
            self.points.append(point)


def build_report(
    path: str | os.PathLike,
    lang: str = "fr",
    *,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
    followup: FollowUp | None = None,
) -> ReportData:
    """Read, verify and replay a journal; InputError (exit 2) or JournalFailure (exit 1) when it cannot be trusted."""
    journal = load_journal(path)
    inputs = locate_inputs(journal.header, path, scenario=scenario, policy=policy)
    ex = build_exercise(inputs, journal)
    sampler = _AssetSampler(ex)
    ex.subscribe(sampler)
    codes = RefusalCodes()
    ex.subscribe(codes)
    replayer = Replayer(ex, journal)
    replayer.run_commands()
    replayer.run_to_end()
    data = assemble(journal, ex, sampler.points, lang, codes.codes)
    data.followup = followup
    data.sources = (str(path), *(str(p) for p in inputs.files))
    return data


def run_day(journal: Journal) -> date:
    wall = fmt.parse_wall(str(journal.header.get("wall", "")))
    return wall.date() if wall is not None else datetime.now(timezone.utc).date()


def assemble(journal: Journal, ex: Exercise, sampler_points: list[tuple[float, int, int]], lang: str,
             codes: list[tuple[str, dict]] | None = None) -> ReportData:
    labels = Labels(ex, lang, codes)
    L = labels.L
    data = journal.data
    sc = ex.scenario
    start = datetime.fromisoformat(data["start"]).replace(tzinfo=None)
    end = float(ex.now)
    day = run_day(journal)
    ev = read_evidence(journal, labels)
    people = participant_names(journal)

    # ratings, outcomes, findings
    results = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
    engine = {r["id"]: {x["id"]: x["rating"] for x in r["tasks"]} for r in results}
    rater = Rater(ex, ev, labels, nudges(ex, ev, labels))
    task_results = {
        obj.id: [rater.rate_task(i, obj, task, engine.get(obj.id, {}).get(task.id)) for task in obj.critical_tasks]
        for i, obj in enumerate(sc.objectives)
    }
    keys = {t.key for ts in task_results.values() for t in ts}
    outcomes = measure_outcomes(ex, ev, labels, end, keys)
    objectives: list[ObjectiveResult] = []
    used: set[int] = set()
    for i, obj in enumerate(sc.objectives):
        cap = capability_of(obj)
        mine = [k for k, oc in enumerate(outcomes) if (obj.id in oc.objectives) or (not oc.objectives and oc.capability == cap)]
        used.update(mine)
        caps, goods = [], []
        for k in mine:
            f = outcomes[k].finding
            f.objective = i
            (goods if outcomes[k].good else caps).append(f)
        objectives.append(rater.rate_objective(i, obj, task_results[obj.id], caps, goods))
    others = [oc for k, oc in enumerate(outcomes) if k not in used]
    exercise_findings = ([oc.finding for oc in others if oc.good], [oc.finding for oc in others if not oc.good])

    owners = Owners(labels, ev, people)
    plan = build_plan(objectives, outcomes, ex, labels, owners, day)
    mode = journal.mode
    summary = build_summary(ex, ev, labels, objectives, plan, exercise_findings, start, end, mode, fmt.day(day, lang), len(people))

    clocks = []
    for c in ex.clocks.values():
        margin = ""
        if c.met_at is not None and c.deadline is not None:
            margin = fmt.duration(c.deadline - c.met_at, lang) if c.met_at <= c.deadline else L("clock.late-by", late=fmt.duration(c.met_at - c.deadline, lang))
        elif c.state() == "running" and c.deadline is not None:
            margin = L("clock.left", left=fmt.duration(c.deadline - end, lang))
        lines = tuple(ev.clock_lines[(c.id, k)] for k in ("started", "met", "missed") if (c.id, k) in ev.clock_lines)
        clocks.append(ClockLine(c.id, labels.clock(c.id), labels.authority(c.authority), labels.clock_basis(c.id),
                                c.state(), c.started, c.deadline, c.met_at if c.started is not None else None, margin, lines))

    v = journal.verify
    integrity_ok = v.ok
    status = L("integrity.intact", records=fmt.number(v.records, lang)) if v.ok else L("integrity.unsealed", records=fmt.number(v.records, lang))
    signature = L("integrity.signed", fingerprint=v.key_fingerprint or "?") if v.signed else L("integrity.unsigned")
    integrity = [
        (L("integrity.chain"), status, False),
        (L("integrity.head"), v.head or "?", True),
        (L("integrity.signature"), signature, False),
        (L("integrity.replay"), L("integrity.replay-identical", events=fmt.number(len(journal.events()), lang)), False),
        (L("integrity.scenario-sha"), str(data["scenario"].get("sha256", "")), True),
        (L("integrity.network-sha"), str(data["network"].get("sha256", "")), True),
    ]
    participants = [(p["name"], _seat_label(labels, p)) for p in people]
    run_wall = fmt.parse_wall(str(journal.header.get("wall", "")))
    overview = [
        (L("overview.scenario"), sc.title.get(lang)),
        (L("overview.level"), L("level." + sc.level)),
        (L("overview.hospital"), labels.hospital()),
        (L("overview.exercise-start"), fmt.moment(start, lang)),
        (L("overview.run-date"), fmt.wall(run_wall, lang) if run_wall else "—"),
        (L("overview.simulated"), L("overview.span", start=fmt.offset(0, lang), end=fmt.offset(end, lang), duration=fmt.duration(max(end, 0), lang))),
        (L("overview.mode"), L("mode." + ("headless" if journal.mode == "headless" else "interactive"))),
        (L("overview.capabilities"), ", ".join(dict.fromkeys(labels.capability(o.capability) for o in objectives)) or L("none")),
    ]
    if ex.policy is not None:
        overview.append((L("overview.policy"), ex.policy.name.get(lang)))
    overview.append((L("overview.seed"), fmt.number(int(data["seed"]), lang) if isinstance(data.get("seed"), int) else "?"))
    overview.append((L("overview.software"), str(data.get("software_version", "?"))))
    k = ex.kpis()
    kpis = [
        (L("kpi.ehr-downtime"), fmt.duration(k["ehr_downtime_minutes"], lang)),
        (L("kpi.diverted"), fmt.count(k["patients_diverted"], lang)),
        (L("kpi.cancelled"), fmt.count(k["procedures_cancelled"], lang)),
        (L("kpi.transferred"), fmt.count(k["patients_transferred"], lang)),
        (L("kpi.ed-volume"), fmt.percent(k["ed_volume_change_week1_pct"], lang)),
        (L("kpi.lab-turnaround"), fmt.percent(k["lab_turnaround_change_pct"], lang)),
        (L("kpi.assets-encrypted"), L("kpi.assets-value", assets=fmt.number(k["assets_encrypted"], lang), machines=fmt.number(k["machines_encrypted"], lang))),
        (L("kpi.records-exfiltrated"), fmt.number(k["records_exfiltrated"], lang)),
        (L("kpi.ransom-paid"), L("yes" if k["ransom_paid"] else "no")),
        (L("kpi.recovered"), fmt.offset(ex.recovered_at, lang) if ex.recovered_at is not None else L("not-recovered")),
    ]
    for service, minutes in k["service_downtime_minutes"].items():
        kpis.append((L("kpi.downtime", service=labels.node(service)), fmt.duration(minutes, lang)))
    events = journal.events()
    charts = situation_charts(events, ex, ev, sampler_points, labels, end)
    observations = [(fmt.offset(t, lang), who, text, line) for t, line, who, text in ev.observations]
    return ReportData(
        lang=lang,
        title=sc.title.get(lang),
        labels=labels,
        head=v.head,
        integrity_ok=integrity_ok,
        overview=overview,
        summary=summary,
        objectives=objectives,
        exercise_findings=exercise_findings,
        clocks=clocks,
        responses=responses(events, ex, ev, labels),
        plan=plan,
        task_chart=task_chart(objectives, labels, end),
        charts=charts,
        rows=build_timeline(journal, labels, start, lang),
        participants=participants,
        integrity=integrity,
        kpis=kpis,
        questions=[q.get(lang) for q in sc.facilitator.debrief_questions],
        end=end,
        run_day=day,
        observations=observations,
        file=str(journal.path),
        scenario_sha256=str(data["scenario"].get("sha256", "")),
    )


def _seat_label(labels: Labels, p: dict) -> str:
    """A participant's seat in words: the scenario role they held, or the room seat (animation, evaluation)."""
    seat = p.get("seat") or ""
    role = p.get("role") or ""
    if seat.startswith("cell:"):
        return labels.role(seat.split(":", 1)[1])
    for key in (seat, role):
        if key and (key in {r.id for r in labels.sc.roles}):
            return labels.role(key)
    for key in (seat, role):
        if key and labels.has(f"seat.{key}"):
            return labels.L(f"seat.{key}")
    for key in (seat, role):
        from simulator.report.labels import seat_of

        s = seat_of(key) if key else None
        if s is not None:
            return labels.L(f"seat.{s}")
    return labels.humanise(role or seat) if (role or seat) else labels.L("seat.players")
