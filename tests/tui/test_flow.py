"""The whole crisis-room flow driven by key presses, checked on the engine and on the journal.

Flagship scenario: pick it on the home screen, read the briefing, acknowledge an inject, take
a response action, decide, fire a contingency inject (facilitator); rate a task (evaluator,
resuming the same journal); end, debrief, export (facilitator).
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from simulator.journal.replay import replay_journal
from simulator.journal.verify import verify_journal
from simulator.tui.app import CyberDrillApp
from simulator.tui.messages import SituationUpdated
from simulator.tui.catalog import list_scenarios
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.dialogs import ConfirmDialog, DecisionDialog, MessageDialog, PickDialog, RateDialog
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.screens.home import HomeScreen

from .conftest import FIXED_NOW, FLAGSHIP, MINI, SCENARIOS

SIZE = (160, 50)


def commands(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["type"] == "command":
                out.append(record["data"])
    return out


def watch_threads(ex) -> set[str]:
    """Names of the threads the engine's advance and submit run on."""
    seen: set[str] = set()
    for name in ("advance", "submit"):
        original = getattr(ex, name)

        def spy(*args, _original=original, **kwargs):
            seen.add(threading.current_thread().name)
            return _original(*args, **kwargs)

        setattr(ex, name, spy)
    return seen


async def step_until(pilot, app, condition, limit: int = 80) -> None:
    for _ in range(limit):
        if condition():
            return
        await pilot.press("n")
        await pilot.pause()
    assert condition(), "the exercise never reached the expected state"


def test_full_flow_on_the_flagship(journal_dir: Path, fake_clock) -> None:
    asyncio.run(full_flow(journal_dir, fake_clock))


async def full_flow(journal_dir: Path, fake_clock) -> None:
    messages: list = []
    app = CyberDrillApp(
        lang="en", role="facilitator", seed=3, journal_dir=journal_dir, scenarios_dir=SCENARIOS,
        monotonic=fake_clock, now=lambda: FIXED_NOW,
    )
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        index = [s.path.name for s in list_scenarios(SCENARIOS)].index(FLAGSHIP.name)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.inputs.scenario.id == "ransomware-weekend-night"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        client = app.session
        bridge = client.session
        ex = bridge.ex
        threads = watch_threads(ex)
        log = Path(client.log_path)
        assert log.parent == journal_dir and log.exists()
        assert ex.now == 0.0 and not bridge.running

        # the clock runs only on the timer: resume, move the fake clock, let the timer fire
        await pilot.press("space")
        fake_clock.tick(6.0)  # 6 s at 10x = 1 simulated minute
        for _ in range(100):  # wait for the timer (every 0.25 s) however busy the machine is
            await pilot.pause(0.05)
            if ex.now > 0:
                break
        assert bridge.running and ex.now == pytest.approx(1.0)
        await pilot.press("space")
        assert not bridge.running
        assert any(isinstance(m, SituationUpdated) for m in messages)

        # acknowledge the first inject from the inbox
        await step_until(pilot, app, lambda: any(i.kind == "inject" for i in client.situation.inbox))
        screen = app.screen
        inbox = screen.query_one("#inbox")
        inbox.focus()
        item = next(i for i in inbox.items if i.kind == "inject")
        inbox.highlighted = inbox.items.index(item)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert item.key in bridge.acked[client.seat.id]
        assert any(c.get("ui") == "ack" and c.get("key") == item.key for c in commands(log))

        # a response action: palette of actions, filter, no target, confirm (cost shown)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press(*"declare-crisis")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "declare-crisis" in ex.actions_taken
        assert any(c.get("kind") == "act" and c.get("action") == "declare-crisis" and c.get("by") == "facilitator" for c in commands(log))

        # a decision, with a justification
        await step_until(pilot, app, lambda: bool(client.situation.decisions), limit=200)
        decision = client.situation.decisions[0]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)
        default_label = next(o.label for o in decision.options if o.id == decision.default)
        shown = str(app.screen.query_one("#deadline").render())
        assert shown.endswith(default_label) and f": {decision.default}" not in shown  # the label, never the option id
        await pilot.press(*"why not")
        await pilot.press("enter")
        await pilot.pause()
        assert ex.decisions_made[decision.id][0] == decision.options[0].id
        recorded = commands(log)
        assert {"decision": decision.id, "option": decision.options[0].id}.items() <= next(c for c in recorded if c.get("kind") == "decide").items()
        assert any(c.get("kind") == "note" and "why not" in c.get("text", "") for c in recorded)

        # the facilitator fires a contingency inject now
        contingency = next(i.id for i in client.situation.injects if i.contingency and not i.fired)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*contingency)
        await pilot.press("enter")
        await pilot.pause()
        assert contingency in ex.fired
        assert any(c.get("kind") == "inject" and c.get("inject") == contingency for c in commands(log))
        reached = ex.now
        assert threads and threads == {threading.main_thread().name}  # the engine never runs on a worker thread
        await pilot.press("ctrl+q")
    assert verify_journal(log).sealed is False  # interrupted, resumable

    # the evaluator rates a task in the same exercise (the journal resumes it identically)
    app = CyberDrillApp(lang="fr", role="evaluator", resume=log, monotonic=fake_clock, now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen) and app.role == "evaluator"
        ex = app.session.session.ex
        assert ex.now == pytest.approx(reached) and contingency in ex.fired
        task = next(t for t in app.session.situation.tasks if not t.auto)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RateDialog)
        await pilot.press("down", *"bien", "enter")
        await pilot.pause()
        assert ex.ratings[(task.objective, task.task)] == "S"
        assert any(c.get("kind") == "rate" and c.get("rating") == "S" and c.get("by") == "evaluator" for c in commands(log))
        await pilot.press("ctrl+q")

    # the facilitator ends the exercise: debrief, export, sealed journal that replays identically
    app = CyberDrillApp(lang="en", resume=log, monotonic=fake_clock, now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.role == "facilitator"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = app.screen.debrief
        assert debrief.sealed and debrief.log_path == str(log)
        assert dict(debrief.kpis)["assets_encrypted"] >= 1
        await pilot.press("m")
        await pilot.press("h")
        await pilot.pause()
        exported = app.screen.exported
        assert [p.suffix for p in exported] == [".md", ".html"]
        text = exported[0].read_text(encoding="utf-8")
        assert debrief.head_hash[:12] in text and ("Rançongiciel une nuit de week-end" in text or "Ransomware on a weekend night" in text)
    result = verify_journal(log)
    assert result.ok and result.sealed and result.head == debrief.head_hash
    report, _ex = replay_journal(log)
    assert report.identical, report.failure


def test_command_palette_takes_a_response_action(journal_dir: Path, fake_clock) -> None:
    """Ctrl+P, type the action and its target, confirm: an `isolate` command is journaled and applied."""

    async def run() -> None:
        app = CyberDrillApp(lang="en", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"isolate servers")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("enter")
            await pilot.pause()
            ex = app.session.session.ex
            assert [r.target for r in ex.actions_taken["isolate"]] == ["zone:servers"]
            log = Path(app.session.log_path)
            assert any(c.get("kind") == "act" and c.get("action") == "isolate" and c.get("target") == "zone:servers" for c in commands(log))

    asyncio.run(run())
