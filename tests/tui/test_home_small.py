"""The home screen on an 80x24 terminal: the interrupted exercises must be on screen and
reachable with Tab, with every shipped scenario listed above them."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable

from simulator.tui.app import CyberDrillApp
from simulator.journal.inputs import load_inputs
from simulator.room.local import solo_client, start_recorded
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.screens.home import HomeScreen

from .conftest import FIXED_NOW, MINI, SCENARIOS


def test_interrupted_list_is_visible_and_reachable_at_80x24(journal_dir, fake_clock):
    log = journal_dir / "mini-interrupted.jsonl"
    client = solo_client(start_recorded(load_inputs(MINI), 7, "en", log, "players"), "en")
    client.session.step(client.seat.id)
    client.close()

    async def run() -> None:
        app = CyberDrillApp(lang="en", journal_dir=journal_dir, scenarios_dir=SCENARIOS, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            home = app.screen
            assert isinstance(home, HomeScreen) and len(home.scenarios) >= 7
            journals = home.query_one("#journals", DataTable)
            visible = home.query_one("#home").region
            shown = journals.region
            assert shown.height >= 2 and visible.contains_region(shown), (shown, visible)
            await pilot.press("tab")
            await pilot.pause()
            assert app.focused is journals
            assert visible.contains_region(journals.region)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and app.session.log_path == log
            await pilot.press("ctrl+q")

    asyncio.run(run())
