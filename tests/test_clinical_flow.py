"""Clinical flow with real bottlenecks (engine/clinical.py) and the region around (engine/region.py)."""

from __future__ import annotations

import pytest

from simulator.engine.headless import load_exercise, run_exercise, run_headless
from simulator.model.documents import load_document
from tests.conftest import SCENARIOS
from tests.engine_helpers import SCENARIO, exercise, variant

FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"
LAB = SCENARIOS / "third-party-lab-outage.yaml"
PAPER_STEADY = 0.7 * 80.0  # the reference laboratory on paper: 0.7 x 80 tests an hour
CLINICAL_KPIS = (
    "patients_diverted", "procedures_cancelled", "ed_volume_change_week1_pct", "lab_turnaround_change_pct",
    "patient_hours_degraded", "patients_avoided",
)


def _ransomware_scenarios():
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        threat = load_document(path, expect="scenario").body.threat
        if threat is not None and any(s.technique.startswith("T1486") for s in threat.stages):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _ransomware_scenarios(), ids=lambda p: p.stem)
def test_two_seeds_give_different_clinical_kpis(path):
    a = run_headless(path, seed=0, policy="passive", until="end").kpis
    b = run_headless(path, seed=1, policy="passive", until="end").kpis
    assert {k: a[k] for k in CLINICAL_KPIS} != {k: b[k] for k in CLINICAL_KPIS}


def test_seeds_move_patients_even_when_nothing_happens(tmp_path):
    """Arrivals are random by hour and weekday, from the named clinical streams."""
    quiet = variant(tmp_path, lambda s: s["threat"]["initial_access"].update(at="T+3d"))
    runs = []
    for seed in (0, 1):
        ex = exercise(quiet, seed)
        ex.advance(3 * 1440 - 60)
        runs.append(ex.clinical.flows["emergency"].demand)
    assert runs[0] != runs[1]
    assert abs(runs[0] - runs[1]) < 0.3 * runs[0]


def _lab_weeks(policy: str, seed: int):
    ex = load_exercise(LAB, seed, policy)
    ex.advance(28 * 1440)
    week = ex.clinical.weekly(4)["laboratory"]
    return week["throughput_per_hour"], week["capacity"]


@pytest.mark.parametrize("policy", ["passive", "textbook"])
def test_lab_outage_collapses_in_week_one_then_climbs(policy):
    """Synnovis' shape (§2.10): throughput in week 1 well below the paper steady state, then a climb."""
    for seed in (0, 1):
        throughput, capacity = _lab_weeks(policy, seed)
        assert throughput[0] < 0.75 * PAPER_STEADY, throughput
        assert throughput[1] > throughput[0] * 1.15, throughput
        assert throughput[2] > throughput[0] * 1.15, throughput
        assert capacity[0] < capacity[1] < capacity[2], capacity


def test_diverted_patients_load_the_nearest_neighbour_that_takes_them():
    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(10)
    assert ex.submit("divert on").accepted
    ex.advance(12 * 60)
    region = ex.region
    nearest = region.neighbours[0]
    assert nearest.received_samu > 0
    assert ex.kpis()["neighbours_extra_patients"] == pytest.approx(sum(n.received for n in region.neighbours), abs=0.1)
    assert all(n.received_samu == 0 for n in region.neighbours[1:] if n.saturated_minutes == 0 and nearest.saturated_minutes == 0)


def test_a_saturated_neighbour_refuses_and_the_next_one_takes_them():
    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(10)
    nearest, second = ex.region.neighbours[0], ex.region.neighbours[1]
    nearest.waiting = 10 * nearest.spec.ed_capacity_per_hour  # ten hours of patients already waiting there
    assert ex.submit("divert on").accepted
    ex.advance(3 * 60)
    assert nearest.refused > 0
    assert second.received_samu > 0
    assert ex.kpis()["neighbours_saturated_hours"] > 0


def test_when_every_neighbour_refuses_the_ambulances_come_back():
    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(10)
    for n in ex.region.neighbours:
        n.waiting = 50 * n.spec.ed_capacity_per_hour
    assert ex.submit("divert on").accepted
    ex.advance(3 * 60)
    assert ex.kpis()["diversion_refused"] > 0
    ed = ex.clinical.flows["emergency"]
    assert ed.arrivals == pytest.approx(ed.treated + ed.waiting + ed.diverted + ed.transferred + ed.left, rel=1e-9)


def test_time_critical_patients_are_sent_away_while_the_ed_diverts():
    ex = load_exercise(FLAGSHIP, 3, None)
    ex.advance(10)
    ex.submit("divert on")
    ex.advance(6 * 1440)
    tc = ex.region.kpis()["time_critical"]
    assert sum(p["sent_elsewhere"] for p in tc.values()) > 0
    assert ex.kpis()["time_critical_delayed"] >= 0
    strokes = [n for n in ex.region.neighbours if "stroke" in n.spec.pathways]
    assert sum(n.time_critical for n in strokes) > 0


def test_business_hours_functions_run_an_on_call_team_at_night():
    """Regression (issue 12): a business-hours queue drained at full capacity overnight, so the
    number waiting fell by hundreds at the start's time of day and stayed at 0 all night."""
    ex = load_exercise(FLAGSHIP, 0, "passive")
    ex.advance(4 * 1440)
    pharmacy = ex.clinical.flows["pharmacy"]
    on_call = ex.params["on_call_capacity_factor"]
    cap = pharmacy.spec.capacity_per_hour
    for i, t in enumerate(ex.clinical.series_t):
        hour = ex.calendar.hour(t)
        if hour < 7 or hour >= 19:
            assert pharmacy.s_treated[i] <= on_call * cap + 1e-6, (t, pharmacy.s_treated[i])
    nights = [pharmacy.s_waiting[i] for i, t in enumerate(ex.clinical.series_t) if 0 <= ex.calendar.hour(t) < 6 and t > 1440]
    assert max(nights) > 0  # the day's queue waits for the morning


def test_paper_procedures_improve_with_practice_then_wear_people_down():
    ex = exercise(SCENARIO, 0)
    ex.advance(30)
    ex.submit("degraded-mode all")
    fl = ex.clinical.flows["emergency"]
    flow = ex.clinical
    ex.advance(6 * 60)
    start = flow.paper_efficiency(fl, ex.now)
    ex.advance(2 * 1440)
    practised = flow.paper_efficiency(fl, ex.now)
    ex.advance(12 * 1440)
    worn = flow.paper_efficiency(fl, ex.now)
    assert start < practised
    assert worn < practised and worn >= ex.params["fatigue_floor"] * 0.99 * fl.e0


def test_records_to_re_enter_take_days_after_the_it_is_back():
    ex = load_exercise(FLAGSHIP, 1, "textbook")
    run_exercise(ex, "recovery")
    ex.stop_at()  # go on past the recovery
    ed = ex.clinical.flows["emergency"]
    left = ed.backlog
    assert left > 0  # paper records of the days on paper procedures
    ex.advance(ex.now + 1440)
    assert 0 < ed.reentered and ed.backlog < left
    assert ed.factor < 1.0  # re-entry takes a share of the capacity...
    ex.advance(ex.now + 20 * 1440)
    assert ed.backlog == 0 and ed.factor == pytest.approx(1.0)  # ...for days, not for ever


def test_mutual_aid_ramps_up_after_its_delay():
    ex = load_exercise(LAB, 0, None)
    ex.advance(60)
    assert ex.submit("mutual-aid laboratory").accepted
    assert not ex.submit("mutual-aid laboratory").accepted
    fl = ex.clinical.flows["laboratory"]
    flow = ex.clinical
    spec = fl.spec.mutual_aid
    assert flow._aid_now(fl, 60 + spec.delay - 1) == 0.0
    half = flow._aid_now(fl, 60 + spec.delay + spec.ramp / 2)
    full = flow._aid_now(fl, 60 + spec.delay + spec.ramp + 1)
    assert 0 < half < full == pytest.approx(spec.share)
    refused = ex.submit("mutual-aid emergency")
    assert not refused.accepted and "mutual_aid" in refused.reason


def test_exposure_counts_patient_hours_under_degraded_procedures_only():
    attacked = run_headless(FLAGSHIP, seed=0, policy="textbook", until="end")
    assert attacked.kpis["patient_hours_degraded"] > 0
    per_function = attacked.clinical["functions"]
    assert per_function["emergency"]["exposure_hours"] > 0


def test_run_json_has_series_per_function_and_service():
    data = run_headless(FLAGSHIP, seed=0, policy="textbook", until="end").to_json()
    series = data["series"]
    assert series["step_minutes"] == 60
    n = len(series["t"])
    assert n == 73  # T+0 to T+72h, hourly
    lab = series["functions"]["laboratory"]
    for key in ("capacity_pct", "waiting", "turnaround_minutes", "treated"):
        assert len(lab[key]) == n
    assert lab["capacity_pct"][0] == 100.0 and min(lab["capacity_pct"]) < 50
    assert set(series["services"]) >= {"ehr", "lis", "pacs"}
    assert len(series["services"]["ehr"]) == len(series["services_t"])
    assert max(series["services"]["ehr"]) == 2
