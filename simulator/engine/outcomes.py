"""Clinical and regional outcomes of a run: the flat KPIs added to `Exercise.kpis()`, the detail
(per function, per neighbour, per pathway) and the hourly series `run --json` prints.

Patient-safety exposure is counted, never converted into harm: patient-hours spent under
degraded procedures per function and time-critical patients delayed are what the model
computes; no published harm rate per exposed hour exists to apply (docs/model-calibration.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

WEEKS = 4


def clinical_kpis(ex: "Exercise") -> dict[str, Any]:
    flow = ex.clinical
    region = ex.region.kpis()
    tc = region["time_critical"]
    neighbours = region["neighbours"]
    return {
        "patient_hours_degraded": round(flow.patient_hours_degraded(), 1),
        "patients_rationed": round(flow.total("rationed"), 1),
        "time_critical_patients": sum(p["patients"] for p in tc.values()),
        "time_critical_delayed": sum(p["delayed"] for p in tc.values()),
        "neighbours_extra_patients": round(sum(n["extra_patients"] for n in neighbours.values()), 1),
        "neighbours_saturated_hours": round(max((n["saturated_hours"] for n in neighbours.values()), default=0.0), 1),
        "diversion_refused": region["diversion_refused"],
        "ed_diversion_hours": round(flow.diversion_minutes / 60.0, 1),
    }


def clinical_detail(ex: "Exercise") -> dict[str, Any]:
    """Per function (exposure, rationing, re-entry, lent capacity, weeks 1..4), region and pathways."""
    flow = ex.clinical
    weekly = flow.weekly(WEEKS)
    functions = {}
    for fid, fl in flow.flows.items():
        functions[fid] = {
            "unit": fl.spec.unit,
            "exposure_hours": round(fl.exposure, 1),
            "rationed": round(fl.rationed, 1),
            "reentry_left": round(fl.backlog, 1),
            "reentered": round(fl.reentered, 1),
            "mutual_aid": round(fl.aid_lent, 1),
            "mutual_aid_from": None if fl.aid_from is None else round(fl.aid_from, 3),
            "week1_cancelled_pct": round(100.0 * fl.week1_cancelled / fl.week1_demand, 2) if fl.week1_demand > 0 else 0.0,
            "week_capacity_pct": [round(100.0 * x, 2) for x in weekly[fid]["capacity"]],
            "week_throughput_per_hour": [round(x, 3) for x in weekly[fid]["throughput_per_hour"]],
        }
    region = ex.region.kpis()
    return {"functions": functions, **region}


def series(ex: "Exercise") -> dict[str, Any]:
    """Hourly series from T+0: per clinical function capacity (%), queue, turnaround (min) and
    units treated; per service its level (0 up, 1 degraded, 2 down) at each KPI sample."""
    flow = ex.clinical
    out_f = {}
    for fid, fl in flow.flows.items():
        out_f[fid] = {
            "capacity_pct": [round(100.0 * x, 2) for x in fl.s_capacity],
            "waiting": [round(x, 2) for x in fl.s_waiting],
            "turnaround_minutes": [round(x, 1) for x in fl.s_turnaround],
            "treated": [round(x, 2) for x in fl.s_treated],
        }
    services = list(ex.model.services)
    levels = ex.service_levels
    out_s = {s: [row[i] for row in levels] for i, s in enumerate(services)}
    return {
        "step_minutes": flow.dt,
        "t": [round(t, 3) for t in flow.series_t],
        "functions": out_f,
        "services_t": [round(row[0], 3) for row in ex.series],
        "services": out_s,
    }
