"""Clinical flow as fluid counts per function, updated on coarse ticks (every 15 sim minutes).

Per tick and function: demand from the arrival profile; elective demand the
function cannot absorb is cancelled before arrival; emergency demand may be
avoided (patients go elsewhere once the attack is public) or diverted (SAMU);
the rest waits and is treated at the capacity its IT dependencies allow, or
its paper procedures once active. Conservation holds exactly:
arrivals = treated + waiting + diverted + transferred.
"""

from __future__ import annotations

from simulator.engine.calendar import Calendar, arrival_profiles
from simulator.hospital.graph import DEGRADED, DOWN
from simulator.model.network import ClinicalFunction


class FunctionFlow:
    """Counts of one clinical function (fluid: fractions of patients are fine)."""

    __slots__ = (
        "spec", "weights", "arrivals", "treated", "waiting", "diverted", "transferred", "cancelled", "avoided",
        "demand", "paper_at", "paper_requested", "down_since", "cancel_elective", "factor", "turnaround_weighted",
        "week1_admitted", "week1_demand", "week1_treated", "week1_turnaround", "per_minute", "cap_per_minute", "elective", "divertable",
        "soft_loss", "paper_factor", "paper_turnaround", "turnaround", "hourly_demand",
    )

    def __init__(self, spec: ClinicalFunction, weights: tuple[float, ...]):
        self.spec = spec
        self.weights = weights
        self.arrivals = self.treated = self.waiting = self.diverted = 0.0
        self.transferred = self.cancelled = self.avoided = self.demand = 0.0
        self.paper_at: float | None = None  # time paper procedures run (activation done)
        self.paper_requested: float | None = None
        self.down_since: float | None = None
        self.cancel_elective = False
        self.factor = 1.0
        self.turnaround_weighted = 0.0  # sum of turnaround x treated
        self.week1_admitted = self.week1_demand = 0.0
        self.week1_treated = self.week1_turnaround = 0.0  # tests completed in week 1, and their summed turnaround
        # constants of the spec, read on every tick
        self.per_minute = spec.arrivals_per_day / 1440.0
        self.cap_per_minute = spec.capacity_per_hour / 60.0
        self.elective = spec.elective
        self.divertable = spec.diversion_possible
        self.soft_loss = spec.soft_loss_factor
        self.paper_factor = spec.degraded_mode.capacity_factor
        self.paper_turnaround = spec.degraded_mode.turnaround_factor
        self.turnaround = spec.turnaround_minutes
        self.hourly_demand = spec.arrivals_per_day / 24.0

    def capacity_pct(self) -> float:
        return 100.0 * self.factor


class ClinicalFlow:
    """All functions of a hospital; `tick(t, dt)` advances them by dt minutes."""

    def __init__(self, functions, calendar: Calendar, params: dict[str, float]):
        profiles = arrival_profiles()
        self.calendar = calendar
        self.params = params
        self.flows: dict[str, FunctionFlow] = {
            f.id: FunctionFlow(f, profiles.get(f.pattern.value, profiles["flat"])) for f in functions
        }
        self.order = tuple(self.flows)
        self._items = tuple(self.flows.items())
        self._spont_after = params["spontaneous_degraded_after_minutes"]
        self._spont_factor = params["spontaneous_degraded_factor"]
        self._avoidance = params["avoidance_fraction"]
        self._auto_hours = params["auto_divert_waiting_hours"]
        self._auto_share = params["auto_divert_fraction"]
        self._bonus = params["backlog_capacity_bonus"]
        self.diverting = False
        self.divert_fraction = 0.0
        self.public = False  # the attack is known outside: some patients go elsewhere
        self.avoidance_factor = 1.0
        self.emergency_boost = 0.0
        self.ed_id = _pick(functions, "emergency", lambda f: f.diversion_possible)
        self.lab_id = _pick(functions, "laboratory", lambda f: f.unit == "tests")

    def factor_of(self, fl: FunctionFlow, level: int, t: float) -> float:
        paper = fl.paper_at is not None and fl.paper_at <= t
        if level == 0:
            f = 1.0
        elif level == DEGRADED:
            f = (fl.paper_factor if fl.paper_factor > fl.soft_loss else fl.soft_loss) if paper else fl.soft_loss
        elif paper:
            f = fl.paper_factor
        elif fl.down_since is not None and t - fl.down_since >= self._spont_after:
            f = fl.paper_factor * self._spont_factor
        else:
            f = 0.0
        if self.emergency_boost and fl.divertable and f < 1.0:
            f = min(1.0, f * (1.0 + self.emergency_boost))
        return f

    def tick(self, t: float, dt: float, levels: dict[str, int]) -> None:
        """Advance every function from t to t+dt (levels: the functions' availability, 0 up)."""
        how = self.calendar.hour_of_week(t)
        week1 = t < 10080.0
        avoid_share = self._avoidance * self.avoidance_factor if self.public else 0.0
        divert_share = self.divert_fraction if self.diverting else 0.0
        auto_hours, auto_share, bonus = self._auto_hours, self._auto_share, self._bonus
        for fid, fl in self._items:
            level = levels.get(fid, 0)
            if level == DOWN:
                if fl.down_since is None:
                    fl.down_since = t
            elif fl.down_since is not None:
                fl.down_since = None
            demand = fl.per_minute * fl.weights[how] * dt
            fl.demand += demand
            if level == 0 and fl.waiting == 0.0 and demand <= fl.cap_per_minute * dt and not (divert_share and fl.divertable):
                # the common case, a normal hour: everyone who comes is seen
                fl.factor = 1.0
                fl.arrivals += demand
                fl.treated += demand
                fl.turnaround_weighted += fl.turnaround * demand
                if week1:
                    fl.week1_demand += demand
                    fl.week1_admitted += demand
                    fl.week1_treated += demand
                    fl.week1_turnaround += fl.turnaround * demand
                continue
            f = 1.0 if (level == 0 and not self.emergency_boost) else self.factor_of(fl, level, t)
            fl.factor = f
            diverted = 0.0
            if fl.elective:
                cancelled = demand * (1.0 - f)
                fl.cancelled += cancelled
                arriving = demand - cancelled
            else:
                arriving = demand
                if level and avoid_share and fl.divertable:
                    avoided = demand * avoid_share
                    fl.avoided += avoided
                    arriving -= avoided
                if fl.divertable:
                    if divert_share:
                        diverted = arriving * divert_share
                    elif f < 1.0 and fl.waiting > auto_hours * fl.hourly_demand:
                        diverted = arriving * auto_share
                    fl.diverted += diverted
            fl.arrivals += arriving
            admitted = arriving - diverted
            waiting = fl.waiting + admitted
            cap = fl.cap_per_minute * f * dt
            if f >= 1.0 and waiting > cap:
                cap *= 1.0 + bonus
            treated = waiting if waiting < cap else cap
            waiting -= treated
            fl.waiting = waiting
            fl.treated += treated
            if treated:
                ta = fl.turnaround
                if level and fl.paper_at is not None and fl.paper_at <= t:
                    ta *= fl.paper_turnaround
                hourly_cap = fl.cap_per_minute * 60.0 * f
                if hourly_cap > 0:
                    ta += waiting / hourly_cap * 60.0
                fl.turnaround_weighted += ta * treated
                if week1:
                    fl.week1_treated += treated
                    fl.week1_turnaround += ta * treated
            if week1:
                fl.week1_demand += demand
                fl.week1_admitted += admitted

    def transfer(self, fid: str, count: float) -> float:
        fl = self.flows[fid]
        moved = min(float(count), fl.waiting)
        fl.waiting -= moved
        fl.transferred += moved
        return moved

    # ------------------------------------------------------------- KPIs

    def total(self, attr: str) -> float:
        return sum(getattr(fl, attr) for fl in self.flows.values())

    def ed_volume_change_pct(self) -> float:
        """ED patients seen in week 1 (or the part simulated) against a normal week's demand."""
        fl = self.flows.get(self.ed_id) if self.ed_id else None
        if fl is None or fl.week1_demand <= 0:
            return 0.0
        return 100.0 * (fl.week1_admitted / fl.week1_demand - 1.0)

    def lab_turnaround_change_pct(self) -> float:
        """Mean turnaround (paper slowness plus queue time) of the lab tests completed in week 1
        (or the part simulated) against the normal turnaround."""
        fl = self.flows.get(self.lab_id) if self.lab_id else None
        if fl is None or fl.week1_treated <= 0:
            return 0.0
        mean = fl.week1_turnaround / fl.week1_treated
        return 100.0 * (mean / fl.spec.turnaround_minutes - 1.0)


def _pick(functions, preferred: str, fallback) -> str | None:
    ids = [f.id for f in functions]
    if preferred in ids:
        return preferred
    for f in functions:
        if fallback(f):
            return f.id
    return None
