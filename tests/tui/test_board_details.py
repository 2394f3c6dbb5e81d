"""Details a crisis cell reads at a glance (issue 11): glyphs that agree with the numbers, a lab
that returns nothing said so, KPIs as a table, the clock held while a solo player types, a log
that can hide the bookkeeping."""

from __future__ import annotations

import asyncio
import datetime as dt

from click.testing import CliRunner
from rich.console import Console

from simulator.room.views import FunctionView, Situation
from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.debrief import kpi_rows
from simulator.tui.screens.dialogs import TextDialog
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.widgets.clinical import ClinicalPanel
from simulator.tui.widgets.feed import BOOKKEEPING, FeedPanel

from .conftest import FIXED_NOW, MINI


def render(renderable, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def situation(*functions: FunctionView) -> Situation:
    return Situation(t=60.0, wall=dt.datetime(2026, 3, 14, 2, 0), night=True, weekend=True, running=False, speed=10.0,
                     held_by_decision=False, next_event_in=None, ended=False, end_reason="", functions=functions)


def test_a_function_on_paper_is_degraded_not_down_and_a_lab_at_zero_returns_nothing():
    ed = FunctionView("ed", "Urgences", "down", 60.0, 12.0, 0.0, 0.0, None, True, ())
    lab = FunctionView("lab", "Laboratoire", "down", 0.0, 38.0, 0.0, 0.0, 0.0, False, ())
    text = render(ClinicalPanel().draw(situation(ed, lab), "fr"))
    ed_line = next(line for line in text.splitlines() if "Urgences" in line)
    assert "◐" in ed_line and "✗" not in ed_line and "60%" in ed_line
    assert "aucun résultat rendu (38 en attente)" in text and "+0 %" not in text
    assert "✎" in text and "mode dégradé papier actif" in text  # the glyph has its legend


def test_kpis_per_service_are_rows_longest_first_in_the_readers_numbers():
    rows = kpi_rows(
        (("service_downtime_minutes", {"DPI": 4380.0, "PACS": 120.0, "Messagerie": 600.0}), ("records_exfiltrated", 2064000),
         ("ed_volume_change_week1_pct", -14.6), ("ransom_paid", False)),
        "fr",
    )
    labels = [r[0] for r in rows]
    assert labels[:4] == ["Indisponibilité par service", "DPI", "Messagerie", "PACS"]
    values = dict((r[0], r[1]) for r in rows)
    assert values["DPI"] == "3d1h" and values["Dossiers exfiltrés"] == "2\u202f064\u202f000"
    assert values["Variation activité urgences S1 (%)"] == "−14,6\u00a0%" and values["Rançon payée"] == "non"


def test_a_solo_players_dialog_holds_the_clock_and_says_so(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter", "space")
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            session = app.session.session
            await pilot.press("o")
            await pilot.pause()
            assert isinstance(app.screen, TextDialog)
            before = session.now
            fake_clock.tick(120.0)  # two real minutes of typing at 10x would be 20 simulated minutes
            for _ in range(20):
                await pilot.pause(0.05)
            assert session.now == before
            assert app.session.situation.held_by == "suspendu pendant la saisie"
            await pilot.press("escape")
            await pilot.pause()
            fake_clock.tick(6.0)
            for _ in range(40):
                await pilot.pause(0.05)
                if session.now > before:
                    break
            assert session.now > before and session.now - before <= 1.0 + 1e-9  # the typing time is not owed afterwards
            await pilot.press("v")
            await pilot.pause()
            feed = screen.query_one(FeedPanel)
            assert feed.essential and all(line.kind not in BOOKKEEPING for line in feed.lines(app.session.situation))
            await pilot.press("ctrl+q", "y")

    asyncio.run(run())


def test_play_says_its_scenario_is_optional():
    from simulator.cli import cli

    result = CliRunner().invoke(cli, ["play", "--help"])
    assert "play [OPTIONS] [SCENARIO]" in result.output
