"""Snapshots are immutable pictures of what the room sees; ground truth stays apart."""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine_helpers import SCENARIO, exercise


def test_snapshot_is_immutable_and_complete():
    ex = exercise(SCENARIO, 0)
    ex.advance(65)
    snap = ex.snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.t = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.services["ehr"] = "up"  # type: ignore[index]
    assert snap.clock == "T+1h5m" and snap.wall_clock == "2026-03-14T02:05"
    assert snap.services["ehr"] == "down"
    assert [d.id for d in snap.pending_decisions] == ["cut-internet"]
    assert snap.pending_decisions[0].deadline == 90 and snap.paused_by == ("cut-internet",)
    assert [i.ref for i in snap.inbox if i.kind == "inject"] == ["printers", "ehr-down-call", "press-call"]
    assert snap.staff.on_duty == 1
    assert {c.id: c.state for c in snap.clocks}["cert-sante"] == "running"
    assert all(isinstance(z.assets, tuple) for z in snap.zones)
    assert any(a.display == "encrypted" for z in snap.zones for a in z.assets)
    for key in ("ehr_downtime_minutes", "patients_diverted"):
        assert key in snap.kpis


def test_players_do_not_see_undetected_footholds():
    ex = exercise(SCENARIO, 0)
    ex.advance(-600)  # dwell time: the attacker is in, nobody knows
    snap = ex.snapshot()
    assert snap.truth.footholds
    shown = {a.id: a.display for z in snap.zones for a in z.assets}
    assert all(shown[a] != "compromised" for a in snap.truth.footholds)
    assert all(not e.get("truth") for e in snap.recent_events)


def test_jobs_show_progress():
    ex = exercise(SCENARIO, 0)
    ex.advance(10)
    ex.submit("isolate zone:admin")
    ex.advance(12)
    jobs = ex.snapshot().jobs
    assert len(jobs) == 1 and 0 < jobs[0].progress < 1 and jobs[0].staff == 1


@pytest.mark.parametrize("policy", [None, "textbook"])
def test_clinical_capacity_matches_the_state_shown_between_ticks(policy):
    """Regression: capacity was the last 15-minute tick's, so a function that had just gone down
    showed "down, 100 %" (the flagship's first screen at T+0 did)."""
    ex = exercise(SCENARIO, 0, policy)
    seen_down = 0
    for t in range(0, 24 * 60, 7):  # 7 minutes: off the clinical ticks most of the time
        ex.advance(t)
        snap = ex.snapshot()
        for f in snap.functions:
            if f.status == "up":
                assert f.capacity_pct == 100.0, (t, f)
            elif f.status == "down" and not f.paper_mode:
                seen_down += 1
                assert f.capacity_pct < 100.0, (t, f)
    assert seen_down, "the check above would prove nothing if no function went down"
