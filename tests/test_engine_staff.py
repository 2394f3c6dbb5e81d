"""Staffing by shift, recall and support; who is watching when alerts come in."""

from __future__ import annotations

from simulator.engine.calendar import Calendar
from tests.engine_helpers import SCENARIO, exercise, variant

SAT_1AM = 0
SAT_10AM = 9 * 60
MON_10AM = (2 * 24 + 9) * 60


def test_calendar_of_the_fixture():
    ex = exercise(SCENARIO, 0)
    cal: Calendar = ex.calendar
    assert cal.is_weekend(SAT_1AM) and cal.hour(SAT_1AM) == 1
    assert not cal.is_weekend(MON_10AM) and cal.hour(MON_10AM) == 10
    assert cal.next_hour_mark(SAT_1AM, (8.0,)) == 7 * 60
    assert cal.wall(MON_10AM).isoformat() == "2026-03-16T10:00:00"


def test_shift_capacity_follows_the_week():
    ex = exercise(SCENARIO, 0)
    staff = ex.network.it_staff
    ex.advance(SAT_1AM + 1)
    assert ex.snapshot().staff.on_duty == staff.weekend_night
    ex.advance(SAT_10AM)
    assert ex.snapshot().staff.on_duty == staff.weekend_day
    ex.advance(MON_10AM)
    assert ex.snapshot().staff.on_duty == staff.weekday_day


def test_recall_and_outside_support_add_people():
    ex = exercise(SCENARIO, 0)
    ex.advance(10)
    ex.submit("declare-crisis")
    ex.submit("request-support anssi")
    ex.advance(10 + ex.network.it_staff.recall_delay + 1)
    recalled = ex.snapshot().staff.on_duty
    assert recalled > ex.network.it_staff.weekend_night
    ex.advance(10 * 24 * 60)
    assert "anssi" in ex.support_arrived
    assert ex.staff.support == int(ex.actions["request-support"].params["technicians"])


def test_weekend_alerts_wait_for_monday_without_24x7_watch():
    ex = exercise(SCENARIO, 0)
    assert ex.detection.notice_time(SAT_1AM) == 2 * 24 * 60 + 7 * 60 + ex.params["alert_notice_minutes"]
    assert ex.detection.notice_time(MON_10AM) == MON_10AM + ex.params["alert_notice_minutes"]


def test_a_watched_siem_notices_at_night(tmp_path):
    path = variant(tmp_path, lambda s: s["overrides"].append({"controls": {"siem_hours": "24x7"}}))
    ex = exercise(path, 0)
    assert ex.detection.notice_time(SAT_1AM) == SAT_1AM + ex.params["alert_notice_minutes"]


def test_mfa_on_the_vpn_stops_the_stolen_account_most_of_the_time(tmp_path):
    path = variant(tmp_path, lambda s: s["overrides"].append({"asset": "vpn-portal", "controls": {"mfa": True}}))
    blocked = 0
    for seed in range(20):
        ex = exercise(path, seed)
        ex.advance(ex.duration)
        if ex.attacker.stage_state("initial_access") == "blocked":
            blocked += 1
            assert not ex.encrypted_ever
    assert blocked >= 14


def test_a_command_from_the_room_while_every_technician_is_busy_is_refused_with_when():
    """The issue's example of a command that cannot apply: the crisis cell asks for work while the
    one technician on duty is on another job. A policy's plan still queues (the team works through it)."""
    from tests.engine_helpers import SCENARIO, exercise

    ex = exercise(SCENARIO, 0)
    ex.advance(30)  # Saturday night: 1 technician on duty, crisis not declared (no recall coming)
    assert ex.staff.on_duty == 1
    assert ex.submit("isolate asset:ehr-app").accepted
    ex.advance(31)
    assert ex.staff.free() == 0
    refused = ex.submit("cut-internet")
    assert not refused.accepted
    assert refused.reason.startswith("staff busy: 'cut-internet' needs 1 technician(s), 0 of the 1 on duty free; the first frees up at T+")
    assert "cut-internet" not in ex.actions_taken
    queued = ex.submit("cut-internet", source="policy:contain")
    assert queued.accepted and ex.jobs[-1].started_at is None  # waits for the technician
