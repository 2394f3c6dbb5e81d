"""Controls around the exercise: language switch, speed, resume offered on the home screen, Ctrl+C."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from simulator.journal.verify import verify_journal
from simulator.tui.app import CyberDrillApp
from simulator.journal.inputs import load_inputs
from simulator.room.local import solo_client, start_recorded
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.dialogs import ConfirmDialog
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.screens.home import HomeScreen

from .conftest import FIXED_NOW, MINI


def ui_inputs(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        if data["type"] == "command" and data["data"].get("kind") == "ui":
            out.append(data["data"]["ui"])
    return out


def test_language_and_speed_switch_live(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter", "n")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            assert screen.query_one("#zones").border_title == "SI par zone"
            await pilot.press("l")
            await pilot.pause()
            assert app.lang == "en" and app.session.lang == "en"
            assert screen.query_one("#zones").border_title == "Information system by zone"
            assert app.session.situation.inbox[0].text.startswith("The ED printers")
            descriptions = {b.id: b.description for _key, b in screen._bindings if b.id}
            assert descriptions["exercise.act"] == "Act"
            await pilot.press("plus", "plus", "minus")
            assert app.session.session.speed == 30.0
            log = Path(app.session.log_path)
            assert ui_inputs(log).count("speed") == 3
            await pilot.press("n", "n", "n")
            inbox = screen.query_one("#inbox")
            channels = {i.channel for i in app.session.situation.inbox}
            assert {"phone", "decision"} <= channels
            await pilot.press("c")
            shown = {i.channel for i in inbox.items}
            assert len(shown) == 1 and inbox.channel in shown and "[" in inbox.border_title
            for _ in channels:
                await pilot.press("c")
            assert inbox.channel is None and len(inbox.items) == len(app.session.situation.inbox)
            await pilot.press("tab", "z")
            assert screen.maximized is screen.focused and screen.maximized.id == "decisions"
            await pilot.press("z")
            assert screen.maximized is None
            await pilot.press("ctrl+c")  # mid-exercise: asked first, with the way back
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog) and "cyberdrill resume" in str(app.screen.body)
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            await pilot.press("q", "enter")
        assert app.return_value == log
        assert verify_journal(log).sealed is False  # left resumable, every input on disk

    asyncio.run(run())


def test_home_offers_the_interrupted_exercise(journal_dir, fake_clock):
    log = journal_dir / "mini-interrupted.jsonl"
    client = solo_client(start_recorded(load_inputs(MINI), 7, "en", log, "players"), "en")
    session, seat = client.session, client.seat.id
    session.step(seat)
    session.act(seat, "", "declare-crisis")
    reached = session.now
    session.close()

    async def run() -> None:
        app = CyberDrillApp(lang="en", journal_dir=journal_dir, scenarios_dir=MINI.parent, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            home = app.screen
            assert isinstance(home, HomeScreen)
            assert [j.path for j in home.journals] == [log]
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            assert app.session.log_path == log and app.session.session.now == reached
            assert "declare-crisis" in app.session.session.ex.actions_taken
            await pilot.press("ctrl+q")
        assert ui_inputs(log)[-1] == "session-resumed"

    asyncio.run(run())


def test_players_briefing_does_not_give_the_attack_away(journal_dir, fake_clock):
    """The scenario summary is the author's synopsis: facilitators read it, players get the setting."""
    summary = load_inputs(MINI).scenario.summary.get("en")

    async def brief(role: str) -> str:
        app = CyberDrillApp(lang="en", role=role, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BriefingScreen)
            text = "\n".join(str(part) for part in screen.render_brief("en").renderables)
            await pilot.press("ctrl+q")
        return text

    players = asyncio.run(brief("players"))
    assert summary not in players and "You are the crisis cell" in players
    assert "Alert the right authorities in time" in players  # objectives are for everyone
    assert summary in asyncio.run(brief("facilitator"))


def test_players_reach_the_end_of_the_window_and_open_the_debrief(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="en", scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            session = app.session.session
            await pilot.press("e")  # players cannot end the exercise early
            assert isinstance(app.screen, ExerciseScreen) and not session.ended
            for _ in range(60):
                if session.ended:
                    break
                if app.session.situation.decisions:
                    await pilot.press("d", "enter")
                else:
                    await pilot.press("n")
                await pilot.pause()
            assert session.ended and app.session.situation.end_reason == "duration"
            assert session.now == session.ex.duration
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen) and app.screen.debrief.sealed
            await pilot.press("ctrl+q")
        assert verify_journal(app.played).ok

    asyncio.run(run())


def test_two_exercises_started_in_the_same_second_get_two_journals(journal_dir, fake_clock):
    async def start() -> Path:
        app = CyberDrillApp(lang="en", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            await pilot.press("ctrl+q")
        return app.played

    first, second = asyncio.run(start()), asyncio.run(start())
    assert first != second and first.parent == second.parent == journal_dir
    assert first.name == "mini-ransomware-20260314T093000Z-s7.jsonl" and second.name.endswith("-s7-2.jsonl")


def test_replay_scrubs_backwards_and_forwards_to_the_same_picture(tmp_path):
    from simulator.room.replay import JournalReplay

    from .test_snapshots import _journal

    replay = JournalReplay(_journal(tmp_path), "en")
    assert replay.marks[0] == 0.0 and replay.marks[-1] == replay.end
    later = replay.seek(45.0)
    earlier = replay.seek(12.0)
    assert earlier.t == 12.0 and len(earlier.inbox) < len(later.inbox)
    again = replay.seek(45.0)
    assert again.inbox == later.inbox and again.zones == later.zones and again.services == later.services
    end = replay.seek(replay.end + 100)
    assert end.t == replay.end and end.ended and end.end_reason == "facilitator"
    assert replay.next_mark(-1).t == replay.marks[-2]


def test_keys_can_be_remapped_by_binding_id(journal_dir, fake_clock):
    async def run() -> None:
        from simulator.tui.screens.dialogs import PickDialog

        app = CyberDrillApp(lang="en", scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        app.set_keymap({"exercise.act": "x"})
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, PickDialog)
            await pilot.press("escape")
            await pilot.press("ctrl+q")

    asyncio.run(run())


def test_the_speed_an_exercise_starts_at_is_journaled_and_taken_up_on_resume(journal_dir, fake_clock):
    """Regression: `play --speed 60` left no trace in the journal, and a resume ran at 10x."""
    async def run() -> Path:
        app = CyberDrillApp(lang="en", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW, speed=60.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert app.session.session.speed == 60.0
            log = Path(app.session.log_path)
            await pilot.press("ctrl+q")
        return log

    log = asyncio.run(run())
    header = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert header["data"]["config"]["speed"] == 60.0

    async def again() -> None:
        app = CyberDrillApp(lang="en", resume=log, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen) and app.session.session.speed == 60.0
            await pilot.press("ctrl+q")

    asyncio.run(again())
