"""Summary statistics of a batch: distribution of each KPI and paired differences.

Percentiles use linear interpolation between order statistics (the "type 7"
rule of R and NumPy's default). The confidence interval of the mean is
Student's t interval, mean +/- t(1 - a/2, n - 1) * s / sqrt(n), with s the
sample standard deviation; it assumes runs are independent (they are: one seed
each) and leans on the central limit theorem for skewed KPIs, which holds well
at the hundreds of runs a batch uses. t quantiles invert the exact t distribution
function (closed form for integer degrees of freedom) up to 100 degrees of
freedom and use a Cornish-Fisher expansion beyond (error below 1e-6 there).

Paired differences (`--compare`) are the same summary over the per-seed
differences variant - baseline: pairing on the seed removes the between-run
noise both arms share, so the interval is much narrower than the difference
of two independent intervals.
"""

from __future__ import annotations

import functools
import math
from array import array
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Iterable, Mapping, Sequence

CONFIDENCE = 0.95


def _t_cdf(t: float, df: int) -> float:
    """P(T <= t) for integer df, from the finite series in the angle atan(t / sqrt(df))."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    s = math.sin(theta)
    if df % 2 == 1:
        term, total = 1.0, 1.0
        for k in range(2, df - 1, 2):
            term *= c2 * k / (k + 1)
            total += term
        inside = 2 / math.pi * (theta + (s * math.cos(theta) * total if df > 1 else 0.0))
    else:
        term, total = 1.0, 1.0
        for k in range(1, df - 2, 2):
            term *= c2 * k / (k + 1)
            total += term
        inside = s * total
    return 0.5 + inside / 2


def _cornish_fisher(p: float, df: int) -> float:
    z = NormalDist().inv_cdf(p)
    v = float(df)
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


@functools.lru_cache(maxsize=256)
def t_quantile(p: float, df: int) -> float:
    """Quantile p of Student's t distribution with df degrees of freedom."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    if df > 100:
        return _cornish_fisher(p, df)
    if p < 0.5:
        return -t_quantile(1 - p, df)
    lo, hi = 0.0, max(1.0, 2 * _cornish_fisher(p, df))
    while _t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(80):
        mid = (lo + hi) / 2
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Percentile q (0..100) of already-sorted values, linear interpolation (type 7)."""
    n = len(sorted_values)
    if n == 0:
        return math.nan
    if n == 1:
        return float(sorted_values[0])
    h = (n - 1) * q / 100.0
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return float(sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo]))


@dataclass(frozen=True)
class Summary:
    """Distribution of one metric over the runs."""

    n: int
    mean: float
    median: float
    p5: float
    p95: float
    std: float
    ci_low: float
    ci_high: float
    min: float
    max: float

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(values: Iterable[float], confidence: float = CONFIDENCE) -> Summary:
    """Mean, median, p5, p95, standard deviation and the t interval of the mean."""
    data = sorted(float(v) for v in values)
    n = len(data)
    if n == 0:
        nan = math.nan
        return Summary(0, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    mean = math.fsum(data) / n
    if n > 1:
        var = math.fsum((x - mean) ** 2 for x in data) / (n - 1)
        std = math.sqrt(var)
        half = t_quantile(0.5 + confidence / 2, n - 1) * std / math.sqrt(n)
        if std == 0.0:
            half = 0.0
    else:
        std = 0.0
        half = math.inf  # one run says nothing about the spread
    return Summary(
        n=n,
        mean=mean,
        median=percentile(data, 50),
        p5=percentile(data, 5),
        p95=percentile(data, 95),
        std=std,
        ci_low=mean - half,
        ci_high=mean + half,
        min=data[0],
        max=data[-1],
    )


def paired_summary(baseline: Sequence[float], variant: Sequence[float], confidence: float = CONFIDENCE) -> Summary:
    """Summary of variant - baseline, run by run (same seeds, same order)."""
    if len(baseline) != len(variant):
        raise ValueError("paired samples must have the same length")
    return summarize((v - b for b, v in zip(baseline, variant)), confidence)


def flatten_kpis(kpis: Mapping[str, object], prefix: str = "") -> dict[str, float]:
    """Nested KPI dict to flat `name` / `name.sub` numbers, in a stable (sorted) order."""
    out: dict[str, float] = {}
    for key in sorted(kpis):
        value = kpis[key]
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_kpis(value, name + "."))
        elif isinstance(value, bool):
            out[name] = float(value)
        elif isinstance(value, (int, float)):
            out[name] = float(value)
        elif value is None:
            out[name] = math.nan
    return out


def clock_outcomes(clocks: Iterable[Mapping[str, object]]) -> dict[str, float]:
    """`clock.ID.met` = 1 when a regulatory clock was met in time, 0 when it was missed.

    Clocks that never started, or still run with their deadline beyond the
    end of the run, are left out: the mean is the share of runs where the
    obligation fell due and was met in time.
    """
    out: dict[str, float] = {}
    for clock in clocks:
        cid = clock.get("id")
        state = clock.get("state")
        if cid is None:
            continue
        if state is None:
            met, deadline = clock.get("met_at"), clock.get("deadline")
            if deadline is None:
                continue
            state = "met" if met is not None and float(met) <= float(deadline) else "missed"  # type: ignore[arg-type]
        if state in ("met", "missed"):
            out[f"clock.{cid}.met"] = 1.0 if state == "met" else 0.0
    return out


def missing_value(name: str) -> float:
    """What a metric absent from a run means: a clock that did not fall due (NaN, skipped), else zero.

    The engine leaves zero entries out of sparse KPI maps (a service that never went down).
    """
    return math.nan if name.startswith("clock.") or name == "recovered_at" else 0.0


class MetricColumns:
    """Per-metric values of every run, stored compactly (8 bytes per run and metric).

    Runs are streamed to disk and dropped; only these numbers are kept, for
    exact medians and percentiles. A metric missing from a run is stored as
    `missing_value(name)`: NaN ones are skipped by `summaries`.
    """

    def __init__(self) -> None:
        self.columns: dict[str, array] = {}
        self.count = 0

    def add(self, metrics: Mapping[str, float]) -> None:
        for name in sorted(metrics.keys() - self.columns.keys()):
            self.columns[name] = array("d", [missing_value(name)]) * self.count
        for name, col in self.columns.items():
            value = metrics.get(name)
            col.append(missing_value(name) if value is None else float(value))
        self.count += 1

    def values(self, name: str) -> list[float]:
        col = self.columns.get(name)
        return [] if col is None else [v for v in col if not math.isnan(v)]

    def names(self) -> list[str]:
        return sorted(self.columns)

    def summaries(self, confidence: float = CONFIDENCE) -> dict[str, Summary]:
        return {name: summarize(self.values(name), confidence) for name in self.names()}

    def nbytes(self) -> int:
        return sum(col.itemsize * len(col) for col in self.columns.values())


def paired_summaries(base: MetricColumns, variant: MetricColumns, confidence: float = CONFIDENCE) -> dict[str, Summary]:
    """Paired differences of every metric both arms have, over the runs where both have a value."""
    out: dict[str, Summary] = {}
    for name in sorted(base.columns.keys() & variant.columns.keys()):
        pairs = [(b, v) for b, v in zip(base.columns[name], variant.columns[name]) if not (math.isnan(b) or math.isnan(v))]
        out[name] = summarize((v - b for b, v in pairs), confidence)
    return out


def run_metrics(line: Mapping[str, object]) -> dict[str, float]:
    """Every number a batch summarises from one run line: KPIs, clocks met, time reached."""
    out = flatten_kpis(line.get("kpis") or {})  # type: ignore[arg-type]
    out.update(clock_outcomes(line.get("clocks") or []))  # type: ignore[arg-type]
    out["sim_minutes"] = float(line.get("sim_minutes") or 0.0)  # type: ignore[arg-type]
    recovered = line.get("recovered_at")
    if recovered is not None:
        out["recovered_at"] = float(recovered)  # type: ignore[arg-type]
    for fid, weeks in (line.get("weekly") or {}).items():  # type: ignore[union-attr]
        for i, value in enumerate(weeks):
            out[f"{WEEKLY}{fid}.w{i + 1}"] = float(value)
    return out


WEEKLY = "weekly."
"""Prefix of the per-function weekly capacity metrics: `weekly.laboratory.w1` (%)."""


def weekly_medians(columns: MetricColumns) -> dict[str, list[float]]:
    """Median capacity (%) of each clinical function in weeks 1..n over the runs, file order kept
    as the metric names sort (function id, then week)."""
    out: dict[str, list[float]] = {}
    for name in columns.names():
        if not name.startswith(WEEKLY):
            continue
        fid, week = name[len(WEEKLY):].rsplit(".w", 1)
        values = sorted(columns.values(name))
        if values:
            out.setdefault(fid, []).append((int(week), percentile(values, 50)))  # type: ignore[arg-type]
    return {fid: [v for _w, v in sorted(weeks)] for fid, weeks in out.items()}  # type: ignore[misc]
