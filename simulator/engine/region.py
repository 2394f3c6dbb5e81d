"""The region: neighbouring emergency departments and the time-critical patients of the catchment.

Patients the hospital sends away go somewhere. Each clinical tick:
- ambulances diverted through SAMU go to the nearest neighbour that still takes them; a
  neighbour whose waiting room holds more than `refuse_after` of its capacity refuses
  (saturated) and SAMU drives on to the next one; when every neighbour refuses they come
  back (diversion refused);
- patients who avoid the hospital by themselves once the attack is public go to the
  neighbours, the nearest more often (adjacent EDs gain volume: UCSD around Scripps);
- each neighbour sees its own demand plus what it received, within its capacity (plus its
  surge once the ARS organises regional support: `ars-rebalance`, or unasked after a
  neighbour has been saturated for `ars_auto_hours`);
- stroke, STEMI and trauma patients of the catchment (Poisson, stream `region:time-critical`)
  are treated here when every function their pathway needs runs at half capacity or more
  and is not diverting; otherwise they travel to the nearest neighbour with the pathway that
  is not saturated. They go ahead of every queue (stroke or trauma alerts); their extra time
  to treatment is the drive to the neighbour, or `time_critical_degraded_minutes` when treated
  here under degraded procedures; beyond the pathway's threshold they count as delayed. No
  harm rate is derived from it (docs/model-calibration.md).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.engine.calendar import arrival_profiles
from simulator.engine.clinical import _tick_table, poisson
from simulator.model.network import Neighbour, NetworkBody, Region, TimeCritical

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

ROLES = {"emergency": "emergency", "imaging": "imaging", "surgery": "surgery", "transfusion": "transfusion", "laboratory": "laboratory"}


@functools.lru_cache(maxsize=1)
def _defaults() -> dict:
    from simulator.model.yaml_loader import load_yaml

    path = resources.files("simulator.data").joinpath("region.yaml")
    with resources.as_file(path) as real:
        return load_yaml(real).data


def default_region(net: NetworkBody, ed_id: str | None) -> Region:
    """The default ring (simulator/data/region.yaml), scaled on the network's emergency department."""
    data = _defaults()
    ed = next((f for f in net.clinical_functions if f.id == ed_id), None)
    cap = ed.capacity_per_hour if ed is not None else 10.0
    visits = ed.arrivals_per_day if ed is not None else 130.0
    ids = {f.id for f in net.clinical_functions}
    neighbours = []
    for nb in data["neighbours"]:
        neighbours.append(Neighbour(
            id=nb["id"], name=nb["name"], travel=nb["travel"],
            ed_capacity_per_hour=round(cap * float(nb["ed_capacity_factor"]), 3),
            ed_arrivals_per_day=round(visits * float(nb["ed_load"]), 3),
            surge=float(nb["surge"]), refuse_after=nb["refuse_after"], pathways=list(nb["pathways"]),
        ))
    pathways = []
    for tc in data["time_critical"]:
        needs = [ed_id if role == "emergency" else ROLES.get(role, role) for role in tc["needs"]]
        pathways.append(TimeCritical(
            pathway=tc["pathway"], per_day=round(visits * float(tc["per_100_ed_visits"]) / 100.0, 4),
            local=bool(tc["local"]), needs=[n for n in needs if n in ids], delay_threshold=tc["delay_threshold"],
        ))
    return Region(neighbours=neighbours, time_critical=pathways)


@dataclass
class NeighbourState:
    spec: Neighbour
    weights: tuple
    travel: float
    refuse_minutes: float
    waiting: float = 0.0
    own: float = 0.0
    received: float = 0.0
    received_samu: float = 0.0
    treated: float = 0.0
    refused: float = 0.0
    saturated_minutes: float = 0.0
    saturated_since: float | None = None
    peak_waiting: float = 0.0
    time_critical: int = 0
    per_minute: float = 0.0  # its own demand per minute on an average hour
    cap: float = 0.0  # per hour
    cap_surge: float = 0.0  # per hour, once the ARS coordinates

    def __post_init__(self) -> None:
        self.per_minute = self.spec.ed_arrivals_per_day / 1440.0
        self.cap = self.spec.ed_capacity_per_hour
        self.cap_surge = self.spec.ed_capacity_per_hour * (1.0 + self.spec.surge)


class RegionFlow:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        net = ex.network
        flow = ex.clinical
        self.region = net.region if net.region is not None else default_region(net, flow.ed_id)
        dt = flow.dt
        week = arrival_profiles()["emergency"]
        weights = _tick_table(week, ex.calendar.minute_of_week(0.0), dt) or ()
        self.neighbours = [
            NeighbourState(nb, weights, float(nb.travel), float(nb.refuse_after)) for nb in self.region.neighbours
        ]
        self.neighbours.sort(key=lambda n: (n.travel, n.spec.id))
        self._near = [1.0 / max(n.travel, 1.0) for n in self.neighbours]
        total = sum(self._near) or 1.0
        self._near = [w / total for w in self._near]
        self.rng = ex.streams["region:time-critical"]
        self.surge_at: float | None = None
        self.surge_by = ""
        self.returned = 0.0  # diverted ambulances brought back: every neighbour refused
        self.travel_minutes = 0.0  # extra ambulance minutes of the diverted patients
        self._auto = float(ex.params["ars_auto_hours"]) * 60.0
        self._degraded_minutes = float(ex.params["time_critical_degraded_minutes"])
        self.pathways = {tc.pathway: tc for tc in self.region.time_critical}
        self.tc: dict[str, list[float]] = {p: [0, 0, 0.0, 0, 0] for p in self.pathways}  # patients, delayed, extra minutes, here, elsewhere
        self.tc_log: list[tuple[float, str, str, float]] = []  # (t, pathway, where, extra minutes) for the delayed
        flow.on_diverted = self.tick
        self._ticks = 0
        self._limits: dict[str, float | None] | None = None
        self._limits_dt = 0.0

    # ---------------------------------------------------------------- the ARS

    def rebalance(self, by: str) -> bool:
        """Regional support: neighbours open their surge capacity, SAMU spreads over all of them."""
        if self.surge_at is not None:
            return False
        self.surge_at = self.ex.now
        self.surge_by = by
        return True

    # ---------------------------------------------------------------- the tick

    def tick(self, t: float, dt: float, diverted: float, avoided: float) -> None:
        k = self._ticks
        self._ticks = k + 1
        neighbours = self.neighbours
        if not neighbours:
            if diverted:
                self._bring_back(diverted)
            return
        surge = self.surge_at is not None
        # walk-ins who avoid the hospital: the nearest more often
        if avoided:
            for n, share in zip(neighbours, self._near):
                n.received += avoided * share
                n.waiting += avoided * share
        # SAMU: the nearest that takes them; all of them by headroom once the ARS steps in
        if diverted:
            open_ = [n for n in neighbours if not self._saturated(n, surge)]
            if not open_:
                for n in neighbours:
                    n.refused += diverted / len(neighbours)
                self._bring_back(diverted)
            elif surge:
                room = [max(self._capacity(n, surge) * 60.0 / self.ex.clinical.dt - n.waiting, 0.1) for n in open_]
                total = sum(room)
                for n, r in zip(open_, room):
                    x = diverted * r / total
                    n.received += x
                    n.received_samu += x
                    n.waiting += x
                    self.travel_minutes += x * n.travel
            else:
                n = open_[0]
                for skipped in neighbours:
                    if skipped is n:
                        break
                    skipped.refused += diverted
                n.received += diverted
                n.received_samu += diverted
                n.waiting += diverted
                self.travel_minutes += diverted * n.travel
        # each neighbour works through its own demand and what it received
        saturated_any = False
        for n in neighbours:
            weights = n.weights
            own = n.per_minute * (weights[k % len(weights)] if weights else 1.0) * dt
            n.own += own
            hourly = n.cap_surge if surge else n.cap
            cap = hourly * dt / 60.0
            waiting = n.waiting + own
            done = waiting if waiting < cap else cap
            waiting -= done
            n.waiting = waiting
            n.treated += done
            if waiting > n.peak_waiting:
                n.peak_waiting = waiting
            if waiting > hourly * n.refuse_minutes / 60.0:
                saturated_any = True
                n.saturated_minutes += dt
                if n.saturated_since is None:
                    n.saturated_since = t
                    self.ex.emit(ev.ClinicalChanged(t, n.spec.id, "neighbour-saturated"))
            elif n.saturated_since is not None:
                n.saturated_since = None
                self.ex.emit(ev.ClinicalChanged(t, n.spec.id, "neighbour-open"))
        if saturated_any and not surge and self._auto > 0:
            longest = min(n.saturated_since for n in neighbours if n.saturated_since is not None)
            if t - longest >= self._auto:
                self.rebalance("region")
                self.ex.emit(ev.ClinicalChanged(t, neighbours[0].spec.id, "ars-rebalance:region"))
        self._time_critical(t, dt, surge)

    def _capacity(self, n: NeighbourState, surge: bool) -> float:
        return n.cap_surge if surge else n.cap

    def _saturated(self, n: NeighbourState, surge: bool) -> bool:
        return n.waiting > (n.cap_surge if surge else n.cap) * n.refuse_minutes / 60.0

    def _bring_back(self, x: float) -> None:
        """Every neighbour refused: the ambulances come to this hospital after all."""
        flow = self.ex.clinical
        fl = flow.flows.get(flow.ed_id) if flow.ed_id else None
        if fl is None:
            return
        fl.diverted -= x
        fl.waiting += x
        self.returned += x

    # ---------------------------------------------------------------- stroke, STEMI, trauma

    def _local(self, tc: TimeCritical) -> bool:
        flow = self.ex.clinical
        if not tc.local:
            return False
        for fid in tc.needs:
            fl = flow.flows.get(fid)
            if fl is None:
                continue
            if fl.factor < 0.5 or (fl.divertable and flow.diverting):
                return False
        return True

    def _time_critical(self, t: float, dt: float, surge: bool) -> None:
        flow = self.ex.clinical
        rng = self.rng
        limits = self._limits
        if limits is None or self._limits_dt != dt:
            means = {name: tc.per_day * dt / 1440.0 for name, tc in self.pathways.items()}
            # poisson()'s small-mean branch with exp(-mean) computed once; other means go through poisson()
            limits = self._limits = {name: math.exp(-m) if 0.0 < m < 30.0 else None for name, m in means.items()}
            self._limits_dt = dt
        for name, tc in self.pathways.items():
            limit = limits[name]
            if limit is None:
                n_patients = int(poisson(rng, tc.per_day * dt / 1440.0))
            else:
                n_patients = 0
                p = rng.random()
                while p > limit:
                    n_patients += 1
                    p *= rng.random()
            if not n_patients:
                continue
            row = self.tc[name]
            if self._local(tc):
                # treated here, ahead of the queue (a stroke or trauma alert): only degraded
                # procedures slow it (orders by phone, images read on the modality console)
                degraded = any(
                    flow.flows[fid].factor < 1.0 for fid in tc.needs if fid in flow.flows
                )
                extra = self._degraded_minutes if degraded else 0.0
                where = "here"
                row[3] += n_patients
            else:
                able = [n for n in self.neighbours if name in n.spec.pathways] or list(self.neighbours)
                if not able:
                    continue
                target = next((n for n in able if not self._saturated(n, surge)), able[0])
                # the extra drive; a pathway normally elsewhere only loses time when its usual place refuses
                extra = target.travel - (0.0 if tc.local else able[0].travel)
                where = target.spec.id
                target.time_critical += n_patients
                row[4] += n_patients
            row[0] += n_patients
            row[2] += extra * n_patients
            if extra > tc.delay_threshold:
                row[1] += n_patients
                self.tc_log.append((t, name, where, extra))

    # ---------------------------------------------------------------- KPIs

    def kpis(self) -> dict:
        tc = {
            name: {
                "patients": int(row[0]), "delayed": int(row[1]), "extra_minutes": round(row[2], 1),
                "treated_here": int(row[3]), "sent_elsewhere": int(row[4]),
            }
            for name, row in self.tc.items()
        }
        return {
            "neighbours": {
                n.spec.id: {
                    "extra_patients": round(n.received, 1),
                    "samu_patients": round(n.received_samu, 1),
                    "load_change_pct": round(100.0 * n.received / n.own, 2) if n.own > 0 else 0.0,
                    "saturated_hours": round(n.saturated_minutes / 60.0, 1),
                    "refused_patients": round(n.refused, 1),
                    "peak_waiting": round(n.peak_waiting, 1),
                    "time_critical_patients": n.time_critical,
                }
                for n in self.neighbours
            },
            "time_critical": tc,
            "diversion_refused": round(self.returned, 1),
            "diverted_travel_minutes": round(self.travel_minutes, 1),
        }
