"""Content follows the UI language, not the scenario's first language: inject senders
(personas) in the inbox, and the debrief's own texts after `l`."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual.widgets import Static

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.debrief import DebriefScreen
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
            printers = next(i for i in app.session.situation.inbox if i.ref == "printers")
            assert printers.sender == NURSE["en"]
            assert any(NURSE["en"] in line for line in inbox_lines(screen))
            assert not any(NURSE["fr"] in line for line in inbox_lines(screen))
            await pilot.press("l")
            await pilot.pause()
            assert app.lang == "fr"
            assert next(i for i in app.session.situation.inbox if i.ref == "printers").sender == NURSE["fr"]
            assert any(NURSE["fr"] in line for line in inbox_lines(screen))
            await pilot.press("l")
            await pilot.pause()
            assert any(NURSE["en"] in line for line in inbox_lines(screen))
            await pilot.press("ctrl+q")

    asyncio.run(run())


def plain(renderable) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def _content(widget: Static):
    """What a Static shows: `content` (Textual 6+), `renderable` before (5.x, the declared minimum)."""
    return widget.content if hasattr(widget, "content") else widget.renderable


def debrief_text(screen: DebriefScreen) -> str:
    return "\n".join(
        plain(_content(screen.query_one(f"#{part}", Static))) for part in ("debrief-head", "kpis", "objectives", "clocks", "timeline")
    )


def test_debrief_content_follows_the_language_switch(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="en", role="facilitator", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter", "n", "n", "n", "e", "enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DebriefScreen)
            sealed = (screen.debrief.log_path, screen.debrief.head_hash, screen.debrief.sealed)
            english = debrief_text(screen)
            for text in ("Ransomware at the miniature hospital", "Alert the right authorities in time", "Inject (phone): The ED printers"):
                assert text in english
            await pilot.press("l")
            await pilot.pause()
            assert app.lang == "fr"
            french = debrief_text(screen)
            for text in ("Rançongiciel au CH miniature", "Alerter les bonnes autorités à temps", "Stimulus (téléphone) : Les imprimantes"):
                assert text in french, text
            for text in ("Ransomware at the miniature hospital", "Alert the right authorities in time", "The ED printers"):
                assert text not in french, text
            assert (screen.debrief.log_path, screen.debrief.head_hash, screen.debrief.sealed) == sealed
            await pilot.press("l")
            await pilot.pause()
            assert debrief_text(screen) == english
            await pilot.press("ctrl+q")

    asyncio.run(run())
