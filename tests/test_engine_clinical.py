"""Clinical flow: conservation, degraded modes, diversion, cancellations, KPIs."""

from __future__ import annotations

import pytest

from simulator.engine.headless import run_headless
from tests.engine_helpers import SCENARIO, exercise


def conserved(ex) -> None:
    for fid, fl in ex.clinical.flows.items():
        total = fl.treated + fl.waiting + fl.diverted + fl.transferred + fl.left
        assert fl.arrivals == pytest.approx(total, rel=1e-9, abs=1e-9), fid
        assert fl.demand == pytest.approx(fl.arrivals + fl.cancelled + fl.avoided, rel=1e-9, abs=1e-9), fid


@pytest.mark.parametrize("policy", [None, "passive", "textbook"])
def test_patient_conservation(policy):
    ex = exercise(SCENARIO, 7, policy)
    for t in (0, 600, 2000, 4320, 10000):
        ex.advance(t)
        conserved(ex)


def test_no_attack_no_loss(tmp_path):
    from tests.engine_helpers import variant

    path = variant(tmp_path, lambda s: s["threat"]["initial_access"].update(at="T+3d"))
    ex = exercise(path, 0)
    ex.advance(4319)
    for fl in ex.clinical.flows.values():
        assert fl.cancelled == 0 and fl.diverted == 0
        assert fl.waiting < fl.spec.capacity_per_hour  # the hospital keeps up in a normal week
    assert ex.kpis()["ehr_downtime_minutes"] == 0


def test_degraded_mode_restores_capacity_after_its_delay_slowly_at_first():
    """Paper procedures start at `start_efficiency` of their capacity and improve with practice."""
    ex = exercise(SCENARIO, 0)
    ex.advance(30)
    fl = ex.clinical.flows["emergency"]
    assert ex.clinical.factor_of(fl, 2, ex.now) == 0.0
    ex.submit("degraded-mode emergency")
    ex.advance(30 + 45)
    assert ex.clinical.factor_of(fl, 2, ex.now) == 0.0  # activation takes an hour
    ex.advance(30 + 75)
    assert ex.clinical.factor_of(fl, 2, ex.now) == 0.0  # the clinical model moves hourly: from the next tick
    ex.advance(120)
    first = ex.clinical.factor_of(fl, 2, ex.now)
    assert first == pytest.approx(0.7 * fl.e0, rel=0.05)
    ex.advance(30 + 75 + 24 * 60)
    later = ex.clinical.factor_of(fl, 2, ex.now)
    assert first < later <= 0.7
    assert ex.snapshot().functions[0].paper_mode


def test_diversion_sends_ambulances_away():
    a = exercise(SCENARIO, 0)
    b = exercise(SCENARIO, 0)
    for ex in (a, b):
        ex.advance(10)
    b.submit("divert on")
    a.advance(600)
    b.advance(600)
    assert b.clinical.flows["emergency"].diverted > a.clinical.flows["emergency"].diverted
    assert b.clinical.flows["emergency"].waiting < a.clinical.flows["emergency"].waiting


def test_elective_activity_is_cancelled_when_theatres_are_down():
    ex = exercise(SCENARIO, 0)
    ex.advance(4320)
    assert ex.clinical.flows["surgery"].cancelled > 0
    assert ex.clinical.flows["emergency"].cancelled == 0


def test_kpis_move_the_right_way():
    k = run_headless(SCENARIO, seed=0, policy="passive", until="end").to_json()["kpis"]
    assert k["ehr_downtime_minutes"] == 4320
    assert k["ed_volume_change_week1_pct"] < 0
    assert k["lab_turnaround_change_pct"] > 0
    assert k["assets_encrypted"] > 0 and k["records_exfiltrated"] > 0


def test_kpi_series_sampled_hourly():
    data = run_headless(SCENARIO, seed=0, policy="passive", until="end").to_json()
    rows = data["series"]["rows"]
    assert rows[0][0] == 0 and rows[1][0] == 60
    assert len(rows) == 73
