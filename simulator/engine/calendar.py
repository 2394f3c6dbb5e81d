"""Wall-clock facts of sim time: hour of day, weekday, shift — staffing and arrivals depend on them."""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources

from simulator.model.yaml_loader import load_yaml


class Calendar:
    """Maps sim minutes (T+0 = scenario start) to the hospital's local time."""

    def __init__(self, start: dt.datetime):
        self.start = start
        midnight = dt.datetime(start.year, start.month, start.day)
        # minutes since Monday 00:00 of the start's week, at T+0
        self.week_offset = start.weekday() * 1440 + (start - midnight).total_seconds() / 60.0

    def minute_of_week(self, t: float) -> float:
        return (self.week_offset + t) % 10080.0

    def hour_of_week(self, t: float) -> int:
        return int(self.minute_of_week(t) // 60) % 168

    def is_weekend(self, t: float) -> bool:
        return self.minute_of_week(t) >= 5 * 1440

    def hour(self, t: float) -> float:
        return (self.minute_of_week(t) % 1440) / 60.0

    def wall(self, t: float) -> dt.datetime:
        return self.start + dt.timedelta(minutes=t)

    def next_hour_mark(self, t: float, hours: tuple[float, ...]) -> float:
        """Sim time of the next instant (strictly after t) whose hour of day is in `hours`."""
        mow = self.minute_of_week(t)
        day_min = mow % 1440
        best = None
        for h in hours:
            delta = (h * 60 - day_min) % 1440
            if delta <= 1e-9:
                delta = 1440
            if best is None or delta < best:
                best = delta
        return t + (best if best is not None else 1440)


@functools.lru_cache(maxsize=1)
def arrival_profiles() -> dict[str, tuple[float, ...]]:
    """168 hourly weights per pattern, mean 1 over the week (simulator/data/arrivals.yaml)."""
    path = resources.files("simulator.data").joinpath("arrivals.yaml")
    with resources.as_file(path) as real:
        raw = load_yaml(real).data
    out: dict[str, tuple[float, ...]] = {}
    for name, spec in raw.items():
        if "hours" in spec:
            hours = [float(x) for x in spec["hours"]]
        else:
            hours = [1.0 if spec["start_hour"] <= h < spec["end_hour"] else 0.0 for h in range(24)]
        wk = float(spec.get("weekend_factor", 1.0))
        week = [hours[h % 24] * (wk if h >= 120 else 1.0) for h in range(168)]
        mean = sum(week) / 168.0
        out[name] = tuple(w / mean for w in week)
    return out
