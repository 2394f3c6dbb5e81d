"""The clock after an event-loop stall: one long timer tick must not run through a decision
that pauses the clock (the flagship's 'cut-internet' is presented at T+20m for seed 3)."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.journal.inputs import load_inputs
from simulator.room.local import solo_client, start_recorded
from simulator.room.session import MAX_TICK_MINUTES
from simulator.tui.screens.exercise import ExerciseScreen

from .conftest import FIXED_NOW, FLAGSHIP, MINI


async def wait_for_tick(pilot, screen: ExerciseScreen) -> None:
    """Let the engine timer (every 0.25 s) fire at least once, however busy the machine is."""
    seen = screen.ticks
    for _ in range(200):
        await pilot.pause(0.05)
        if screen.ticks > seen + 1:
            return
    raise AssertionError("the engine timer never fired")


def test_a_long_tick_stops_where_a_pausing_decision_is_presented(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="en", seed=3, scenario=FLAGSHIP, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            session = app.session.session
            assert session.now == 0.0 and session.speed == 10.0
            await app.session.clock("resume")
            fake_clock.tick(600.0)  # a 10-minute stall at 10x: 100 simulated minutes in one tick
            await wait_for_tick(pilot, screen)
            pending = {p.id: p for p in session.ex.pending_decisions()}
            assert "cut-internet" in pending and pending["cut-internet"].pause_clock
            assert session.now == pending["cut-internet"].presented_at == 20.0
            assert "cut-internet" not in session.ex.decisions_made
            assert app.session.situation.held_by_decision
            fake_clock.tick(600.0)  # held: the clock waits for the room however long the stall
            await wait_for_tick(pilot, screen)
            assert session.now == 20.0 and "cut-internet" not in session.ex.decisions_made
            await pilot.press("ctrl+q")

    asyncio.run(run())


def test_one_tick_advances_at_most_the_cap(tmp_path, fake_clock):
    client = solo_client(start_recorded(load_inputs(MINI), 7, "en", tmp_path / "j.jsonl", "players"), "en", monotonic=fake_clock)
    session = client.session
    session.resume(client.seat.id)
    fake_clock.tick(3 * 3600.0)  # three hours of stall at 10x would be thirty simulated hours
    session.tick()
    assert 0 < session.now <= MAX_TICK_MINUTES
    session.close()
