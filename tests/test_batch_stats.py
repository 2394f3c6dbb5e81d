"""Batch statistics: t quantiles, percentiles, the interval of the mean, paired differences, sparse metrics."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.batch.stats import (
    MetricColumns,
    clock_outcomes,
    flatten_kpis,
    paired_summaries,
    paired_summary,
    percentile,
    run_metrics,
    summarize,
    t_quantile,
)

# Student t, two-sided 95 % (p = 0.975) and one-sided 95 % (p = 0.95), from printed tables.
T_TABLE = {
    (0.975, 1): 12.7062, (0.975, 2): 4.3027, (0.975, 3): 3.1824, (0.975, 4): 2.7764, (0.975, 5): 2.5706,
    (0.975, 9): 2.2622, (0.975, 19): 2.0930, (0.975, 29): 2.0452, (0.975, 99): 1.9842, (0.975, 199): 1.9720,
    (0.975, 999): 1.9623, (0.95, 3): 2.3534, (0.95, 10): 1.8125, (0.995, 7): 3.4995, (0.995, 120): 2.6174,
}


@pytest.mark.parametrize(("p", "df"), sorted(T_TABLE))
def test_t_quantile_matches_printed_tables(p, df):
    assert t_quantile(p, df) == pytest.approx(T_TABLE[(p, df)], abs=6e-5)
    assert t_quantile(1 - p, df) == pytest.approx(-T_TABLE[(p, df)], abs=6e-5)


def test_t_quantile_tends_to_the_normal_and_rejects_nonsense():
    assert t_quantile(0.975, 10**6) == pytest.approx(1.95996, abs=1e-4)
    assert t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-9)
    for bad in ((0.0, 5), (1.0, 5), (0.5, 0)):
        with pytest.raises(ValueError):
            t_quantile(*bad)


def test_percentiles_interpolate_like_numpy_default():
    import numpy as np  # a test dependency (pyproject [test]): missing, it fails
    rng = random.Random(3)
    data = sorted(rng.lognormvariate(3, 1) for _ in range(137))
    for q in (0, 5, 25, 50, 90, 95, 100):
        assert percentile(data, q) == pytest.approx(float(np.percentile(data, q)))
    assert percentile([4.0], 95) == 4.0
    assert math.isnan(percentile([], 50))


def test_summary_of_a_known_sample():
    s = summarize([2, 4, 4, 4, 5, 5, 7, 9])
    assert (s.n, s.mean, s.median, s.min, s.max) == (8, 5.0, 4.5, 2.0, 9.0)
    assert s.std == pytest.approx(math.sqrt(32 / 7))
    half = 2.3646 * math.sqrt(32 / 7) / math.sqrt(8)
    assert (s.ci_low, s.ci_high) == (pytest.approx(5 - half, abs=1e-3), pytest.approx(5 + half, abs=1e-3))
    assert s.p5 == pytest.approx(2.7) and s.p95 == pytest.approx(8.3)


def test_degenerate_samples():
    constant = summarize([3.0] * 10)
    assert (constant.ci_low, constant.ci_high, constant.std) == (3.0, 3.0, 0.0)
    single = summarize([1.5])
    assert single.mean == 1.5 and math.isinf(single.ci_high)
    empty = summarize([])
    assert empty.n == 0 and math.isnan(empty.mean)


def test_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = random.Random(11)
    hits = 0
    trials = 2000
    for _ in range(trials):
        s = summarize(rng.gauss(10, 3) for _ in range(12))
        hits += s.ci_low <= 10 <= s.ci_high
    assert 0.93 <= hits / trials <= 0.97


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=60))
def test_summary_orders_hold(values):
    s = summarize(values)
    tol = 1e-6 * (1 + max(abs(v) for v in values))
    assert s.min <= s.p5 <= s.median <= s.p95 <= s.max
    assert s.ci_low <= s.mean + tol and s.mean <= s.ci_high + tol
    assert s.min - tol <= s.mean <= s.max + tol


def test_pairing_removes_shared_noise():
    rng = random.Random(5)
    noise = [rng.gauss(0, 50) for _ in range(200)]
    base = [100 + e for e in noise]
    variant = [80 + e + rng.gauss(0, 1) for e in noise]
    paired = paired_summary(base, variant)
    assert paired.ci_low < -20 < paired.ci_high and paired.ci_high < 0
    assert paired.ci_high - paired.ci_low < 1.0  # unpaired intervals would be ~14 wide each
    with pytest.raises(ValueError):
        paired_summary([1.0], [1.0, 2.0])


def test_flatten_clock_and_run_metrics():
    kpis = {"ehr_downtime_minutes": 90.0, "service_downtime_minutes": {"lis": 30.0, "ehr": 90.0}, "ransom_paid": True, "records_exfiltrated": 12}
    assert flatten_kpis(kpis) == {
        "ehr_downtime_minutes": 90.0, "ransom_paid": 1.0, "records_exfiltrated": 12.0,
        "service_downtime_minutes.ehr": 90.0, "service_downtime_minutes.lis": 30.0,
    }
    clocks = [
        {"id": "gdpr-72h", "state": "met", "deadline": 4320.0, "met_at": 700.0},
        {"id": "nis2-24h", "state": "missed", "deadline": 1440.0, "met_at": None},
        {"id": "nis2-1m", "state": "running", "deadline": 43200.0, "met_at": None},
        {"id": "cert-sante", "state": "not-started", "deadline": None, "met_at": None},
        {"id": "police-72h", "deadline": 4320.0, "met_at": 5000.0},
    ]
    assert clock_outcomes(clocks) == {"clock.gdpr-72h.met": 1.0, "clock.nis2-24h.met": 0.0, "clock.police-72h.met": 0.0}
    line = {"kpis": kpis, "clocks": clocks, "sim_minutes": 4320.0, "recovered_at": None}
    m = run_metrics(line)
    assert m["sim_minutes"] == 4320.0 and "recovered_at" not in m and m["clock.gdpr-72h.met"] == 1.0


def test_columns_fill_sparse_kpis_with_zero_and_skip_clocks_that_did_not_fall_due():
    cols = MetricColumns()
    cols.add({"service_downtime_minutes.ehr": 60.0, "clock.gdpr-72h.met": 1.0})
    cols.add({"service_downtime_minutes.lis": 30.0})
    cols.add({"service_downtime_minutes.ehr": 120.0, "clock.gdpr-72h.met": 0.0})
    assert cols.values("service_downtime_minutes.ehr") == [60.0, 0.0, 120.0]
    assert cols.values("service_downtime_minutes.lis") == [0.0, 30.0, 0.0]
    assert cols.values("clock.gdpr-72h.met") == [1.0, 0.0]
    assert cols.summaries()["clock.gdpr-72h.met"].n == 2
    assert cols.nbytes() == 3 * 3 * 8

    other = MetricColumns()
    for v in (50.0, 10.0, 100.0):
        other.add({"service_downtime_minutes.ehr": v, "clock.gdpr-72h.met": 1.0})
    diffs = paired_summaries(cols, other)
    assert diffs["service_downtime_minutes.ehr"].mean == pytest.approx((-10 + 10 - 20) / 3)
    assert diffs["clock.gdpr-72h.met"].n == 2  # only seeds where both arms had the clock fall due
