"""Regulatory clocks through the engine: each deadline counted from the moment its clock starts,
missed at exactly that minute, met by the notification before it (issue 15: a deadline counted
from T+0 instead of from the clock's start passed every test)."""

from __future__ import annotations

from simulator.engine import events as ev
from tests.engine_helpers import exercise, variant

AWARE_AT = 180.0  # T+3h: the hospital learns of the attack then, not at T+0
BREACH_AT = 420.0  # T+7h: and that personal data were taken


def _told(tmp_path):
    """The miniature hospital with the incident told, not simulated: no threat; an inject at T+3h
    tells the cell an attack is under way, another at T+7h that personal data were taken."""

    def mutate(sc: dict) -> None:
        sc.pop("threat", None)
        sc["injects"] = [
            {"id": "told-attack", "at": "T+3h", "channel": "phone", "text": "Attack under way", "effects": [{"fact": "awareness"}]},
            {"id": "told-breach", "at": "T+7h", "channel": "phone", "text": "Data taken", "effects": [{"fact": "personal-data-breach"}]},
        ]
        sc["decisions"] = []
        sc["objectives"] = []
        for key in ("modules",):
            sc.pop(key, None)

    return variant(tmp_path, mutate)


def _run(path, until: float, commands: dict[float, str] | None = None):
    ex = exercise(path, 0)
    seen: list = []
    ex.subscribe(seen.append)
    for at, command in sorted((commands or {}).items()):
        ex.advance(at)
        assert ex.submit(command).accepted, command
    ex.advance(until)
    return ex, seen


def test_each_deadline_counts_from_its_clocks_start_and_is_missed_at_that_minute(tmp_path):
    path = _told(tmp_path)
    ex, seen = _run(path, 4 * 1440)
    started = {e.clock: e for e in seen if isinstance(e, ev.ClockStarted)}
    missed = {e.clock: e for e in seen if isinstance(e, ev.ClockMissed)}
    assert started, "no regulatory clock started"
    for cid, clock in ex.clocks.items():
        spec = ex.jurisdiction.clock(cid)
        expected_start = BREACH_AT if spec.starts_on == "personal-data-breach" else AWARE_AT
        minutes = spec.minutes(ex.params)
        assert clock.started == expected_start, (cid, clock.started)
        assert clock.deadline == expected_start + minutes, f"{cid}: deadline {clock.deadline}, not {expected_start} + {minutes}"
        assert started[cid].t == expected_start and started[cid].deadline == clock.deadline
        if clock.deadline <= 4 * 1440:
            assert clock.state() == "missed" and clock.missed_at == clock.deadline, cid
            assert missed[cid].t == clock.deadline
        else:
            assert clock.state() == "running" and cid not in missed


def test_a_clock_is_still_running_one_minute_before_its_deadline(tmp_path):
    path = _told(tmp_path)
    probe = exercise(path, 0)
    probe.advance(AWARE_AT)
    cid = next(c for c in probe.clocks if probe.jurisdiction.clock(c).starts_on == "awareness")
    deadline = AWARE_AT + probe.jurisdiction.clock(cid).minutes(probe.params)
    ex, _seen = _run(path, deadline - 1)
    assert ex.clocks[cid].state() == "running"
    ex.advance(deadline)
    assert ex.clocks[cid].state() == "missed"


def test_a_notification_before_the_deadline_meets_the_clock_and_one_after_does_not(tmp_path):
    path = _told(tmp_path)
    probe = exercise(path, 0)
    probe.advance(AWARE_AT)
    cid = next(c for c in probe.clocks if probe.jurisdiction.clock(c).starts_on == "awareness")
    spec = probe.jurisdiction.clock(cid)
    deadline = AWARE_AT + spec.minutes(probe.params)
    notify = f"notify {spec.authority}"
    # sending a notification takes a few minutes (it is met when sent, not when decided)
    on_time, _ = _run(path, deadline + 60, {deadline - 60: notify})
    assert on_time.clocks[cid].state() == "met" and deadline - 60 < on_time.clocks[cid].met_at <= deadline
    late, _ = _run(path, deadline + 60, {deadline + 1: notify})
    assert late.clocks[cid].state() == "missed" and late.clocks[cid].missed_at == deadline
