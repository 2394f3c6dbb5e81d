"""Recovery without heroics (engine/recovery.py): the IT department works its own plan; the
cell's decisions change its pace and its order."""

from __future__ import annotations

import statistics

import pytest

from simulator.engine.headless import load_exercise, run_exercise, run_headless
from tests.conftest import SCENARIOS
from tests.engine_helpers import exercise

FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"
SEEDS = range(50)
MARGIN = 0.7  # textbook's median EHR downtime is at most 70 % of passive's (measured: about 47 %)


@pytest.fixture(scope="module")
def flagship_runs():
    return {
        policy: [run_headless(FLAGSHIP, seed=s, policy=policy, until="recovery").to_json() for s in SEEDS]
        for policy in ("passive", "textbook")
    }


def test_passive_recovers_on_every_seed_before_the_guard(flagship_runs):
    limit = 120 * 1440
    for run in flagship_runs["passive"]:
        assert run["recovered_at"] is not None, run["seed"]
        assert not run["recovery_guard_reached"]
        assert run["recovered_at"] < limit
        # weeks, not days and not months (Scripps EHR 26 days, CHSF ~2 months)
        assert 7 * 1440 < run["kpis"]["ehr_downtime_minutes"] < 90 * 1440, run["seed"]


def test_textbook_median_ehr_downtime_is_clearly_lower(flagship_runs):
    passive = statistics.median(r["kpis"]["ehr_downtime_minutes"] for r in flagship_runs["passive"])
    textbook = statistics.median(r["kpis"]["ehr_downtime_minutes"] for r in flagship_runs["textbook"])
    assert textbook <= MARGIN * passive, (textbook / 1440, passive / 1440)


def _restored_at(ex, asset):
    ends = [j.finished_at for j in ex.jobs if j.asset == asset and j.action in ("restore", "rebuild") and j.finished_at is not None]
    return min(ends) if ends else None


def test_the_it_department_starts_on_its_own_after_awareness():
    ex = load_exercise(FLAGSHIP, 2, "passive")
    starts = []
    ex.subscribe(lambda e: starts.append(e.t) if e.kind == "it-plan" else None)
    ex.advance(3 * 1440)  # a weekend with two technicians: the investigation starts on Monday morning
    assert starts and starts[0] >= ex.facts["awareness"] + ex.params["it_plan_start_minutes"] - 1e-6
    investigation = [j for j in ex.jobs if j.action == "eradicate"]
    assert investigation and investigation[0].source == "it-plan"


def test_priorities_change_the_order():
    """The LIS put first by the cell comes back before the IT department's own order would bring it."""
    own = load_exercise(FLAGSHIP, 4, "passive")
    steered = load_exercise(FLAGSHIP, 4, "passive")
    for ex in (own, steered):
        ex.advance(60)
    assert steered.submit("prioritise service:lis").accepted
    assert not steered.submit("prioritise service:lis").accepted  # already there
    for ex in (own, steered):
        run_exercise(ex, "recovery")
    assert _restored_at(steered, "lis-db") < _restored_at(own, "lis-db")


def test_the_cell_taking_over_the_investigation_makes_it_faster():
    own = load_exercise(FLAGSHIP, 6, "passive")
    steered = load_exercise(FLAGSHIP, 6, "passive")
    for ex in (own, steered):
        ex.advance(3 * 1440)  # Tuesday: the IT department's own investigation is running
        assert ex.eradicating
    res = steered.submit("eradicate")
    assert res.accepted, res.reason
    for ex in (own, steered):
        ex.advance(60 * 1440)
    assert steered.facts["eradicated"] < own.facts["eradicated"]
    cell = steered.actions_taken["eradicate"][-1]
    assert cell.source == "cell" and cell.done_at == pytest.approx(steered.facts["eradicated"])


def test_support_arriving_shortens_a_running_investigation():
    ex = exercise(seed=3)
    ex.advance(30)
    ex.submit("declare-crisis")
    ex.advance(300)
    ex.submit("eradicate")
    ex.advance(400)
    job = next(j for j in ex.jobs if j.action == "eradicate")
    end_before = job.started_at + job.duration
    ex.response.finish("request-support", type("T", (), {"id": "pris"})(), None, 0)
    assert job.started_at + job.duration < end_before
    ex.advance(ex.now + 1)
    assert ex.eradicating


def test_backup_streams_pace_the_restores():
    """The tape library feeds at most its `parallel_restores` restores at once."""
    ex = load_exercise(FLAGSHIP, 1, "textbook")
    peak = [0]

    def watch(e):
        if e.kind in ("job-started", "job-finished"):
            running = sum(1 for j in ex.jobs if j.backup == "tape-library" and j.started_at is not None and j.finished_at is None)
            peak[0] = max(peak[0], running)

    ex.subscribe(watch)
    run_exercise(ex, "recovery")
    assert 1 <= peak[0] <= ex.model.backups["tape-library"].parallel_restores
