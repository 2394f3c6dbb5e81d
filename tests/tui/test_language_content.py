"""Content follows the UI language, not the scenario's first language: inject senders
(personas) in the inbox, and the debrief's own texts after `l`."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.widgets.inbox import InboxPanel

from .conftest import FIXED_NOW, MINI

NURSE = {"fr": "Infirmière de nuit, urgences", "en": "Night nurse, ED"}


def inbox_lines(screen: ExerciseScreen) -> list[str]:
    inbox = screen.query_one(InboxPanel)
    return [str(inbox.get_option_at_index(i).prompt) for i in range(inbox.option_count)]


def test_inject_sender_is_shown_in_the_ui_language_and_follows_the_switch(journal_dir, fake_clock):
    async def run() -> None:
        # the mini scenario lists fr first: the engine's own inbox holds the French name
        app = CyberDrillApp(lang="en", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter", "n")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            printers = next(i for i in app.bridge.situation.inbox if i.ref == "printers")
            assert printers.sender == NURSE["en"]
            assert any(NURSE["en"] in line for line in inbox_lines(screen))
            assert not any(NURSE["fr"] in line for line in inbox_lines(screen))
            await pilot.press("l")
            await pilot.pause()
            assert app.lang == "fr"
            assert next(i for i in app.bridge.situation.inbox if i.ref == "printers").sender == NURSE["fr"]
            assert any(NURSE["fr"] in line for line in inbox_lines(screen))
            await pilot.press("l")
            await pilot.pause()
            assert any(NURSE["en"] in line for line in inbox_lines(screen))
            await pilot.press("ctrl+q")

    asyncio.run(run())
