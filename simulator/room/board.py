"""The pieces of a situation shared by the seats that read one language: the hospital board
(zones, services, clinical functions), decisions, messages, clocks, jobs, what can be done.

Pure functions of the exercise's state and a `Namer` (names in one language): the session
decides which pieces a seat receives and caches them until an event they depend on happens.
`truth=True` is the facilitator's board (ground truth); `False`, what the cell knows
(`simulator.engine.knowledge`).
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from simulator.engine.knowledge import known_levels, known_states
from simulator.i18n import t as tr_raw
from simulator.room.describe import Namer, delay_text
from simulator.room.views import (
    ActionInfo,
    AssetView,
    AttachmentView,
    ClockView,
    DecisionView,
    FunctionView,
    InboxView,
    InjectInfo,
    JobView,
    ModuleView,
    OptionView,
    ServiceView,
    StaffView,
    TaskView,
    TruthView,
    ZoneView,
)

LEVELS = ("up", "degraded", "down")
TARGET_KINDS = {
    "asset": ("asset",), "zone": ("zone",), "asset-or-zone": ("zone", "asset"), "asset-or-service": ("service", "asset"),
    "function": ("function",), "function-or-all": ("function",), "function-count": ("function",),
}


def tr(key: str, lang: str, **fields: object) -> str:
    return tr_raw("tui." + key, lang, **fields)


def zones(ex, namer: Namer, truth: bool) -> tuple[ZoneView, ...]:
    out = []
    for z, members in ex.model.zone_assets.items():
        assets = []
        for a in members:
            spec = ex.model.assets[a]
            if truth:
                st = ex.state.status(a)
                states = tuple(s.value for s in st.states())
                compromised, encrypted = st.compromised, st.encrypted
            else:
                states = known_states(ex, a)
                compromised = encrypted = 0
            assets.append(AssetView(a, namer.name(a), spec.kind.value, spec.count, states[0], states, compromised, encrypted))
        out.append(ZoneView(z, namer.name(z), z in ex.state.isolated_zones, tuple(assets)))
    return tuple(out)


def levels(ex, truth: bool) -> Mapping[str, str]:
    """Availability of every node that is not up: the truth, or what the cell believes."""
    if truth:
        return {n: LEVELS[lv] for n, lv in ex.state._level.items() if lv}
    return known_levels(ex)


def services(ex, namer: Namer, truth: bool) -> tuple[ServiceView, ...]:
    found = levels(ex, truth)
    since = ex.level_since
    learnt = -float("inf") if truth else ex.facts.get("awareness", float("inf"))  # the cell learns of an outage on awareness
    return tuple(
        ServiceView(s, namer.name(s), found.get(s, "up"), max(since[s], learnt) if s in since and s in found else None)
        for s in ex.model.services
    )


def functions(ex, namer: Namer, truth: bool, history: Mapping[str, Iterable[float]]) -> tuple[FunctionView, ...]:
    found = levels(ex, truth)
    flow = ex.clinical
    now = ex.now
    turnaround = flow.lab_turnaround_change_pct()
    lab = getattr(flow, "lab_id", None)
    out = []
    for f, fl in flow.flows.items():
        level = found.get(f, "up")
        capacity = 100.0 * flow.factor_of(fl, LEVELS.index(level), now)
        out.append(
            FunctionView(
                f, namer.name(f), level, round(capacity, 1), round(fl.waiting, 1), round(fl.diverted, 1),
                round(fl.cancelled, 1), turnaround if f == lab else None, fl.paper_at is not None and fl.paper_at <= now,
                tuple(history.get(f, ())),
            )
        )
    return tuple(out)


def decisions(ex, namer: Namer, recipients: Callable[[Iterable[str]], tuple[str, ...]]) -> tuple[DecisionView, ...]:
    lang = namer.lang
    out = []
    for p in ex.pending_decisions():
        d = ex.decisions[p.id]
        out.append(
            DecisionView(
                p.id, d.prompt.get(lang), tuple(OptionView(o.id, o.label.get(lang) if o.label else o.id) for o in d.options),
                d.default, p.presented_at, p.deadline, namer.recipients(recipients(d.to)), p.pause_clock,
            )
        )
    return tuple(out)


TEXT_PREVIEW = 8000  # characters of a text handout shown in a message


def inbox(ex, namer: Namer, scenario_path=None) -> tuple[InboxView, ...]:
    return tuple(_inbox_view(ex, namer, i, item, scenario_path) for i, item in enumerate(ex.inbox))


def _inbox_view(ex, namer: Namer, key: int, item, scenario_path=None) -> InboxView:
    lang = namer.lang
    title, text, sender = item.title, item.text, item.sender
    attachments: tuple[AttachmentView, ...] = ()
    questions: tuple[str, ...] = ()
    if item.kind == "inject" and item.ref in ex.injects:
        inj = ex.injects[item.ref]
        title = inj.title.get(lang) if inj.title else ""
        text = inj.text.get(lang)
        if inj.from_ is not None:
            sender = namer.persona(inj.from_)
        attachments = tuple(attachment(a, lang, scenario_path) for a in inj.attachments)
        questions = tuple(q.get(lang) for q in inj.questions)
    elif item.kind == "decision" and item.ref in ex.decisions:
        text = ex.decisions[item.ref].prompt.get(lang)
        title = ""
    elif item.kind == "alert":
        title = tr("inbox.alert", lang, technique=item.title)
        text = namer.name(item.text) if item.text else ""
    return InboxView(key, item.t, item.kind, item.ref, item.channel, sender, namer.recipients(item.to), title, text, False, item.noise, attachments, questions)


def attachment(att, lang: str, scenario_path=None) -> AttachmentView:
    """A handout as its recipients see it: a text one is read here, on the host (a remote seat has no files)."""
    from simulator.model.attachments import AttachmentError, resolve

    title = att.title.get(lang) if att.title is not None else att.file
    if scenario_path is None:
        return AttachmentView(att.file, title, "text")
    try:
        found = resolve(scenario_path, att.file)
    except AttachmentError:
        return AttachmentView(att.file, title, "text")
    text = ""
    if found.kind == "text":
        text = found.path.read_bytes().decode("utf-8-sig")[:TEXT_PREVIEW]
    return AttachmentView(att.file, title, found.kind, text)


def module(ex, lang: str, full: bool) -> ModuleView | None:
    """The exercise's current module (its questions and expected outcomes for `full` readers)."""
    prog = ex.programme
    m = prog.module
    index = prog.current
    if m is None and prog.modules and prog.current < 0 and prog.opening is None:
        m, index = prog.modules[0], 0  # opens at T+0, with the clock's first step
    if m is None:
        return None
    nxt = prog.modules[index + 1] if index + 1 < len(prog.modules) else None
    return ModuleView(
        m.id, m.title.get(lang), index + 1, len(prog.modules), prog.started_at.get(m.id, 0.0),
        float(m.duration) if m.duration is not None else None,
        m.narrative.get(lang) if m.narrative is not None else "",
        tuple(q.get(lang) for q in m.questions) if full else (),
        tuple(x.get(lang) for x in m.expected) if full else (),
        nxt.title.get(lang) if nxt is not None else "", float(nxt.jump or 0) if nxt is not None else 0.0,
    )


def clocks(ex, lang: str) -> tuple[ClockView, ...]:
    j = ex.jurisdiction
    return tuple(ClockView(c.id, c.authority, c.state(), c.started, c.deadline, c.met_at, j.clock(c.id).name.get(lang)) for c in ex.clocks.values())


def staff(ex) -> StaffView | None:
    if ex.staff is None:
        return None
    queued = sum(1 for j in ex.jobs if j.started_at is None and j.finished_at is None)
    return StaffView(ex.staff.on_duty, ex.staff.busy(), ex.staff.free(), queued)


def jobs(ex, namer: Namer) -> tuple[JobView, ...]:
    now = ex.now
    return tuple(
        JobView(
            j.id, namer.action(j.action), namer.name(j.asset) if j.asset else namer.target(j.target), j.staff,
            "running" if j.started_at is not None else "queued",
            round(j.progress(now), 3), (j.started_at + j.duration) if j.started_at is not None else None,
        )
        for j in ex.jobs
        if j.finished_at is None
    )


def upcoming(ex) -> list[tuple[float, str, str]]:
    return ex.programme.upcoming()  # top-level stimuli and the open module's


def next_event_in(ex) -> float | None:
    ahead = upcoming(ex)
    return (ahead[0][0] - ex.now) if ahead else None


def conditional_pending(ex) -> int:
    """Stimuli and decisions still waiting on a condition: they may come before the next timed one."""
    n = sum(1 for i in ex.scenario.injects if i.when is not None and i.id not in ex.fired and not i.contingency)
    n += sum(1 for d in ex.scenario.decisions if d.when is not None and d.id not in ex.pending and d.id not in ex.decisions_made)
    return n


def truth(ex, namer: Namer) -> TruthView:
    att = ex.attacker
    threat = ex.scenario.threat
    stages = tuple((s.id, s.technique, att.state.get(s.id, "not-done")) for s in threat.stages) if threat is not None else ()
    flags = tuple(sorted(k for k, v in ex.flags.items() if v))
    return TruthView(
        threat.actor.name if threat is not None else "",
        tuple(namer.name(a) for a in att.footholds),
        stages,
        tuple(upcoming(ex)[:8]),
        flags + (("domain-admin",) if att.creds else ()) + (("evicted",) if att.evicted else ()),
    )


# ====================================================================== what can be done


def actions(ex, lang: str, unavailable: Callable[[str], str | None]) -> tuple[ActionInfo, ...]:
    return tuple(
        ActionInfo(
            aid, spec.name.get(lang), spec.description.get(lang) if spec.description else "", spec.target,
            spec.staff, delay_text(spec.duration), unavailable(aid) or "",
        )
        for aid, spec in sorted(ex.actions.items())
    )


def targets(ex, namer: Namer, action: str) -> tuple[tuple[str, str], ...]:
    """(command target, label) pairs the action accepts."""
    lang = namer.lang
    spec = ex.actions.get(action)
    if spec is None:
        return ()
    kind = spec.target
    if kind == "none":
        return (("", tr("action.no-target", lang)),)
    if kind == "choice":
        return tuple((c, namer.choice(action, c)) for c in spec.choices)
    out = [("all", tr("action.all", lang))] if kind == "function-or-all" else []
    for prefix in TARGET_KINDS[kind]:
        for ident in ex.index.ids(prefix):
            out.append((f"{prefix}:{ident}", f"{namer.name(ident)} ({tr('kind.' + prefix, lang)})"))
    return tuple(out)


def injects(ex, lang: str) -> tuple[InjectInfo, ...]:
    return tuple(
        InjectInfo(
            inj.id, (inj.title or inj.text).get(lang), float(inj.at) if inj.at is not None else None, inj.id in ex.fired,
            inj.contingency, inj.noise,
        )
        for inj in ex.scenario.all_injects
    )


def tasks(ex, namer: Namer) -> tuple[TaskView, ...]:
    lang = namer.lang
    results = {}
    if ex.objective_results is not None:
        for obj in ex.objective_results:
            for task in obj["tasks"]:
                results[(obj["id"], task["id"])] = task["rating"] or ""
    out = []
    for obj in ex.scenario.objectives:
        for i, task in enumerate(obj.critical_tasks):
            rating = ex.ratings.get((obj.id, task.id)) or results.get((obj.id, task.id), "")
            out.append(TaskView(obj.id, obj.text.get(lang), task.id, namer.task_text(obj, task, i), rating or "", task.check is not None))
    return tuple(out)
