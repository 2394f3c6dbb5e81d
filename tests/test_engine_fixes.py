"""Engine regressions: early end, exact clock, recovery, one RunResult builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.headless import load_exercise, run_exercise, run_headless
from tests.engine_helpers import exercise

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
DATA_THEFT = SCENARIOS / "data-theft-extortion.yaml"


# ------------------------------------------------------------ item: end.when ends the run


@pytest.mark.parametrize("seed", [0, 1])
def test_an_early_end_stops_the_run_and_its_kpis_there(seed):
    ex = load_exercise(DATA_THEFT, seed, "textbook")
    reached = run_exercise(ex, "end")
    assert ex.ended and ex.facts["exercise-end"] != "duration"
    assert ex.end_time < ex.duration
    assert reached == ex.now == ex.end_time
    k = ex.kpis()
    assert max(k["service_downtime_minutes"].values()) <= ex.end_time
    assert ex.series[-1][0] <= ex.end_time
    result = run_headless(DATA_THEFT, seed=seed, policy="textbook")
    assert result.sim_minutes == ex.end_time
    assert result.kpis["service_downtime_minutes"]["internet"] <= ex.end_time


def test_recovery_runs_still_go_on_after_an_early_end():
    ex = load_exercise(DATA_THEFT, 0, "textbook")
    run_exercise(ex, "recovery")
    assert ex.ended and ex.end_time < ex.duration
    assert ex.now > ex.end_time


# ------------------------------------------------------------ item: advance lands exactly


@pytest.mark.parametrize("targets", [[0.1, 0.3, 7.7, 59.99], [1e-9, 1 / 3, 2 / 3, 100.0 / 7], [-4000.1, -0.3, 0.7, 1000.123456789]])
def test_advance_leaves_the_clock_exactly_at_until(targets):
    ex = exercise(seed=4)
    for t in targets:
        ex.advance(t)
        assert ex.now == t
        assert ex.env.peek() > t


def test_the_clock_cannot_jump_over_a_queued_event():
    ex = exercise(seed=4)
    ex.advance(0)
    with pytest.raises(ValueError):
        ex.env.jump_to(ex.env.peek() + 1)
