"""How long an action would take if given now, from the computation the engine will run.

`estimate(ex, command)` plans the action with the engine's own checks and units of work
(`Exercise._plan_act` in its dry mode: each duration is its distribution's mean, then its
upper bound, nothing drawn), then replays the technicians' queue as the engine's SimPy
resource will serve it: the jobs running now end when the engine has them end, the jobs
already waiting start first (first come, first served, request by request), the shifts
change the technicians on duty at the times the calendar says (nobody leaves mid-job), a
recall ordered arrives after the network's `recall_delay`, outside support already asked
arrives when its request ends. It then says when each unit would start and end, what it
waits for, and what it leaves out (`leaves_out` codes, catalogue
`engine.estimate.leaves-out.<code>`). Nothing here changes the run or draws from it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.engine.commands import Act, CommandSyntaxError, parse_command
from simulator.engine.refusals import Refused
from simulator.i18n import t
from simulator.model.duration import format_duration, format_offset

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

HORIZON_DAYS = 120.0  # a queue that does not drain within this is reported as such, not looped on


@dataclass(frozen=True)
class UnitEstimate:
    """One piece of the work (a restore of one asset...): when it starts and ends."""

    asset: str
    detail: str
    work_mean: float  # minutes of work, mean of its distribution (plus the fixed part)
    work_upper: float  # minutes of work, upper bound (90th percentile or maximum)
    start: float | None  # sim time it gets its technicians (mean case); None beyond the horizon
    end_mean: float | None
    start_upper: float | None
    end_upper: float | None


@dataclass(frozen=True)
class Estimate:
    command: str
    action: str
    target: str
    refused: tuple[str, dict[str, Any]] | None = None  # (code, params): what the engine would answer now
    available_at: float | None = None  # refused now, possible from then (an eradication running)
    staff: int = 0  # technicians each unit needs
    units: tuple[UnitEstimate, ...] = ()
    skipped: tuple[dict[str, Any], ...] = ()  # assets of the target the command would not cover now ({code, params})
    effect_at: float | None = None  # when the effect lands if later than the work (paper procedures' activation)
    waits: tuple[tuple[str, dict[str, Any]], ...] = ()  # (code, params): what the start waits for
    leaves_out: tuple[str, ...] = ()
    now: float = 0.0

    @property
    def start(self) -> float | None:
        starts = [u.start for u in self.units if u.start is not None]
        return min(starts) if starts else None

    @property
    def end_mean(self) -> float | None:
        ends = [u.end_mean for u in self.units]
        return max(ends) if ends and None not in ends else None

    @property
    def end_upper(self) -> float | None:
        ends = [u.end_upper for u in self.units]
        return max(ends) if ends and None not in ends else None

    def text(self, lang: str, namer: Any = None) -> str:
        """One line for the room: "~1d 20h (≤ 3d 2h) · starts T+5h10 (technicians busy)"."""
        from simulator.engine.refusals import refusal_text

        if self.refused is not None:
            out = t("engine.estimate.refused", lang, reason=refusal_text(self.refused[0], self.refused[1], lang, namer))
            if self.available_at is not None:
                out += " " + t("engine.estimate.available", lang, at=format_offset(self.available_at))
            return out
        if not self.units or all(u.work_upper <= 0 and u.start is not None and u.start <= self.now + 1e-9 for u in self.units):
            if self.effect_at is not None and self.effect_at > self.now + 1e-9:
                return t("engine.estimate.effect", lang, at=format_offset(self.effect_at))
            return t("engine.estimate.at-once", lang)
        if self.end_mean is None or self.end_upper is None:
            return t("engine.estimate.beyond", lang, days=int(HORIZON_DAYS))
        mean, upper = _rounded(self.end_mean - self.now), _rounded(self.end_upper - self.now)
        if upper > mean:
            out = t("engine.estimate.duration", lang, mean=format_duration(mean), upper=format_duration(upper))
        else:
            out = t("engine.estimate.about", lang, mean=format_duration(mean))
        if self.start is not None and self.start > self.now + 1e-9:
            out += " · " + t("engine.estimate.starts", lang, at=format_offset(self.start))
        if self.effect_at is not None and self.effect_at > self.now + 1e-9:
            out += " · " + t("engine.estimate.effect", lang, at=format_offset(self.effect_at))
        if self.skipped:
            out += " · " + t("engine.estimate.skipped", lang, n=len(self.skipped))
        return out

    def leaves_out_text(self, lang: str) -> list[str]:
        return [t("engine.estimate.leaves-out." + code, lang) for code in self.leaves_out]


def _rounded(minutes: float) -> int:
    """Estimates, not promises: minutes under 2 h, hours under 2 days, half-days beyond."""
    step = 1 if minutes < 120 else 60 if minutes < 2880 else 720
    return int(round(minutes / step) * step)


def estimate(ex: "Exercise", command: Act | str, source: str = "cell") -> Estimate:
    if isinstance(command, str):
        try:
            command = parse_command(command, ex.index, ex.catalogue)
        except CommandSyntaxError as exc:
            return Estimate(command, "", "", refused=(exc.code, dict(exc.params)), now=ex.now)
    if not isinstance(command, Act):
        refused = ex.would_refuse(command, source)
        return Estimate(command.text(), "", "", refused=refused, now=ex.now)
    text = command.text()
    refused = ex.would_refuse(command, source)
    if refused is not None:
        return Estimate(
            text, command.action, command.target, refused=refused, available_at=_available_at(ex, refused[0]),
            leaves_out=_leaves_out(ex, command.action, refused=True), now=ex.now,
        )
    response = ex.response
    plans = {}
    skipped: tuple = ()
    for mode in ("mean", "upper"):
        response.skipped = []
        try:
            spec, target, units, need = ex._plan_act(command, source, dry=mode)
        except Refused as exc:  # cannot differ from would_refuse: the same checks
            return Estimate(text, command.action, command.target, refused=(exc.code, dict(exc.params)), now=ex.now)
        finally:
            skipped = tuple(response.skipped)
            response.skipped = None
        plans[mode] = units
    staff = need if ex.staff is not None else 0
    mean_units, upper_units = plans["mean"], plans["upper"]
    starts_mean = _schedule(ex, [(u.minutes, staff) for u in mean_units])
    starts_upper = _schedule(ex, [(u.minutes, staff) for u in upper_units])
    arrival = _support_arrival(ex) if command.action == "eradicate" else None
    out = []
    for um, uu, sm, su in zip(mean_units, upper_units, starts_mean, starts_upper):
        out.append(UnitEstimate(
            um.asset, um.detail, um.minutes, uu.minutes,
            sm, _end(ex, sm, um, arrival), su, _end(ex, su, uu, arrival),
        ))
    waits = _waits(ex, out, staff)
    effect_at = None
    if command.action == "degraded-mode" and mean_units:
        flows = ex.clinical.flows
        delays = [float(flows[f].spec.degraded_mode.activation_delay) for f in mean_units[0].detail.split(",") if f in flows]
        effect_at = ex.now + max(delays) if delays else None
    return Estimate(
        text, command.action, target.text(), staff=staff, units=tuple(out), skipped=skipped, effect_at=effect_at,
        waits=waits, leaves_out=_leaves_out(ex, command.action), now=ex.now,
    )


def _support_arrival(ex: "Exercise") -> float | None:
    """When the first outside support asked and not yet there arrives (its request's end)."""
    if ex.support_arrived:
        return None
    ends = [j.started_at + j.duration for j in ex.jobs if j.action == "request-support" and j.finished_at is None and j.started_at is not None]
    return min(ends) if ends else None


def _end(ex: "Exercise", start: float | None, unit, arrival: float | None) -> float | None:
    """A unit's end; an investigation not yet supported goes faster from support's arrival on
    (Exercise.speed_up_investigation: the rest of the work times `support_factor`)."""
    if start is None:
        return None
    minutes = unit.minutes if hasattr(unit, "minutes") else unit.duration  # a planned unit or a running job
    end = start + minutes
    if arrival is not None and not unit.supported and arrival < end:
        end = max(arrival, start) + (end - max(arrival, start)) * float(ex.actions["eradicate"].params["support_factor"])
    return end


def _available_at(ex: "Exercise", code: str) -> float | None:
    """When a refusal that only waits for running work lifts (restore while eradication runs)."""
    if code in ("eradication-running", "before-eradication"):
        arrival = _support_arrival(ex)
        mirrors = {id(m) for j in ex.jobs for m in j.linked}  # a takeover ends with the job it took over
        running = [j for j in ex.jobs if j.action == "eradicate" and j.finished_at is None and id(j) not in mirrors]
        if not running:
            return None
        queued = _schedule(ex, [], queued=True)
        ends = [_end(ex, j.started_at if j.started_at is not None else queued.get(j.id), j, arrival) for j in running]
        return None if None in ends else max(ends)
    return None


def _leaves_out(ex: "Exercise", action: str, refused: bool = False) -> tuple[str, ...]:
    out = ["chance"]
    if ex.staff is not None:
        out.append("staff-later")
    if ex.scenario.threat is not None and not ex.eradicated:
        out.append("attacker")
    if action == "eradicate" and not ex.support_requested:
        out.append("support-speedup")
    if action in ("restore", "rebuild"):
        out.append("later-work")
    if action == "degraded-mode":
        out.append("clinical-effect")
    return tuple(out) if not refused else tuple(c for c in out if c != "later-work")


def _waits(ex: "Exercise", units: list[UnitEstimate], staff: int) -> tuple:
    out = []
    first = min((u.start for u in units if u.start is not None), default=None)
    if staff and ex.staff is not None and first is not None and first > ex.now + 1e-9:
        out.append(("technicians", {"at": first, "needed": staff, "free": ex.staff.free(), "on_duty": ex.staff.on_duty}))
    return tuple(out)


# ------------------------------------------------------------------ the technicians' queue


@dataclass
class _Req:
    duration: float
    need: int
    granted: int = 0
    start: float | None = None
    new: bool = False
    support: int = 0  # technicians it brings when it ends (outside support asked)
    index: int = -1


@dataclass(order=True)
class _Ev:
    t: float
    seq: int
    kind: str = field(compare=False)
    req: Any = field(compare=False, default=None)


def _shift_count(staff, t: float, recalled: bool) -> int:
    """Technicians the shifts give at `t` (Technicians.shift_count with `recalled` given)."""
    s = staff.spec
    weekend = staff.calendar.is_weekend(t)
    day = staff.is_day(t)
    base = (s.weekend_day if day else s.weekend_night) if weekend else (s.weekday_day if day else s.weekday_night)
    if recalled:
        share = 1.0 if day else staff.params["recall_night_share"]
        base = max(base, int(round(staff.recall_total * share)))
    return base


def _schedule(ex: "Exercise", new: list[tuple[float, int]], queued: bool = False):
    """Start times of new units queued now behind the work already there (None past the
    horizon); with `queued`, the start times of the jobs already waiting, by job id."""
    now = float(ex.now)
    staff = ex.staff
    if staff is None or (not queued and not any(need for _d, need in new)):
        return {j.id: now for j in ex.jobs if j.started_at is None} if queued else [now for _ in new]
    support_n = int(ex.actions["request-support"].params.get("technicians", 0)) if "request-support" in ex.actions else 0
    events: list[_Ev] = []
    seq = [0]

    def push(at: float, kind: str, req: Any = None) -> None:
        seq[0] += 1
        heapq.heappush(events, _Ev(at, seq[0], kind, req))

    held = 0  # technicians on jobs
    queue: list[_Req] = []
    for job in sorted((j for j in ex.jobs if j.finished_at is None), key=lambda j: j.id):
        brings = support_n if job.action == "request-support" else 0
        if job.started_at is not None:
            end = job.started_at + job.duration
            if job.staff:
                held += job.staff
                push(end, "release", _Req(job.duration, job.staff, job.staff, job.started_at))
            if brings:
                push(end, "support", brings)
        elif job.staff:
            queue.append(_Req(job.duration, job.staff, support=brings, index=job.id))
        elif brings:  # unstaffed jobs start the instant they are accepted
            push(now + job.duration, "support", brings)
    # technicians the waiting jobs already hold (a job takes its technicians one by one)
    partial = max(0, staff.busy() - held)
    for req in queue:
        take = min(partial, req.need)
        req.granted, partial = take, partial - take
        held += take
    blockers = [bool(b.triggered) for b in staff._blockers]
    units = []
    for k, (duration, need) in enumerate(new):
        req = _Req(duration, need, new=True, index=k)
        units.append(req)
        if need:
            queue.append(req)
        else:
            req.start = now
    recalled = staff.recalled
    support = staff.support
    if "crisis-declared" in ex.facts and not recalled and ex.network.it_staff is not None:
        push(max(now, ex.facts["crisis-declared"] + float(ex.network.it_staff.recall_delay)), "recall")
    push(staff.next_change(now), "shift")
    horizon = now + HORIZON_DAYS * 1440.0
    free = staff.max_total - held - sum(blockers)

    def serve(at: float) -> None:
        nonlocal free
        while free > 0:
            pending = next((i for i, b in enumerate(blockers) if not b), None)
            if pending is not None:  # off-duty blockers first (top priority)
                blockers[pending] = True
                free -= 1
                continue
            head = next((r for r in queue if r.granted < r.need), None)
            if head is None:
                return
            head.granted += 1
            free -= 1
            if head.granted == head.need:
                head.start = at
                queue.remove(head)
                push(at + head.duration, "release", head)
                if head.support:
                    push(at + head.duration, "support", head.support)

    def apply() -> None:
        nonlocal free
        want = min(staff.max_total, _shift_count(staff, at, recalled) + support)
        wanted_blocked = staff.max_total - want
        while len(blockers) > wanted_blocked:
            if blockers.pop():
                free += 1
        while len(blockers) < wanted_blocked:
            blockers.append(False)

    waiting = list(queue) if queued else []
    at = now
    serve(now)
    while any(u.start is None for u in (waiting if queued else units)) and events:
        ev = heapq.heappop(events)
        at = ev.t
        if at > horizon:
            break
        if ev.kind == "release":
            free += ev.req.need
        elif ev.kind == "support":
            support += int(ev.req)
            apply()
        elif ev.kind == "recall":
            recalled = True
            apply()
        elif ev.kind == "shift":
            apply()
            push(staff.next_change(at), "shift")
        while events and events[0].t == at:  # every change of the same instant before serving
            nxt = heapq.heappop(events)
            if nxt.kind == "release":
                free += nxt.req.need
            elif nxt.kind == "support":
                support += int(nxt.req)
                apply()
            elif nxt.kind == "recall":
                recalled = True
                apply()
            elif nxt.kind == "shift":
                apply()
                push(staff.next_change(at), "shift")
        serve(at)
    if queued:
        return {r.index: r.start for r in waiting}
    return [u.start for u in units]
