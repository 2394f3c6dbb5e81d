"""Calibration check: the flagship run to recovery by the textbook cell, over many seeds.

    python bench/calibration.py [--seeds 100] [--policy textbook] [--scenario FILE]

Prints the Markdown table pasted in docs/model-calibration.md: median, p10 and p90
of EHR downtime (days), week-1 ED volume change (%), patients diverted,
procedures cancelled and lab turnaround change (%), with the targets the issue
set (median EHR downtime 1 to 5 weeks, week-1 ED volume drop 10 % to 35 %).
The reference hospital keeps its default controls (no variant).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.engine.headless import run_headless  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"

# (KPI key, label, scale applied to the raw value, target range of the median or None)
METRICS = (
    ("ehr_downtime_minutes", "EHR downtime (days)", 1 / 1440.0, (7.0, 35.0)),
    ("ed_volume_change_week1_pct", "ED volume, week 1 (% change)", 1.0, (-35.0, -10.0)),
    ("patients_diverted", "Patients diverted", 1.0, None),
    ("procedures_cancelled", "Procedures cancelled", 1.0, None),
    ("lab_turnaround_change_pct", "Lab turnaround, week 1 (% change)", 1.0, (40.0, 300.0)),
)


def measure(seeds: int, policy: str = "textbook", scenario: Path = FLAGSHIP) -> dict[str, list[float]]:
    """Each metric's values over seeds 0..seeds-1, runs to recovery."""
    values: dict[str, list[float]] = {key: [] for key, *_ in METRICS}
    for seed in range(seeds):
        kpis = run_headless(scenario, seed=seed, policy=policy, until="recovery").kpis
        for key, _label, scale, _target in METRICS:
            values[key].append(float(kpis[key]) * scale)
    return values


def percentiles(xs: list[float]) -> tuple[float, float, float]:
    """Median, p10, p90 (inclusive deciles; one value gives itself three times)."""
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    deciles = statistics.quantiles(xs, n=10, method="inclusive")
    return statistics.median(xs), deciles[0], deciles[8]


def table(values: dict[str, list[float]]) -> str:
    rows = ["| metric | median | p10 | p90 | target (median) |", "|---|---:|---:|---:|---|"]
    for key, label, _scale, target in METRICS:
        med, p10, p90 = percentiles(values[key])
        want = "" if target is None else f"{target[0]:g} to {target[1]:g}" + (" ✓" if target[0] <= med <= target[1] else " ✗")
        rows.append(f"| {label} | {med:,.1f} | {p10:,.1f} | {p90:,.1f} | {want} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--policy", default="textbook")
    ap.add_argument("--scenario", type=Path, default=FLAGSHIP)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    values = measure(args.seeds, args.policy, args.scenario)
    took = time.perf_counter() - start
    print(f"{args.scenario.stem}, policy {args.policy}, {args.seeds} seeds (0..{args.seeds - 1}), until recovery, {took:.1f} s")
    print()
    print(table(values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
