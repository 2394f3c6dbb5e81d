"""IT technicians as a SimPy PriorityResource whose usable capacity follows shifts.

SimPy resources have a fixed capacity, so the resource is sized for the most
people the run can ever have; "blocker" requests at top priority hold the
units that are off duty. When a shift ends, new blockers queue ahead of every
job and take units as running jobs finish (nobody walks out mid-restore).
"""

from __future__ import annotations

import simpy

from simulator.engine.calendar import Calendar
from simulator.model.network import ItStaff

BLOCK_PRIORITY = -1


class Technicians:
    def __init__(self, env: simpy.Environment, staff: ItStaff, calendar: Calendar, params: dict[str, float], max_support: int):
        self.env = env
        self.spec = staff
        self.calendar = calendar
        self.params = params
        self.recalled = False
        self.support = 0
        self.max_total = max(staff.weekday_day, staff.weekday_night, staff.weekend_day, staff.weekend_night, self.recall_total) + max_support
        self.max_total = max(self.max_total, 1)
        self.resource = simpy.PriorityResource(env, capacity=self.max_total)
        self._blockers: list = []
        self.on_duty = 0

    @property
    def recall_total(self) -> int:
        return self.spec.recall_total or self.spec.weekday_day

    def is_day(self, t: float) -> bool:
        h = self.calendar.hour(t)
        return self.spec.day_start_hour <= h < self.spec.day_end_hour

    def shift_count(self, t: float) -> int:
        s = self.spec
        weekend = self.calendar.is_weekend(t)
        day = self.is_day(t)
        base = (s.weekend_day if day else s.weekend_night) if weekend else (s.weekday_day if day else s.weekday_night)
        if self.recalled:
            share = 1.0 if day else self.params["recall_night_share"]
            base = max(base, int(round(self.recall_total * share)))
        return base

    def target(self, t: float) -> int:
        return min(self.max_total, self.shift_count(t) + self.support)

    def apply(self, t: float) -> int:
        """Bring the usable capacity to what the shift allows now; returns the new count."""
        want = self.target(t)
        blocked_wanted = self.max_total - want
        res = self.resource
        while len(self._blockers) > blocked_wanted:
            req = self._blockers.pop()
            if req.triggered:
                res.release(req)
            else:
                req.cancel()
        while len(self._blockers) < blocked_wanted:
            self._blockers.append(res.request(priority=BLOCK_PRIORITY))
        self.on_duty = want
        return want

    def next_change(self, t: float) -> float:
        return self.calendar.next_hour_mark(t, (0.0, float(self.spec.day_start_hour), float(self.spec.day_end_hour % 24)))

    def busy(self) -> int:
        """Technicians working on jobs now."""
        return self.resource.count - sum(1 for b in self._blockers if b.triggered)

    def free(self) -> int:
        return max(0, self.on_duty - self.busy())
