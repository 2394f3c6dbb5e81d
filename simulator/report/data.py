"""What the after-action report says, computed from a journal and nothing else.

The journal's records give the timeline, the acknowledgements and the response times; the
state over time (availability, patients, compromised machines), the objectives and the
regulatory clocks come from replaying it, which also proves the record is consistent.
Structured after the HSEEP AAR/IP (overview, analysis of capabilities, improvement plan)
and the ANSSI RETEX (chronologie, constats, plan d'action).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from simulator.engine.commands import Command
from simulator.engine.exercise import Exercise
from simulator.i18n import has, t as tr
from simulator.journal.commands import TEXT_KIND, UI_KIND
from simulator.journal.inputs import locate_inputs
from simulator.journal.replay import Journal, Replayer, build_exercise, load_journal
from simulator.model.duration import format_duration
from simulator.report.svg import GanttRow, Series, format_t, gantt, step_chart

KEY_EVENTS = frozenset(
    {
        "inject", "decision-presented", "decision-made", "alert-noticed", "fact", "clock-started", "clock-met",
        "clock-missed", "stage-done", "attacker-evicted", "recovered", "exercise-end", "note", "rating",
        "command-accepted",
    }
)
"""Engine events shown in the timeline; the rest (availability, assets, staff...) are in the charts."""
ASSET_EVENTS = frozenset({"stage-done", "asset-changed", "availability", "job-finished", "attacker-evicted"})
CLOCK_OWNER = {"cnil": "dpo", "cert-sante": "security", "anssi": "security", "police": "direction", "ars": "direction"}
PLAN_DUE_DAYS = 90


@dataclass(frozen=True)
class Row:
    """One timeline line: sim time, world time, wall time, category, who, what."""

    line: int
    t: float
    sim: str
    world: str
    wall: str
    category: str
    kind: str
    who: str
    text: str
    truth: bool = False


@dataclass(frozen=True)
class TaskRating:
    objective: str
    objective_text: str
    task: str
    text: str
    rating: str | None
    automatic: bool


@dataclass(frozen=True)
class ClockLine:
    id: str
    authority: str
    basis: str
    state: str
    started: float | None
    deadline: float | None
    met_at: float | None


@dataclass(frozen=True)
class Response:
    stimulus: str
    kind: str
    fired: float
    acknowledged: float | None
    first_action: float | None
    action: str


@dataclass(frozen=True)
class PlanItem:
    issue: str
    action: str
    element: str
    owner: str
    due: str


@dataclass
class ReportData:
    lang: str
    title: str
    file: str
    overview: list[tuple[str, str]]
    integrity_ok: bool
    integrity: list[tuple[str, str]]
    kpis: list[tuple[str, str]]
    rows: list[Row]
    charts: list[tuple[str, str]]  # (title, svg)
    tasks: list[TaskRating]
    objectives: list[tuple[str, str, str | None]]  # (id, text, overall rating)
    clocks: list[ClockLine]
    responses: list[Response]
    plan: list[PlanItem]
    questions: list[str] = field(default_factory=list)
    end: float = 0.0
    sources: tuple[str, ...] = ()  # the files read: the journal, scenario, network and policy (never to be overwritten)

    def L(self, name: str, /, **fields: Any) -> str:
        return tr("report." + name, self.lang, **fields)


# ---------------------------------------------------------------------------------------------


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


def _names(ex: Exercise, lang: str) -> dict[str, str]:
    m = ex.model
    out: dict[str, str] = {}
    for table in (m.zones, m.assets, m.services, m.functions):
        for key, spec in table.items():
            out[key] = spec.name.get(lang)
    return out


def _world(start: datetime, minutes: float, lang: str) -> str:
    """Exercise-world local time with a localised weekday: `sam. 14/03 01:10`."""
    moment = start + timedelta(minutes=minutes)
    return f"{_L(lang, f'weekday.{moment.weekday()}')} {moment.strftime('%d/%m %H:%M')}"


def _wall(wall: str) -> str:
    """2026-03-14T01:00:07.000Z -> 2026-03-14 01:00:07 UTC."""
    return wall[:19].replace("T", " ") + " UTC" if len(wall) >= 19 and wall.endswith("Z") else wall


def build_report(
    path: str | os.PathLike,
    lang: str = "fr",
    *,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
) -> ReportData:
    """Read, verify and replay a journal; InputError (exit 2) or JournalFailure (exit 1) when it cannot be trusted."""
    journal = load_journal(path)
    inputs = locate_inputs(journal.header, path, scenario=scenario, policy=policy)
    ex = build_exercise(inputs, journal)
    sampler = _AssetSampler(ex)
    ex.subscribe(sampler)
    replayer = Replayer(ex, journal)
    replayer.run_commands()
    replayer.run_to_end()
    data = _assemble(journal, ex, sampler, lang)
    data.sources = (str(path), *(str(p) for p in inputs.files))
    return data


def _L(lang: str, name: str, /, **fields: Any) -> str:
    return tr("report." + name, lang, **fields)


def _assemble(journal: Journal, ex: Exercise, sampler: _AssetSampler, lang: str) -> ReportData:
    data = journal.data
    sc = ex.scenario
    names = _names(ex, lang)
    start = datetime.fromisoformat(data["start"])
    end = float(ex.now)
    title = sc.title.get(lang)
    participants = ", ".join(f"{p['name']} ({p['role']})" for p in data.get("participants", [])) or _L(lang, "none")
    policy = data.get("policy")
    run_wall = journal.header.get("wall", "")
    overview = [
        (_L(lang, "overview.scenario"), f"{title} ({sc.id})"),
        (_L(lang, "overview.level"), _L(lang, "level." + sc.level)),
        (_L(lang, "overview.exercise-start"), start.strftime("%Y-%m-%d %H:%M %z")),
        (_L(lang, "overview.run-date"), _wall(run_wall)),
        (_L(lang, "overview.simulated"), f"{format_t(0)} → {format_t(end)} ({format_duration(int(max(end, 0)))})"),
        (_L(lang, "overview.network"), f"{ex.network.name.get(lang)} ({data['network']['file']})"),
        (_L(lang, "overview.participants"), participants),
        (_L(lang, "overview.mode"), _L(lang, "mode." + ("headless" if journal.mode == "headless" else "interactive"))),
        (_L(lang, "overview.policy"), f"{policy.get('id') or policy['file']}" if policy else _L(lang, "none")),
        (_L(lang, "overview.seed"), str(data["seed"])),
        (_L(lang, "overview.software"), str(data.get("software_version", "?"))),
    ]
    v = journal.verify
    integrity_ok = v.ok
    if v.ok:
        status = _L(lang, "integrity.intact", records=v.records)
    else:
        status = _L(lang, "integrity.unsealed", records=v.records)
    if v.signed:
        signature = _L(lang, "integrity.signed", fingerprint=v.key_fingerprint or "?")
    else:
        signature = _L(lang, "integrity.unsigned")
    integrity = [
        (_L(lang, "integrity.chain"), status),
        (_L(lang, "integrity.head"), v.head or "?"),
        (_L(lang, "integrity.signature"), signature),
        (_L(lang, "integrity.replay"), _L(lang, "integrity.replay-identical", events=len(journal.events()))),
        (_L(lang, "integrity.scenario-sha"), data["scenario"]["sha256"]),
    ]
    kpis = _kpis(ex, lang, names)
    rows = _timeline(journal, ex, lang, names, start)
    charts = _charts(journal, ex, sampler, lang, names, end)
    objectives, tasks = _objectives(ex, lang)
    clocks = [
        ClockLine(
            c.id, c.authority, ex.jurisdiction.clock(c.id).basis.get(lang),
            c.state(), c.started, c.deadline, c.met_at if c.started is not None else None,
        )
        for c in ex.clocks.values()
    ]
    responses = _responses(journal, ex, lang)
    run_day = _run_day(run_wall)
    plan = _plan(ex, tasks, clocks, lang, run_day)
    questions = [q.get(lang) for q in sc.facilitator.debrief_questions]
    return ReportData(
        lang=lang,
        title=title,
        file=str(journal.path),
        overview=overview,
        integrity_ok=integrity_ok,
        integrity=integrity,
        kpis=kpis,
        rows=rows,
        charts=charts,
        tasks=tasks,
        objectives=objectives,
        clocks=clocks,
        responses=responses,
        plan=plan,
        questions=questions,
        end=end,
    )


def _run_day(wall: str) -> date:
    try:
        return datetime.fromisoformat(wall.replace("Z", "+00:00")).date()
    except ValueError:
        return datetime.now(timezone.utc).date()


def _kpis(ex: Exercise, lang: str, names: dict[str, str]) -> list[tuple[str, str]]:
    k = ex.kpis()
    out = [
        (_L(lang, "kpi.ehr-downtime"), format_duration(int(k["ehr_downtime_minutes"]))),
        (_L(lang, "kpi.diverted"), f"{k['patients_diverted']:.0f}"),
        (_L(lang, "kpi.cancelled"), f"{k['procedures_cancelled']:.0f}"),
        (_L(lang, "kpi.transferred"), f"{k['patients_transferred']:.0f}"),
        (_L(lang, "kpi.ed-volume"), f"{k['ed_volume_change_week1_pct']:+.1f} %"),
        (_L(lang, "kpi.lab-turnaround"), f"{k['lab_turnaround_change_pct']:+.1f} %"),
        (_L(lang, "kpi.assets-encrypted"), f"{k['assets_encrypted']} ({k['machines_encrypted']} {_L(lang, 'machines')})"),
        (_L(lang, "kpi.records-exfiltrated"), f"{k['records_exfiltrated']:,}".replace(",", "\u202f")),
        (_L(lang, "kpi.ransom-paid"), _L(lang, "yes" if k["ransom_paid"] else "no")),
        (_L(lang, "kpi.recovered"), format_t(ex.recovered_at) if ex.recovered_at is not None else _L(lang, "not-recovered")),
    ]
    for service, minutes in k["service_downtime_minutes"].items():
        out.append((_L(lang, "kpi.downtime", service=names.get(service, service)), format_duration(int(minutes))))
    return out


# ---------------------------------------------------------------------------------------------
# The timeline


def _event_text(rec: dict, ex: Exercise, lang: str, names: dict[str, str]) -> str:
    kind = rec.get("kind")
    fields = {k: v for k, v in rec.items()}
    for key in ("asset", "node", "function"):
        if isinstance(fields.get(key), str):
            fields[key] = names.get(fields[key], fields[key])
    for key in ("to", "targets", "services"):
        if isinstance(fields.get(key), list):
            fields[key] = ", ".join(names.get(str(x), str(x)) for x in fields[key]) or _L(lang, "everyone")
    if kind == "inject":
        inj = ex.injects.get(str(rec.get("inject")))
        title = ""
        if inj is not None:
            title = inj.title.get(lang) if inj.title else inj.text.get(lang)
        fields["title"] = title or str(rec.get("inject"))
    if kind == "decision-presented":
        d = ex.decisions.get(str(rec.get("decision")))
        fields["prompt"] = d.prompt.get(lang) if d is not None else str(rec.get("decision"))
    for key in ("deadline",):
        if isinstance(fields.get(key), (int, float)):
            fields[key] = format_t(float(fields[key]))
    if kind == "fact":
        fact = str(rec.get("fact"))
        fields["fact"] = _L(lang, "fact." + fact) if has("report.fact." + fact, lang) else fact
        fields["detail"] = f" ({rec['detail']})" if rec.get("detail") else ""
    key = f"report.event.{kind}"
    if not has(key, lang):
        return str(kind)
    if "channel" in fields and has(f"report.channel.{fields['channel']}", lang):
        fields["channel"] = _L(lang, f"channel.{fields['channel']}")
    try:
        return tr(key, lang, **fields)
    except (KeyError, IndexError, ValueError, TypeError):
        return str(kind)


def _command_text(data: dict) -> str:
    if data.get("kind") == TEXT_KIND:
        return str(data.get("text", ""))
    try:
        return Command.from_record(data).text()
    except (ValueError, TypeError):
        return str(data.get("kind"))


def _command_label(data: dict, lang: str) -> str:
    """A command as the report reads it: notes and ratings in words, actions as typed."""
    kind = data.get("kind")
    if kind == "note" and isinstance(data.get("text"), str):
        return _L(lang, "command.note", text=data["text"])
    if kind == "rate" and all(isinstance(data.get(k), str) for k in ("objective", "task", "rating")):
        return _L(lang, "command.rate", objective=data["objective"], task=data["task"], rating=data["rating"])
    return _command_text(data)


def _ui_text(data: dict, lang: str) -> str:
    ui = str(data.get("ui"))
    fields = {k: v for k, v in data.items() if k not in ("kind", "ui", "by")}
    key = f"report.ui.{ui}"
    if has(key, lang):
        try:
            return tr(key, lang, **{"ref": "", "speed": "", "text": "", **fields})
        except (KeyError, IndexError, ValueError, TypeError):
            pass
    extra = ", ".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return f"{ui} {extra}".strip()


def _category(kind: str, source: str = "") -> str:
    if kind == "inject":
        return "inject"
    if kind.startswith("decision"):
        return "decision"
    if kind in ("command-accepted", "command-refused"):
        return "action"
    if kind in ("note", "rating"):
        return "evaluation"
    if kind.startswith("clock"):
        return "clock"
    return "event"


def _timeline(journal: Journal, ex: Exercise, lang: str, names: dict[str, str], start: datetime) -> list[Row]:
    rows: list[Row] = []
    body = journal.body
    commands_by_source: dict[str, int] = {}
    for index, (line, rec) in enumerate(body):
        data = rec["data"]
        t = float(rec["t"])
        common = dict(line=line, t=t, sim=format_t(t), world=_world(start, t, lang), wall=_wall(rec["wall"]))
        if rec["type"] == "command":
            by = str(data.get("by", ""))
            if data.get("kind") == UI_KIND:
                rows.append(Row(**common, category="ui", kind=str(data.get("ui")), who=by, text=_ui_text(data, lang)))
                continue
            text = _command_label(data, lang)
            outcome = _outcome(body, index, by, lang)
            commands_by_source[by] = commands_by_source.get(by, 0) + 1
            category = {"decide": "decision", "inject": "inject", "rate": "evaluation", "note": "evaluation"}.get(str(data.get("kind")), "action")
            rows.append(Row(**common, category=category, kind="command", who=by, text=f"{text} — {outcome}"))
            continue
        kind = str(data.get("kind"))
        if kind not in KEY_EVENTS:
            continue
        source = str(data.get("source", ""))
        if kind == "command-accepted" and not source.startswith(("policy", "decision:", "inject:")):
            continue  # the cell's own commands have their row, with the outcome
        if kind in ("note", "rating") or (kind == "fact" and data.get("fact") == "exercise-end"):
            continue  # shown with the command that made them / as the exercise-end event
        who = source or str(data.get("by", "")) or ("attacker" if data.get("truth") else "engine")
        if has("report.who." + who, lang):
            who = _L(lang, "who." + who)
        text = _event_text(data, ex, lang, names)
        if data.get("truth"):
            text = f"[{_L(lang, 'ground-truth')}] {text}"
        rows.append(Row(**common, category=_category(kind), kind=kind, who=who, text=text, truth=bool(data.get("truth"))))
    return rows


def _answer(body: list[tuple[int, dict]], index: int, by: str) -> dict | None:
    """The engine's answer to the command at `index`: the first accepted/refused event from its source."""
    source = by or "cell"  # what apply_recorded submits a command without `by` as
    for _line, rec in body[index + 1 :]:
        if rec["type"] == "command" and rec["data"].get("kind") != UI_KIND:
            break
        data = rec["data"]
        if data.get("kind") in ("command-accepted", "command-refused") and data.get("source") == source:
            return data
    return None


def _outcome(body: list[tuple[int, dict]], index: int, by: str, lang: str) -> str:
    answer = _answer(body, index, by)
    if answer is None:
        return _L(lang, "no-answer")
    if answer["kind"] == "command-accepted":
        return _L(lang, "accepted")
    return _L(lang, "refused", reason=answer.get("reason", ""))


# ---------------------------------------------------------------------------------------------
# Charts


def _charts(journal: Journal, ex: Exercise, sampler: _AssetSampler, lang: str, names: dict[str, str], end: float) -> list[tuple[str, str]]:
    charts = []
    levels: dict[str, list[tuple[float, str]]] = {}
    nodes = [*ex.model.services, *ex.model.functions]
    for _line, rec in journal.events():
        data = rec["data"]
        if data.get("kind") == "availability" and data.get("node_type") in ("service", "function"):
            levels.setdefault(str(data["node"]), []).append((float(rec["t"]), str(data["level"])))
    rows = []
    for node in nodes:
        changes = levels.get(node)
        if not changes:
            continue
        segments = []
        current, since = "up", 0.0
        for t, level in changes:
            if t <= 0:
                current = level
                continue
            if level != current:
                segments.append((since, t, current))
                current, since = level, t
        segments.append((since, max(end, since), current))
        label = names.get(node, node) + (" ⚕" if node in ex.model.functions else "")
        rows.append(GanttRow(label, tuple(segments)))
    legend = {lvl: _L(lang, "level-" + lvl) for lvl in ("up", "degraded", "down")}
    title = _L(lang, "chart.availability")
    charts.append((title, gantt(rows, max(end, 1.0), uid="chart-availability", title=title, legend=legend)))

    series = [row for row in ex.series if row[0] >= 0]
    cols = {"waiting": 3, "diverted": 4, "cancelled": 5}
    clinical = [
        Series(_L(lang, "chart.series." + name), tuple((float(r[0]), float(r[i])) for r in series)) for name, i in cols.items()
    ]
    title = _L(lang, "chart.clinical")
    charts.append((title, step_chart(clinical, max(end, 1.0), uid="chart-clinical", title=title, y_label=_L(lang, "chart.patients"))))

    pts = sampler.points
    at0 = [p for p in pts if p[0] <= 0]
    first = at0[-1] if at0 else (0.0, 0, 0)
    later = [p for p in pts if p[0] > 0]
    compromised = ((0.0, float(first[1])),) + tuple((p[0], float(p[1])) for p in later)
    encrypted = ((0.0, float(first[2])),) + tuple((p[0], float(p[2])) for p in later)
    title = _L(lang, "chart.assets")
    assets = [Series(_L(lang, "chart.series.compromised"), compromised), Series(_L(lang, "chart.series.encrypted"), encrypted)]
    charts.append((title, step_chart(assets, max(end, 1.0), uid="chart-assets", title=title, y_label=_L(lang, "machines"))))
    return charts


# ---------------------------------------------------------------------------------------------
# Objectives, response times, improvement plan


def _objectives(ex: Exercise, lang: str) -> tuple[list[tuple[str, str, str | None]], list[TaskRating]]:
    results = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
    by_id = {r["id"]: r for r in results}
    objectives, tasks = [], []
    for obj in ex.scenario.objectives:
        res = by_id.get(obj.id, {"rating": None, "tasks": []})
        ratings = {x["id"]: x for x in res["tasks"]}
        objectives.append((obj.id, obj.text.get(lang), res["rating"]))
        for task in obj.critical_tasks:
            r = ratings.get(task.id, {})
            tasks.append(
                TaskRating(
                    obj.id, obj.text.get(lang), task.id, task.text.get(lang) if task.text else "",
                    r.get("rating"), task.check is not None,
                )
            )
    return objectives, tasks


def _responses(journal: Journal, ex: Exercise, lang: str) -> list[Response]:
    """Stimulus -> acknowledgement and first action. Only what the cell did counts: a refused
    command did nothing, and a decision applied by default at its deadline was not taken."""
    stimuli: list[tuple[float, str, str, str]] = []  # (t, kind, ref, label)
    decisions_made: dict[str, float] = {}
    acks: list[tuple[float, str]] = []
    actions: list[tuple[float, str]] = []
    body = journal.body
    for index, (_line, rec) in enumerate(body):
        data, t = rec["data"], float(rec["t"])
        kind = data.get("kind")
        if rec["type"] == "command":
            if kind == UI_KIND:
                if data.get("ui") == "ack":
                    acks.append((t, str(data.get("ref", ""))))
            elif kind in ("act", "decide", TEXT_KIND):  # the cell's actions (not injects fired, ratings, notes)
                answer = _answer(body, index, str(data.get("by", "")))
                if answer is not None and answer["kind"] == "command-accepted":
                    actions.append((t, _command_text(data)))
            continue
        if kind == "inject":
            inj = ex.injects.get(str(data.get("inject")))
            label = (inj.title.get(lang) if inj and inj.title else None) or str(data.get("inject"))
            stimuli.append((t, "inject", str(data.get("inject")), label))
        elif kind == "alert-noticed":
            stimuli.append((t, "alert", str(data.get("alert")), f"{data.get('technique')} / {data.get('asset')}"))
        elif kind == "decision-presented":
            stimuli.append((t, "decision", str(data.get("decision")), str(data.get("decision"))))
        elif kind == "decision-made" and data.get("by") != "default":
            decisions_made.setdefault(str(data.get("decision")), t)
        elif kind == "command-accepted" and str(data.get("source", "")).startswith("policy"):
            actions.append((t, str(data.get("command"))))
    out = []
    for t, kind, ref, label in stimuli:
        ack = next((a for a, r in acks if r == ref and a >= t), None)
        if kind == "decision":
            first = decisions_made.get(ref)
            what = "" if first is None else _L(lang, "decision-taken")
        else:
            found = next(((a, w) for a, w in actions if a >= t), None)
            first, what = (found if found else (None, ""))
        out.append(Response(label, kind, t, ack, first, what))
    return out


def _plan(ex: Exercise, tasks: list[TaskRating], clocks: list[ClockLine], lang: str, run_day: date) -> list[PlanItem]:
    due = (run_day + timedelta(days=PLAN_DUE_DAYS)).isoformat()
    roles_for: dict[str, str] = {}
    for inj in ex.scenario.injects:
        for oid in inj.objectives:
            if inj.to and oid not in roles_for:
                roles_for[oid] = inj.to[0]
    for d in ex.scenario.decisions:
        for oid in d.objectives:
            if d.to and oid not in roles_for:
                roles_for[oid] = d.to[0]
    items = []
    for task in tasks:
        if task.rating in ("M", "U"):
            items.append(
                PlanItem(
                    issue=_L(lang, "plan.task-issue", task=task.text or task.task, objective=task.objective_text, rating=task.rating),
                    action=_L(lang, "plan.task-action-auto" if task.automatic else "plan.task-action-evaluator", task=task.text or task.task),
                    element=_L(lang, "element.training" if task.automatic else "element.organisation"),
                    owner=_L(lang, "plan.owner", role=roles_for.get(task.objective, "direction")),
                    due=due,
                )
            )
    for c in clocks:
        if c.state == "missed":  # a clock still running at the end has not been missed
            limit = format_duration(int(ex.jurisdiction.clock(c.id).minutes(ex.params)))
            items.append(
                PlanItem(
                    issue=_L(lang, "plan.clock-missed", clock=c.id, authority=c.authority),
                    action=_L(lang, "plan.clock-action", authority=c.authority, limit=limit),
                    element=_L(lang, "element.planning"),
                    owner=_L(lang, "plan.owner", role=getattr(ex.jurisdiction.authorities.get(c.authority), "seat", None) or CLOCK_OWNER.get(c.authority, "direction")),
                    due=due,
                )
            )
    return items
