"""The top line is refitted when the screen changes size, even while nothing else changes: a
browser seat reports its real size after the first draw, and a paused exercise sends no new
situation (seen on a 768 px tablet: the seat's name cut to 'Cellule :')."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.widgets.clockbar import ClockBar

from .conftest import FIXED_NOW, MINI


def test_a_resize_refits_the_top_line_of_a_paused_exercise(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and not app.session.situation.running
            bar = app.screen.query_one(ClockBar)
            label = app.session.situation.seat_label or "cellule de crise"
            wide = str(bar.render())
            assert label in wide and "en pause" in wide
            await pilot.resize_terminal(80, 40)
            await pilot.pause()
            narrow = str(bar.render()).rstrip()
            assert narrow.endswith(label), narrow  # the compact line keeps the seat, whole
            assert len(narrow) <= bar.size.width
            await pilot.resize_terminal(40, 40)  # a phone: the seat's name before the hospital's clock
            await pilot.pause()
            phone = str(bar.render()).rstrip()
            assert phone.endswith(label) and "T+0m" in phone and "sam." not in phone, phone
            await pilot.resize_terminal(160, 40)
            await pilot.pause()
            assert str(bar.render()) == wide
            await pilot.press("ctrl+q")

    asyncio.run(run())
