"""Immutable snapshots: what the UI renders, built on demand from a running exercise.

Players' view only: assets show what defenders can see (an undetected
foothold shows as healthy); ground truth stays in `truth`, for the facilitator.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from simulator.model.duration import format_offset

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise


@dataclass(frozen=True)
class AssetView:
    id: str
    name: str
    kind: str
    count: int
    display: str  # healthy, suspicious, compromised (only once detected), offline, isolated, encrypted, restoring
    states: tuple[str, ...]
    availability: str


@dataclass(frozen=True)
class ZoneView:
    id: str
    name: str
    isolated: bool
    assets: tuple[AssetView, ...]


@dataclass(frozen=True)
class FunctionView:
    id: str
    name: str
    status: str
    capacity_pct: float
    waiting: float
    treated: float
    diverted: float
    cancelled: float
    transferred: float
    paper_mode: bool
    elective_cancelled: bool


@dataclass(frozen=True)
class InboxView:
    t: float
    time: str
    kind: str
    ref: str
    channel: str
    sender: str
    to: tuple[str, ...]
    title: str
    text: str


@dataclass(frozen=True)
class DecisionView:
    id: str
    prompt: str
    options: tuple[tuple[str, str], ...]
    presented_at: float
    deadline: float
    default: str
    pause_clock: bool


@dataclass(frozen=True)
class ClockView:
    id: str
    state: str
    started: float | None
    deadline: float | None
    met_at: float | None
    basis: str


@dataclass(frozen=True)
class JobView:
    id: int
    action: str
    target: str
    staff: int
    queued_at: float
    started_at: float | None
    expected_end: float | None
    progress: float


@dataclass(frozen=True)
class StaffView:
    on_duty: int
    busy: int
    free: int
    queued_jobs: int


@dataclass(frozen=True)
class TruthView:
    """Ground truth for the facilitator: never shown to players during the run."""

    footholds: tuple[str, ...]
    domain_admin: bool
    stages: Mapping[str, str]
    evicted: bool


@dataclass(frozen=True)
class Snapshot:
    t: float
    clock: str
    wall_clock: str
    ended: bool
    paused_by: tuple[str, ...]
    zones: tuple[ZoneView, ...]
    services: Mapping[str, str]
    functions: tuple[FunctionView, ...]
    kpis: Mapping[str, object]
    inbox: tuple[InboxView, ...]
    pending_decisions: tuple[DecisionView, ...]
    clocks: tuple[ClockView, ...]
    staff: StaffView
    jobs: tuple[JobView, ...]
    recent_events: tuple[Mapping[str, object], ...]
    internet_cut: bool
    remote_access_disabled: bool
    truth: TruthView


def _visible_states(ex: "Exercise", asset: str) -> tuple[str, ...]:
    st = ex.state.status(asset)
    names = [s.value for s in st.states()]
    if "compromised" in names and not st.suspicious:
        names.remove("compromised")  # defenders do not know
    return tuple(names) or ("healthy",)


def build_snapshot(ex: "Exercise") -> Snapshot:
    lang = ex.lang
    now = ex.now
    model = ex.model
    level = ex.state._level
    names = ("up", "degraded", "down")
    zones = []
    for z, members in model.zone_assets.items():
        views = []
        for a in members:
            spec = model.assets[a]
            states = _visible_states(ex, a)
            views.append(AssetView(a, spec.name.get(lang), spec.kind.value, spec.count, states[0], states, names[level.get(a, 0)]))
        zones.append(ZoneView(z, model.zones[z].name.get(lang), z in ex.state.isolated_zones, tuple(views)))
    functions = []
    flow = ex.clinical
    for f, fl in flow.flows.items():
        # capacity as the function's state allows it now, not as of the last clinical tick:
        # a function that went down a minute ago shows 0 %, never "down, 100 %"
        capacity = 100.0 * flow.capacity_factor(fl, level.get(f, 0), now)
        functions.append(
            FunctionView(
                f, fl.spec.name.get(lang), names[level.get(f, 0)], round(capacity, 1), round(fl.waiting, 1),
                round(fl.treated, 1), round(fl.diverted, 1), round(fl.cancelled, 1), round(fl.transferred, 1),
                fl.paper_at is not None and fl.paper_at <= now, fl.cancel_elective,
            )
        )
    inbox = tuple(
        InboxView(i.t, format_offset(i.t), i.kind, i.ref, i.channel, i.sender, i.to, i.title, i.text) for i in ex.inbox
    )
    decisions = []
    for p in ex.pending_decisions():
        d = ex.decisions[p.id]
        decisions.append(
            DecisionView(
                p.id, d.prompt.get(lang), tuple((o.id, o.label.get(lang) if o.label else o.id) for o in d.options),
                p.presented_at, p.deadline, d.default, p.pause_clock,
            )
        )
    clocks = tuple(ClockView(c.id, c.state(), c.started, c.deadline, c.met_at, c.basis) for c in ex.clocks.values())
    jobs = tuple(
        JobView(j.id, j.action, j.asset or j.target, j.staff, j.queued_at, j.started_at,
                (j.started_at + j.duration) if j.started_at is not None else None, round(j.progress(now), 3))
        for j in ex.jobs
        if j.finished_at is None
    )
    staff = ex.staff
    queued = sum(1 for j in ex.jobs if j.started_at is None and j.finished_at is None)
    staff_view = StaffView(staff.on_duty, staff.busy(), staff.free(), queued) if staff else StaffView(0, 0, 0, queued)
    att = ex.attacker
    truth = TruthView(tuple(att.footholds), att.creds, MappingProxyType(dict(att.state)), att.evicted)
    return Snapshot(
        t=now,
        clock=format_offset(now),
        wall_clock=ex.calendar.wall(now).isoformat(timespec="minutes"),
        ended=ex.ended,
        paused_by=tuple(p.id for p in ex.pending_decisions() if p.pause_clock),
        zones=tuple(zones),
        services=MappingProxyType({s: names[level.get(s, 0)] for s in model.services}),
        functions=tuple(functions),
        kpis=MappingProxyType(ex.kpis()),
        inbox=inbox,
        pending_decisions=tuple(decisions),
        clocks=clocks,
        staff=staff_view,
        jobs=jobs,
        recent_events=tuple(MappingProxyType(e.to_record()) for e in ex.recent if not e.truth),
        internet_cut=ex.state.internet_cut,
        remote_access_disabled=ex.remote_access_disabled,
        truth=truth,
    )
