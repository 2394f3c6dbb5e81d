"""Clinical flow: counts per function, advanced on hourly ticks, with seeded random arrivals.

Per tick and function:
- demand: the function's mean per day, shaped by hour and weekday (simulator/data/arrivals.yaml,
  integrated over the tick), times a day-to-day factor, drawn as Poisson counts from the
  function's own stream (`clinical:<id>`): seeds move patients, not only attackers;
- capacity: normal capacity x staffing (business-hours functions run an on-call team at night)
  x what the IT leaves (paper procedures once active: they start slow, improve with practice
  and wear people down over days) x the wait on other functions' results (`waits_on`: a slow
  laboratory or imaging lengthens stays) x the share left after re-entering paper records once
  the IT is back, plus capacity lent by other establishments (`mutual_aid`, ramping up);
- elective demand the function cannot absorb is cancelled before arrival; routine demand of a
  function that falls behind is postponed (rationing); emergency demand may be avoided (the
  attack is public) or diverted (SAMU); the rest waits and is treated up to capacity.
Conservation holds exactly for every function:
arrivals = treated + waiting + diverted + transferred + left, demand = arrivals + cancelled + avoided
(`left`: routine requests postponed once queued, samples that expired, patients who gave up and
went elsewhere: a queue never holds more than `queue_cap_hours` of normal demand).
"""

from __future__ import annotations

import functools
import math
import random

from simulator.engine.calendar import Calendar, arrival_profiles
from simulator.hospital.graph import DEGRADED, DOWN
from simulator.model.network import ClinicalFunction

WEEK = 10080.0
PEOPLE = frozenset({"patients", "procedures", "births", "sessions"})  # units that are people (exposure in patient-hours)


def poisson(rng: random.Random, mean: float) -> float:
    """A Poisson count (Knuth's product for small means, a rounded normal above)."""
    if mean <= 0.0:
        return 0.0
    if mean < 30.0:
        limit = math.exp(-mean)
        k = 0
        p = rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return float(k)
    x = mean + math.sqrt(mean) * rng.gauss(0.0, 1.0)
    return float(round(x)) if x > 0 else 0.0


@functools.lru_cache(maxsize=64)
def _tick_table(hours168: tuple[float, ...], offset: float, dt: float) -> tuple[float, ...] | None:
    """Per tick of the week (ticks of `dt` minutes from T+0, T+0 at minute `offset` of the week):
    the mean of the hourly weights over the tick. None when ticks do not divide the week."""
    if dt <= 0 or WEEK % dt:
        return None
    n = int(WEEK // dt)
    out = []
    for k in range(n):
        a = (offset + k * dt) % WEEK
        out.append(_mean_over(hours168, a, dt))
    return tuple(out)


def _mean_over(hours168: tuple[float, ...], a: float, dt: float) -> float:
    total = 0.0
    left = dt
    m = a
    while left > 1e-9:
        h = int(m // 60) % 168
        step = min(left, 60.0 - (m % 60.0))
        total += hours168[h] * step
        left -= step
        m = (m + step) % WEEK
    return total / dt


class FunctionFlow:
    """Counts of one clinical function (fractions of patients are fine once shared out)."""

    __slots__ = (
        "spec", "id", "weights", "staffed", "arrivals", "treated", "waiting", "diverted", "transferred", "cancelled",
        "avoided", "demand", "paper_at", "paper_requested", "down_since", "cancel_elective", "factor",
        "turnaround_weighted", "week1_admitted", "week1_demand", "week1_treated", "week1_turnaround", "per_minute",
        "cap_per_minute", "elective", "divertable", "soft_loss", "paper_factor", "paper_turnaround", "turnaround",
        "hourly_demand", "rng", "day", "day_factor", "on_call", "e0", "learn", "reentry", "routine", "waits",
        "extra_hours", "aid_share", "aid_delay", "aid_ramp", "aid_from", "aid_by", "backlog", "reentered",
        "paper_since", "low_since", "exposure", "people", "rationed", "s_capacity", "s_waiting", "s_turnaround",
        "s_treated", "weeks", "base_hours", "last_ta", "aid_lent", "left", "rationing", "week1_cancelled",
    )

    def __init__(self, spec: ClinicalFunction, weights, staffed, rng: random.Random, params: dict[str, float]):
        self.spec = spec
        self.id = spec.id
        self.weights = weights  # per tick of the week: mean arrival weight
        self.staffed = staffed  # per tick of the week: capacity share (1 all day; business hours: on call outside)
        self.arrivals = self.treated = self.waiting = self.diverted = 0.0
        self.transferred = self.cancelled = self.avoided = self.demand = 0.0
        self.paper_at: float | None = None  # time paper procedures run (activation done)
        self.paper_requested: float | None = None
        self.down_since: float | None = None
        self.cancel_elective = False
        self.factor = 1.0  # capacity share as of the last tick (see ClinicalFlow.capacity_factor for now)
        self.turnaround_weighted = 0.0
        self.week1_admitted = self.week1_demand = 0.0
        self.week1_treated = self.week1_turnaround = 0.0
        self.week1_cancelled = 0.0
        self.per_minute = spec.arrivals_per_day / 1440.0
        self.cap_per_minute = spec.capacity_per_hour / 60.0
        self.elective = spec.elective
        self.divertable = spec.diversion_possible
        self.soft_loss = spec.soft_loss_factor
        dm = spec.degraded_mode
        self.paper_factor = dm.capacity_factor
        self.paper_turnaround = dm.turnaround_factor
        self.e0 = float(dm.start_efficiency if dm.start_efficiency is not None else params["paper_start_efficiency"])
        self.learn = float(dm.learning if dm.learning is not None else params["paper_learning_hours"] * 60.0)
        self.reentry = float(dm.reentry_factor if dm.reentry_factor is not None else params["reentry_factor"])
        self.turnaround = spec.turnaround_minutes
        self.base_hours = spec.turnaround_minutes / 60.0
        self.hourly_demand = spec.arrivals_per_day / 24.0
        self.rng = rng
        self.day = -1
        self.day_factor = 1.0
        self.routine = spec.routine_share
        self.waits: tuple = ()  # (FunctionFlow, share, max_wait_hours), bound by ClinicalFlow
        self.extra_hours = 0.0  # how much longer than normal its results take now (hours)
        aid = spec.mutual_aid
        self.aid_share = aid.share if aid is not None else 0.0
        self.aid_delay = float(aid.delay) if aid is not None else 0.0
        self.aid_ramp = float(aid.ramp) if aid is not None else 0.0
        self.aid_from: float | None = None  # when lent capacity starts arriving
        self.aid_by = ""
        self.aid_lent = 0.0  # units treated by other establishments
        self.backlog = 0.0  # units handled on paper still to re-enter once the IT is back
        self.reentered = 0.0
        self.paper_since: float | None = None  # start of the practice curve (paper procedures in use)
        self.low_since: float | None = None  # below half capacity since
        self.exposure = 0.0  # unit-hours spent under degraded procedures (patient-hours for people)
        self.people = spec.unit in PEOPLE
        self.rationed = 0.0
        self.rationing = False
        self.left = 0.0  # left the queue unserved: routine requests postponed, samples expired, patients gone elsewhere
        self.s_capacity: list[float] = []
        self.s_waiting: list[float] = []
        self.s_turnaround: list[float] = []
        self.s_treated: list[float] = []
        self.weeks: list[list[float]] = []  # per week: [hours, capacity x hours, treated, demand]
        self.last_ta = spec.turnaround_minutes

    def capacity_pct(self) -> float:
        return 100.0 * self.factor


class ClinicalFlow:
    """All functions of a hospital; `tick(t, dt, levels)` advances them by dt minutes."""

    def __init__(self, functions, calendar: Calendar, params: dict[str, float], streams=None, tick_minutes: float = 60.0):
        profiles = arrival_profiles()
        self.calendar = calendar
        self.params = params
        self.dt = float(tick_minutes)
        offset = calendar.minute_of_week(0.0)
        tables: dict[str, tuple] = {}
        on_call_default = float(params["on_call_capacity_factor"])

        def table(pattern: str, on_call: float | None) -> tuple:
            key = f"{pattern}:{on_call}"
            if key not in tables:
                week = profiles.get(pattern, profiles["flat"])
                if on_call is None:
                    tables[key] = _tick_table(week, offset, self.dt) or ()
                else:  # staffed when the business-hours profile has arrivals, on call otherwise
                    staffed = tuple(1.0 if w > 0 else on_call for w in week)
                    tables[key] = _tick_table(staffed, offset, self.dt) or ()
            return tables[key]

        self.flows: dict[str, FunctionFlow] = {}
        for f in functions:
            pattern = f.pattern.value
            on_call = None
            if pattern == "business-hours":
                on_call = f.on_call_capacity if f.on_call_capacity is not None else on_call_default
            rng = streams["clinical:" + f.id] if streams is not None else random.Random(f.id)
            self.flows[f.id] = FunctionFlow(f, table(pattern, None), table(pattern, on_call) if on_call is not None else None, rng, params)
        # functions waited on first, so their consumers read this tick's delays
        for fl in self.flows.values():
            fl.waits = tuple(
                (self.flows[w.function], w.share, w.max_wait / 60.0) for w in fl.spec.waits_on if w.function in self.flows
            )
        self.order = _dependency_order(self.flows)
        self._items = tuple((fid, self.flows[fid]) for fid in self.order)
        self.flow_list = tuple(self.flows.values())  # file order, for totals
        self._spont_after = params["spontaneous_degraded_after_minutes"]
        self._spont_factor = params["spontaneous_degraded_factor"]
        self._spont_formal = params["spontaneous_degraded_after_minutes"] + params["spontaneous_formal_hours"] * 60.0
        self._avoidance = params["avoidance_fraction"]
        self._auto_hours = params["auto_divert_waiting_hours"]
        self._auto_share = params["auto_divert_fraction"]
        self._bonus = params["backlog_capacity_bonus"]
        self._day_cv = params["arrival_day_cv"]
        self._onset = params["fatigue_onset_hours"] * 60.0
        self._fatigue = params["fatigue_per_day"] / 1440.0
        self._floor = params["fatigue_floor"]
        self._ration_hours = params["ration_after_hours"]
        self._reentry_share = params["reentry_capacity_share"]
        self._aid_auto = params["mutual_aid_auto_days"] * 1440.0
        self._queue_cap = params["queue_cap_hours"]
        self._day_offset = calendar.minute_of_week(0.0) % 1440.0
        self.diverting = False
        self.divert_fraction = 0.0
        self.public = False  # the attack is known outside: some patients go elsewhere
        self.avoidance_factor = 1.0
        self.emergency_boost = 0.0
        self.ed_id = _pick(functions, "emergency", lambda f: f.diversion_possible)
        self.lab_id = _pick(functions, "laboratory", lambda f: f.unit == "tests")
        self.ticks = 0
        self.divert_since: float | None = None
        self.divert_lifted: list[float] = []  # times SAMU lifted a diversion on review (events for the engine)
        self._review = params["divert_review_hours"] * 60.0
        self._review_capacity = params["divert_review_capacity"]
        self.diversion_minutes = 0.0  # ticks when ambulances were diverted (ordered, or automatic when the ED overflowed)
        self.series_t: list[float] = []
        self.on_diverted = None  # region hook: (t, dt, diverted, avoided) of the emergency functions
        self.record_series = True  # hourly series per function and the engine's KPI rows (run --json); batch runs go without
        self.aid_requests: list[tuple[float, str, str]] = []  # (time, function, by) for the engine's events

    # ---------------------------------------------------------------- capacity now

    def paper_efficiency(self, fl: FunctionFlow, t: float) -> float:
        """Practice and fatigue on paper procedures: start at `e0` of the paper capacity, close the
        gap with time constant `learn`, lose `fatigue_per_day` a day after `fatigue_onset_hours`."""
        since = fl.paper_since
        if since is None or t <= since:
            return fl.e0
        tau = t - since
        e = fl.e0 + (1.0 - fl.e0) * (1.0 - math.exp(-tau / fl.learn)) if fl.learn > 0 else 1.0
        if tau > self._onset:
            wear = 1.0 - self._fatigue * (tau - self._onset)
            e *= wear if wear > self._floor else self._floor
        return e

    def _on_tick(self, t: float) -> float:
        """`t` moved back to the clinical tick it falls in: what the IT leaves changes with an
        event or a tick, never in between (views cached per tick stay exact; ticks are unchanged)."""
        dt = self.dt
        return math.floor(t / dt) * dt if t > 0 else t

    def factor_of(self, fl: FunctionFlow, level: int, t: float) -> float:
        """Share of normal capacity the IT leaves now (paper procedures included), before staffing,
        waits on other functions, re-entry work and lent capacity."""
        return self._factor_at_tick(fl, level, self._on_tick(t))

    def _factor_at_tick(self, fl: FunctionFlow, level: int, t: float) -> float:
        """factor_of with `t` already on its tick (`_on_tick`), paper_efficiency inlined (the tick's hot path).

        Down without paper procedures: staff improvise on their own after `spontaneous_after`, at a
        fraction of the paper capacity, until the department formalises its downtime procedures
        without being told (`spontaneous_formal_hours`)."""
        paper = fl.paper_at is not None and fl.paper_at <= t
        if level == 0:
            f = 1.0
        elif level == DEGRADED and not paper:
            f = fl.soft_loss
        elif paper or (fl.down_since is not None and t - fl.down_since >= self._spont_after):
            since = fl.paper_since
            if since is None or t <= since:
                e = fl.e0
            else:
                tau = t - since
                e = fl.e0 + (1.0 - fl.e0) * (1.0 - math.exp(-tau / fl.learn)) if fl.learn > 0 else 1.0
                if tau > self._onset:
                    wear = 1.0 - self._fatigue * (tau - self._onset)
                    e *= wear if wear > self._floor else self._floor
            if paper:
                f = fl.paper_factor * e
                if level == DEGRADED and f <= fl.soft_loss:
                    f = fl.soft_loss
            else:
                share = 1.0 if t - fl.down_since >= self._spont_formal else self._spont_factor
                f = fl.paper_factor * share * e
        else:
            f = 0.0
        if self.emergency_boost and fl.divertable and f < 1.0:
            f = min(1.0, f * (1.0 + self.emergency_boost))
        return f

    def capacity_factor(self, fl: FunctionFlow, level: int, t: float) -> float:
        """Capacity share now, everything counted (what the board and `capacity_pct` conditions read)."""
        t = self._on_tick(t)
        f = self.factor_of(fl, level, t)
        if fl.waits:
            f *= self._wait_factor(fl)
        if level == 0 and fl.backlog > 0.0:
            f *= 1.0 - self._reentry_share
        return f + self._aid_now(fl, t)

    def _wait_factor(self, fl: FunctionFlow) -> float:
        slow = 0.0
        for other, share, max_h in fl.waits:
            x = other.extra_hours
            slow += share * (x if x < max_h else max_h)
        return fl.base_hours / (fl.base_hours + slow) if slow > 0.0 else 1.0

    def _aid_now(self, fl: FunctionFlow, t: float) -> float:
        start = fl.aid_from
        if start is None or t <= start:
            return 0.0
        if fl.aid_ramp <= 0 or t - start >= fl.aid_ramp:
            return fl.aid_share
        return fl.aid_share * (t - start) / fl.aid_ramp

    def request_aid(self, fid: str, t: float, by: str) -> bool:
        fl = self.flows[fid]
        if fl.aid_share <= 0 or fl.aid_from is not None:
            return False
        fl.aid_from = t + fl.aid_delay
        fl.aid_by = by
        self.aid_requests.append((t, fid, by))
        return True

    # ---------------------------------------------------------------- the tick

    def tick(self, t: float, dt: float, levels: dict[str, int]) -> None:
        """Advance every function from t to t+dt (levels: the functions' availability, 0 up)."""
        k = self.ticks
        self.ticks = k + 1
        week1 = t < WEEK
        wk = int(t // WEEK)
        day = int((t + self._day_offset) // 1440.0)
        avoid_share = self._avoidance * self.avoidance_factor if self.public else 0.0
        divert_share = self.divert_fraction if self.diverting else 0.0
        auto_hours, auto_share, bonus = self._auto_hours, self._auto_share, self._bonus
        spont_after, day_cv, ration_hours = self._spont_after, self._day_cv, self._ration_hours
        queue_cap, reentry_share, boost = self._queue_cap, self._reentry_share, self.emergency_boost
        factor_of = self._factor_at_tick
        t_tick = self._on_tick(t)  # what factor_of reads (t itself when ticks fall on multiples of dt)
        series = self.record_series
        dt_h = dt / 60.0
        ed_div = ed_avoid = 0.0
        if series:
            self.series_t.append(t)
        get = levels.get
        exp = math.exp
        for _fid, fl in self._items:
            level = get(fl.id, 0)
            # ---- state clocks
            if level == DOWN:
                if fl.down_since is None:
                    fl.down_since = t
            elif fl.down_since is not None:
                fl.down_since = None
            if level and fl.paper_since is None:
                if fl.paper_at is not None and fl.paper_at <= t:
                    fl.paper_since = fl.paper_at
                elif level == DOWN and fl.down_since is not None and t - fl.down_since >= spont_after:
                    fl.paper_since = fl.down_since + spont_after
            # ---- demand: Poisson counts around the week's shape and the day's level
            rng = fl.rng
            if fl.day != day:
                fl.day = day
                fl.day_factor = rng.lognormvariate(0.0, day_cv) if day_cv > 0 else 1.0
            weights = fl.weights
            w = weights[k % len(weights)] if weights else 1.0
            mean = fl.per_minute * w * dt * fl.day_factor
            if mean <= 0.0:
                demand = 0.0
            elif mean < 30.0:  # poisson(), inlined: the hottest line of a run
                limit = exp(-mean)
                n = 0
                rnd = rng.random
                p = rnd()
                while p > limit:
                    n += 1
                    p *= rnd()
                demand = float(n)
            else:
                x = mean + math.sqrt(mean) * rng.gauss(0.0, 1.0)
                demand = float(round(x)) if x > 0 else 0.0
            fl.demand += demand
            # ---- capacity
            f = 1.0 if (level == 0 and not boost) else factor_of(fl, level, t_tick)
            waits = fl.waits
            if waits:
                slow = 0.0
                for other, share, max_h in waits:
                    x = other.extra_hours
                    slow += share * (x if x < max_h else max_h)
                if slow > 0.0:
                    f *= fl.base_hours / (fl.base_hours + slow)
            care = 1.0
            backlog = fl.backlog
            if backlog > 0.0 and level == 0:
                care = 1.0 - reentry_share
            aid = self._aid_now(fl, t) if fl.aid_from is not None and level else 0.0
            f_total = f * care + aid
            fl.factor = f_total
            staffed = fl.staffed
            cap_full = fl.cap_per_minute * dt * (staffed[k % len(staffed)] if staffed else 1.0)
            cap = cap_full * f_total
            # ---- where the demand goes
            diverted = 0.0
            prev_waiting = fl.waiting
            if fl.elective:
                keep = f_total if f_total < 1.0 else 1.0
                cancelled = demand * (1.0 - keep)
                fl.cancelled += cancelled
                if week1:
                    fl.week1_cancelled += cancelled
                arriving = demand - cancelled
            else:
                arriving = demand
                divertable = fl.divertable
                if level and avoid_share and divertable:
                    avoided = demand * avoid_share
                    fl.avoided += avoided
                    arriving -= avoided
                    ed_avoid += avoided
                if fl.routine and prev_waiting > ration_hours * fl.cap_per_minute * 60.0 * f_total and f_total < 1.0:
                    rationed = arriving * fl.routine  # routine requests postponed while it falls behind...
                    fl.cancelled += rationed
                    arriving -= rationed
                    fl.rationed += rationed
                    if not fl.rationing:
                        fl.rationing = True
                        queued = prev_waiting * fl.routine  # ...and, when rationing starts, those already queued
                        prev_waiting -= queued
                        fl.left += queued
                        fl.rationed += queued
                elif fl.rationing:
                    fl.rationing = False
                if divertable:
                    if divert_share:
                        diverted = arriving * divert_share
                    elif f_total < 1.0 and prev_waiting > auto_hours * fl.hourly_demand:
                        diverted = arriving * auto_share
                    fl.diverted += diverted
                    ed_div += diverted
            fl.arrivals += arriving
            admitted = arriving - diverted
            waiting = prev_waiting + admitted
            if f_total >= 1.0 and waiting > cap:
                cap *= 1.0 + bonus  # catching up: overtime once everything works again
            treated = waiting if waiting < cap else cap
            waiting -= treated
            if not fl.elective:
                limit = queue_cap * fl.hourly_demand
                if waiting > limit:
                    gone = waiting - limit  # patients give up and go elsewhere, samples expire
                    waiting = limit
                    fl.left += gone
                    if fl.divertable:
                        ed_avoid += gone
            fl.waiting = waiting
            fl.treated += treated
            if aid and f_total > 0:
                fl.aid_lent += treated * aid / f_total
            # ---- turnaround: slower paper, queue, waits on others
            paper = level and fl.paper_since is not None
            base_ta = fl.turnaround
            ta = base_ta * (fl.paper_turnaround if paper else 1.0)
            hourly_cap = cap / dt_h
            if hourly_cap > 0:
                ta += waiting / hourly_cap * 60.0
            if waits:
                for other, share, max_h in waits:
                    x = other.extra_hours
                    ta += share * (x if x < max_h else max_h) * 60.0
            extra = (ta - base_ta) / 60.0 if hourly_cap > 0 else 1e9
            fl.extra_hours = extra if extra > 0 else 0.0
            fl.last_ta = ta
            if treated:
                fl.turnaround_weighted += ta * treated
                if week1:
                    fl.week1_treated += treated
                    fl.week1_turnaround += ta * treated
            if week1:
                fl.week1_demand += demand
                fl.week1_admitted += admitted
            # ---- paper records to re-enter; unit-hours under degraded procedures
            if level:
                if paper:
                    fl.backlog = backlog + treated
                fl.exposure += (waiting + treated / dt_h * ta / 60.0) * dt_h
            elif backlog > 0.0:
                done = cap_full * reentry_share / fl.reentry if fl.reentry > 0 else backlog
                done = done if done < backlog else backlog
                fl.backlog = backlog - done
                fl.reentered += done
            # ---- the region lends capacity to a function left below half for long
            if fl.aid_share and fl.aid_from is None:
                if level and f < 0.5:
                    if fl.low_since is None:
                        fl.low_since = t
                    elif t - fl.low_since >= self._aid_auto:
                        self.request_aid(fl.id, t, "region")
                else:
                    fl.low_since = None
            # ---- series and weekly sums
            if series:
                fl.s_capacity.append(f_total)
                fl.s_waiting.append(waiting)
                fl.s_turnaround.append(ta)
                fl.s_treated.append(treated)
            weeks = fl.weeks
            while len(weeks) <= wk:
                weeks.append([0.0, 0.0, 0.0, 0.0])
            row = weeks[wk]
            row[0] += dt_h
            row[1] += f_total * dt_h
            row[2] += treated
            row[3] += demand
        if ed_div > 0.0:
            self.diversion_minutes += dt
        if self.diverting and self.ed_id is not None:
            # SAMU's regulating physician reviews a diversion every `divert_review_hours` and lifts it
            # once the ED copes again (Armentières: closure re-evaluated every 12 h, §2.6)
            if self.divert_since is None:
                self.divert_since = t
            elif t + dt - self.divert_since >= self._review and (t + dt - self.divert_since) % self._review < dt:
                ed = self.flows[self.ed_id]
                if ed.factor >= self._review_capacity:
                    self.diverting = False
                    self.divert_fraction = 0.0
                    self.divert_lifted.append(t + dt)
        else:
            self.divert_since = None
        if self.on_diverted is not None:
            self.on_diverted(t, dt, ed_div, ed_avoid)

    def transfer(self, fid: str, count: float) -> float:
        fl = self.flows[fid]
        moved = min(float(count), fl.waiting)
        fl.waiting -= moved
        fl.transferred += moved
        return moved

    # ------------------------------------------------------------- KPIs

    def total(self, attr: str) -> float:
        total = 0.0
        for fl in self.flow_list:  # file order: the same sum whoever asks
            total += getattr(fl, attr)
        return total

    def ed_volume_change_pct(self) -> float:
        """ED patients seen in week 1 (or the part simulated) against a normal week's demand."""
        fl = self.flows.get(self.ed_id) if self.ed_id else None
        if fl is None or fl.week1_demand <= 0:
            return 0.0
        return 100.0 * (fl.week1_admitted / fl.week1_demand - 1.0)

    def lab_turnaround_change_pct(self) -> float:
        """Mean turnaround (paper slowness, queue time, waits) of the lab tests completed in week 1
        (or the part simulated) against the normal turnaround."""
        fl = self.flows.get(self.lab_id) if self.lab_id else None
        if fl is None or fl.week1_treated <= 0:
            return 0.0
        mean = fl.week1_turnaround / fl.week1_treated
        return 100.0 * (mean / fl.spec.turnaround_minutes - 1.0)

    def exposure(self) -> dict[str, float]:
        """Unit-hours spent under degraded procedures, per function (patient-hours for people)."""
        return {fid: fl.exposure for fid, fl in self.flows.items() if fl.exposure > 0}

    def patient_hours_degraded(self) -> float:
        return sum(fl.exposure for fl in self.flows.values() if fl.people)

    def weekly(self, weeks: int = 4) -> dict[str, dict[str, list[float]]]:
        """Per function, weeks 1..n: mean capacity (share) and throughput per hour."""
        out = {}
        for fid, fl in self.flows.items():
            cap, thr = [], []
            for w in range(weeks):
                if w < len(fl.weeks) and fl.weeks[w][0] > 0:
                    hours, capsum, treated, _demand = fl.weeks[w]
                    cap.append(capsum / hours)
                    thr.append(treated / hours)
            out[fid] = {"capacity": cap, "throughput_per_hour": thr}
        return out


def _dependency_order(flows: dict[str, FunctionFlow]) -> tuple[str, ...]:
    """Functions waited on before those waiting on them (file order otherwise; a cycle keeps file order)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(fid: str) -> None:
        if state.get(fid) == 2:
            return
        if state.get(fid) == 1:
            return  # a cycle: the later one reads the earlier one's previous tick
        state[fid] = 1
        for other, _share, _max in flows[fid].waits:
            visit(other.id)
        state[fid] = 2
        order.append(fid)

    for fid in flows:
        visit(fid)
    return tuple(order)


def _pick(functions, preferred: str, fallback) -> str | None:
    ids = [f.id for f in functions]
    if preferred in ids:
        return preferred
    for f in functions:
        if fallback(f):
            return f.id
    return None
