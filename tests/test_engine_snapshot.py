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
