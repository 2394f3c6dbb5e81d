"""Clinical flow as fluid counts per function, updated on coarse ticks (every 15 sim minutes).

Per tick and function: demand from the arrival profile; elective demand the
function cannot absorb is cancelled before arrival; emergency demand may be
avoided (patients go elsewhere once the attack is public) or diverted (SAMU);
the rest waits and is treated at the capacity its IT dependencies allow, or
its paper procedures once active. Conservation holds exactly:
arrivals = treated + waiting + diverted + transferred.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.calendar import Calendar, arrival_profiles
from simulator.hospital.graph import DEGRADED, DOWN
from simulator.model.network import ClinicalFunction


@dataclass
class FunctionFlow:
    spec: ClinicalFunction
    weights: tuple[float, ...]
    arrivals: float = 0.0
    treated: float = 0.0
    waiting: float = 0.0
    diverted: float = 0.0
    transferred: float = 0.0
    cancelled: float = 0.0
    avoided: float = 0.0
    demand: float = 0.0
    paper_at: float | None = None  # time paper procedures run (activation done)
    paper_requested: float | None = None
    down_since: float | None = None
    cancel_elective: bool = False
    factor: float = 1.0
    turnaround_weighted: float = 0.0  # sum of turnaround x treated
    week1_admitted: float = 0.0
    week1_demand: float = 0.0

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
        self.diverting = False
        self.divert_fraction = 0.0
        self.public = False  # the attack is known outside: some patients go elsewhere
        self.avoidance_factor = 1.0
        self.emergency_boost = 0.0
        self.ed_id = _pick(functions, "emergency", lambda f: f.diversion_possible)
        self.lab_id = _pick(functions, "laboratory", lambda f: f.unit == "tests")

    def factor_of(self, fl: FunctionFlow, level: int, t: float) -> float:
        spec = fl.spec
        dm = spec.degraded_mode
        paper = fl.paper_at is not None and fl.paper_at <= t
        if level == 0:
            f = 1.0
        elif level == DEGRADED:
            f = max(spec.soft_loss_factor, dm.capacity_factor) if paper else spec.soft_loss_factor
        else:
            if paper:
                f = dm.capacity_factor
            elif fl.down_since is not None and t - fl.down_since >= self.params["spontaneous_degraded_after_minutes"]:
                f = dm.capacity_factor * self.params["spontaneous_degraded_factor"]
            else:
                f = 0.0
        if self.emergency_boost and spec.diversion_possible and f < 1.0:
            f = min(1.0, f * (1.0 + self.emergency_boost))
        return f

    def tick(self, t: float, dt: float, levels: dict[str, int]) -> None:
        """Advance every function from t to t+dt (levels: the functions' availability, 0 up)."""
        how = self.calendar.hour_of_week(t)
        p = self.params
        week1 = t < 10080.0
        for fid in self.order:
            fl = self.flows[fid]
            spec = fl.spec
            level = levels.get(fid, 0)
            if level == DOWN:
                if fl.down_since is None:
                    fl.down_since = t
            else:
                fl.down_since = None
            f = self.factor_of(fl, level, t)
            fl.factor = f
            demand = spec.arrivals_per_day * fl.weights[how] * dt / 1440.0
            fl.demand += demand
            if spec.elective:
                cancelled = demand * (1.0 - f)
                fl.cancelled += cancelled
                arriving = demand - cancelled
                diverted = 0.0
            else:
                avoided = 0.0
                if self.public and spec.diversion_possible and level:
                    avoided = demand * p["avoidance_fraction"] * self.avoidance_factor
                    fl.avoided += avoided
                arriving = demand - avoided
                diverted = 0.0
                if spec.diversion_possible:
                    if self.diverting:
                        diverted = arriving * self.divert_fraction
                    elif f < 1.0:
                        hourly = spec.arrivals_per_day / 24.0
                        if fl.waiting > p["auto_divert_waiting_hours"] * hourly:
                            diverted = arriving * p["auto_divert_fraction"]
                fl.diverted += diverted
            fl.arrivals += arriving
            admitted = arriving - diverted
            fl.waiting += admitted
            cap = spec.capacity_per_hour * f * dt / 60.0
            if f >= 1.0 and fl.waiting > cap:
                cap *= 1.0 + p["backlog_capacity_bonus"]
            treated = fl.waiting if fl.waiting < cap else cap
            fl.waiting -= treated
            fl.treated += treated
            if treated:
                paper = fl.paper_at is not None and fl.paper_at <= t and level
                ta = spec.turnaround_minutes * (spec.degraded_mode.turnaround_factor if paper else 1.0)
                hourly_cap = spec.capacity_per_hour * f
                queue = (fl.waiting / hourly_cap * 60.0) if hourly_cap > 0 else 0.0
                fl.turnaround_weighted += (ta + queue) * treated
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
        fl = self.flows.get(self.lab_id) if self.lab_id else None
        if fl is None or fl.treated <= 0:
            return 0.0
        mean = fl.turnaround_weighted / fl.treated
        return 100.0 * (mean / fl.spec.turnaround_minutes - 1.0)


def _pick(functions, preferred: str, fallback) -> str | None:
    ids = [f.id for f in functions]
    if preferred in ids:
        return preferred
    for f in functions:
        if fallback(f):
            return f.id
    return None
