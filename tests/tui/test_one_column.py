"""A seat on a phone (a browser about 40 columns wide): one column of full-width panels that
scrolls, instead of two columns of panels cut to a few letters."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.exercise import ExerciseScreen

from .conftest import FIXED_NOW, MINI

PANELS = ("#zones", "#inbox", "#decisions", "#services", "#clinical", "#feed")


def _columns(screen) -> set[int]:
    return {screen.query_one(p).region.x for p in PANELS if screen.query(p)}


def test_a_phone_wide_screen_stacks_the_panels_and_a_wider_one_does_not(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(40, 60)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            assert len(_columns(screen)) == 1, _columns(screen)
            for panel in PANELS:
                if screen.query(panel):
                    assert screen.query_one(panel).region.width >= 38, panel
            await pilot.resize_terminal(100, 40)
            await pilot.pause()
            assert len(_columns(screen)) == 2
            await pilot.press("ctrl+q")

    asyncio.run(run())
