"""Before an action is chosen: targets the engine would refuse say so and why, in the reader's
language; the confirmation shows the engine's own estimate, not a catalogue average."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.dialogs import ConfirmDialog, PickDialog

from .conftest import FIXED_NOW, MINI


async def wait_for(pilot, kind):
    for _ in range(40):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError(f"no {kind.__name__} on screen: {pilot.app.screen}")


def test_refused_targets_and_estimates_are_shown_before_the_command_is_given(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter", "n", "n")
            await pilot.pause()
            session = app.session.session
            journaled = session.rec.records
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*"restaurer", "enter")
            picker = await wait_for(pilot, PickDialog)
            while not [c for c in picker.choices if c.disabled] and picker.title_text.startswith("Agir"):
                await pilot.pause(0.05)
            refused = [c for c in picker.choices if c.disabled]
            assert refused, [c.note for c in picker.choices]
            note = refused[0].note
            assert note.startswith("✗ ") and "refused" not in note and "eradicat" not in note.lower()  # French, the engine's reason
            await pilot.press("escape")  # one Escape closes the list; another would ask to quit
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*"isoler", "enter")
            await pilot.pause(0.2)
            targets = await wait_for(pilot, PickDialog)
            first = next(i for i, c in enumerate(targets.shown) if not c.disabled)
            await pilot.press(*["down"] * first, "enter")
            confirm = await wait_for(pilot, ConfirmDialog)
            assert "Estimation" in str(confirm.body)
            await pilot.press("n")
            await pilot.pause()
            assert session.rec.records == journaled  # asking changed nothing, wrote nothing
            await pilot.press("ctrl+q", "y")

    asyncio.run(run())
