"""Calibration check: every shipped scenario under `passive` and `textbook`, run to recovery over
many seeds, set beside the published figures it is calibrated on.

    python bench/calibration.py                 # 200 seeds, 2 worker processes
    python bench/calibration.py --seeds 40      # a quicker look
    python bench/calibration.py --scenario ransomware-weekend-night --seeds 50

Prints, per calibrated figure, the published value(s) with their source (sections of the
domain facts; the public sources are in docs/sources.md and the network file's comments)
beside the model's median and 5th-95th percentiles, and a verdict:
- `✓ within`: the model's median lies in the published range;
- `~ overlaps`: the published range meets the model's p5-p95 but not its median;
- `✗ disagrees`: it does not (docs/model-calibration.md says why);
- `shape ✓/✗`: a qualitative pattern (Synnovis' collapse and climb, neighbours gaining
  volume) holds in the model's median run or not.
Then one table per scenario with the main outcomes of both policies. The reference hospital
keeps its default controls (no variant).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.batch.plan import build_plan  # noqa: E402
from simulator.batch.worker import play  # noqa: E402

SCENARIOS = ROOT / "scenarios"
FLAGSHIP = "ransomware-weekend-night"
LAB = "third-party-lab-outage"
POLICIES = ("passive", "textbook")
DAY = 1440.0


def _weekly(run: dict, fid: str, key: str, week: int) -> float | None:
    f = (run.get("clinical") or {}).get("functions", {}).get(fid)
    if f is None or len(f[key]) <= week:
        return None
    return f[key][week]


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    scenario: str
    policy: str
    metric: Callable[[dict], float | None]
    published: tuple[float, float] | None  # range of the published figure(s); None: a shape check
    source: str
    shape: Callable[[list[dict]], bool] | None = None


def _surgery_cancelled_week1(run: dict) -> float | None:
    f = (run.get("clinical") or {}).get("functions", {}).get("surgery")
    return None if f is None else f.get("week1_cancelled_pct")


def _lab_shape(runs: list[dict]) -> bool:
    """Week-1 laboratory throughput well below its paper steady state (0.7 x 80 = 56 tests/h), then a climb."""
    w = [statistics.median(x for x in (_weekly(r, "laboratory", "week_throughput_per_hour", i) for r in runs) if x is not None) for i in range(3)]
    cap = [statistics.median(x for x in (_weekly(r, "laboratory", "week_capacity_pct", i) for r in runs) if x is not None) for i in range(3)]
    return w[0] < 0.75 * 56.0 and w[1] > w[0] and cap[0] < cap[1] < cap[2]


FIGURES: tuple[Figure, ...] = (
    Figure("ehr-textbook", "EHR downtime, textbook cell (days)", FLAGSHIP, "textbook",
           lambda r: r["kpis"]["ehr_downtime_minutes"] / DAY, (8.0, 26.0),
           "Cannes 2024: priority software back after 8 days, ANSSI and a responder on site (§2.7); Scripps 2021: EHR back after 26 days (§2.11)"),
    Figure("ehr-passive", "EHR downtime, passive cell (days)", FLAGSHIP, "passive",
           lambda r: r["kpis"]["ehr_downtime_minutes"] / DAY, (26.0, 60.0),
           "Scripps: 26 days (§2.11); CHSF 2022: about 2 months of paralysed IT (§2.2)"),
    Figure("recovered-textbook", "Essential services back, textbook (days)", FLAGSHIP, "textbook",
           lambda r: None if r["recovered_at"] is None else r["recovered_at"] / DAY, (8.0, 30.0),
           "Cannes: priority software at day 8 (§2.7); UHS 2020: most systems back in about a month (§2.12)"),
    Figure("recovered-passive", "Essential services back, passive (days)", FLAGSHIP, "passive",
           lambda r: None if r["recovered_at"] is None else r["recovered_at"] / DAY, (30.0, 91.0),
           "CHSF: 80 % of IT targeted ~10 weeks after the attack (§2.2); HSE 2021: 95 % after 13 weeks (§2.1)"),
    Figure("ed-week1", "ED volume, week 1, textbook (% change)", FLAGSHIP, "textbook",
           lambda r: r["kpis"]["ed_volume_change_week1_pct"], (-19.0, -8.0),
           "US hospitals 2014-2020: ED and inpatient volume -8 % in week 1; Medicare: ED visits -19 % in week 1 (§4.3)"),
    Figure("surgery-week1", "Operations cancelled, week 1, textbook (% of demand)", FLAGSHIP, "textbook",
           _surgery_cancelled_week1, (33.0, 88.0),
           "Cannes: about a third of operations deprogrammed (§2.7); Düsseldorf: 70-120 a day down to 10-15 (§2.8)"),
    Figure("diversion", "ED diverting ambulances, textbook (hours)", FLAGSHIP, "textbook",
           lambda r: r["kpis"]["ed_diversion_hours"], (24.0, 48.0),
           "Armentières 2024: ED closed 24 h, ambulances diverted, reopened on day 2 (§2.6)"),
    Figure("lab-tat", "Lab turnaround, week 1, textbook (% change)", FLAGSHIP, "textbook",
           lambda r: r["kpis"]["lab_turnaround_change_pct"], (62.0, 62.0),
           "US study of EHR downtime at 2 hospitals: lab results +62 % (§4.2; the LIS kept running there)"),
    Figure("lab-shape-passive", "Lab outage: week-1 collapse, then a climb (passive)", LAB, "passive",
           lambda r: _weekly(r, "laboratory", "week_throughput_per_hour", 0), None,
           "Synnovis 2024: testing and transfusion collapsed, then a climb over weeks through manual work and mutual aid (§2.10)",
           shape=_lab_shape),
    Figure("lab-shape-textbook", "Lab outage: week-1 collapse, then a climb (textbook)", LAB, "textbook",
           lambda r: _weekly(r, "laboratory", "week_throughput_per_hour", 0), None,
           "Synnovis 2024 (§2.10)", shape=_lab_shape),
    Figure("neighbours", "Neighbouring EDs gain volume, passive (patients)", FLAGSHIP, "passive",
           lambda r: r["kpis"]["neighbours_extra_patients"], None,
           "UCSD around Scripps: adjacent EDs saw more patients, diversion re-imposed, more stroke codes (§2.11, §4.3)",
           shape=lambda runs: statistics.median(r["kpis"]["neighbours_extra_patients"] for r in runs) > 0),
    Figure("time-critical", "Strokes, STEMI, trauma sent elsewhere, passive (patients)", FLAGSHIP, "passive",
           lambda r: sum(p["sent_elsewhere"] for p in r["clinical"]["time_critical"].values()), None,
           "Scripps: stroke, heart-attack and trauma patients diverted (§2.11); Cannes: stroke pathway to CHU Nice (§2.7)",
           shape=lambda runs: statistics.median(sum(p["sent_elsewhere"] for p in r["clinical"]["time_critical"].values()) for r in runs) > 0),
)

# (label, metric, format) of the per-scenario tables
OUTCOMES: tuple[tuple[str, Callable[[dict], float | None], str], ...] = (
    ("EHR downtime (d)", lambda r: r["kpis"]["ehr_downtime_minutes"] / DAY, "{:.1f}"),
    ("services back (d)", lambda r: None if r["recovered_at"] is None else r["recovered_at"] / DAY, "{:.1f}"),
    ("ED volume wk 1 (%)", lambda r: r["kpis"]["ed_volume_change_week1_pct"], "{:+.0f}"),
    ("lab turnaround wk 1 (%)", lambda r: r["kpis"]["lab_turnaround_change_pct"], "{:+.0f}"),
    ("cancelled", lambda r: r["kpis"]["procedures_cancelled"], "{:,.0f}"),
    ("diverted", lambda r: r["kpis"]["patients_diverted"], "{:,.0f}"),
    ("ED diverting (h)", lambda r: r["kpis"]["ed_diversion_hours"], "{:.0f}"),
    ("neighbours +", lambda r: r["kpis"]["neighbours_extra_patients"], "{:,.0f}"),
    ("time-critical delayed", lambda r: r["kpis"]["time_critical_delayed"], "{:.0f}"),
    ("patient-hours degraded", lambda r: r["kpis"]["patient_hours_degraded"], "{:,.0f}"),
)


def _init(plan) -> None:
    global _PLAN
    _PLAN = plan


def _play(seed: int) -> dict:
    plan = _PLAN
    return play(plan, plan.networks[0][1], seed)


def runs_of(scenario: str, policy: str, seeds: int, workers: int) -> list[dict]:
    plan = build_plan(str(SCENARIOS / f"{scenario}.yaml"), policy=policy, until="recovery")
    if workers <= 1:
        _init(plan)
        return [_play(s) for s in range(seeds)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(plan,)) as pool:
        return pool.map(_play, range(seeds), chunksize=max(1, seeds // (workers * 4)))


def spread(xs: list[float]) -> tuple[float, float, float]:
    """Median, 5th and 95th percentiles (inclusive)."""
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=20, method="inclusive")
    return statistics.median(xs), q[0], q[18]


def verdict(fig: Figure, runs: list[dict]) -> tuple[str, str, str]:
    """(published, model, verdict) cells of one figure."""
    values = [v for v in (fig.metric(r) for r in runs) if v is not None]
    missing = len(runs) - len(values)
    if fig.shape is not None:
        ok = fig.shape(runs)
        model = f"{statistics.median(values):,.1f}" if values else "–"
        return "pattern", model, "shape ✓" if ok else "shape ✗"
    if not values:
        return "–", "no run reached it", "✗ disagrees"
    med, p5, p95 = spread(values)
    lo, hi = fig.published
    pub = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
    guard = sum(1 for r in runs if r.get("recovery_guard_reached"))
    notes = ([f"{guard} at the guard"] if guard else []) + ([f"{missing - guard} not hit"] if missing - guard else [])
    model = f"{med:,.1f} ({p5:,.1f}–{p95:,.1f})" + (", " + ", ".join(notes) if notes else "")
    if lo <= med <= hi:
        v = "✓ within"
    elif p5 <= hi and lo <= p95:
        v = "~ overlaps"
    else:
        v = "✗ disagrees"
    return pub, model, v


def figures_table(results: dict[tuple[str, str], list[dict]]) -> str:
    rows = ["| figure | published | model median (p5–p95) | verdict | source |", "|---|---|---|---|---|"]
    for fig in FIGURES:
        runs = results.get((fig.scenario, fig.policy))
        if not runs:
            continue
        pub, model, v = verdict(fig, runs)
        rows.append(f"| {fig.label} | {pub} | {model} | {v} | {fig.source} |")
    return "\n".join(rows)


def outcomes_table(scenario: str, results: dict[tuple[str, str], list[dict]]) -> str:
    rows = [f"| {scenario} | " + " | ".join(POLICIES) + " |", "|---|" + "---|" * len(POLICIES)]
    for label, metric, fmt in OUTCOMES:
        cells = []
        for policy in POLICIES:
            runs = results.get((scenario, policy), [])
            values = [v for v in (metric(r) for r in runs) if v is not None]
            if not values:
                cells.append("–" if runs else "")
                continue
            med, p5, p95 = spread(values)
            never = len(runs) - len(values)
            guard = sum(1 for r in runs if r.get("recovery_guard_reached")) if never else 0
            notes = ([f"{guard} at the guard"] if guard else []) + ([f"{never - guard} not hit"] if never - guard else [])
            cells.append(f"{fmt.format(med)} ({fmt.format(p5)}–{fmt.format(p95)})" + (f" [{', '.join(notes)}]" if notes else ""))
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    guard = [sum(1 for r in results.get((scenario, p), []) if r.get("recovery_guard_reached")) for p in POLICIES]
    rows.append("| runs stopped by the recovery guard | " + " | ".join(str(g) for g in guard) + " |")
    return "\n".join(rows)


def measure(seeds: int, scenarios: list[str], workers: int = 2) -> dict[tuple[str, str], list[dict]]:
    return {(sc, pol): runs_of(sc, pol, seeds, workers) for sc in scenarios for pol in POLICIES}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scenario", action="append", help="scenario id (repeatable); default: every shipped scenario")
    args = ap.parse_args(argv)
    scenarios = args.scenario or sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    start = time.perf_counter()
    results = measure(args.seeds, scenarios, args.workers)
    took = time.perf_counter() - start
    print(f"{len(scenarios)} scenario(s) x {POLICIES}, {args.seeds} seeds (0..{args.seeds - 1}) each, until recovery, {took:.0f} s")
    print()
    print(figures_table(results))
    for sc in scenarios:
        print()
        print(outcomes_table(sc, results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
