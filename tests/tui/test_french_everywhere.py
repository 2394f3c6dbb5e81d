"""Every screen a French user reads is French, with labels: no catalogue key, no English, no raw id.

Walks the crisis-room UI on the flagship in French, as the crisis cell, the facilitator and
the evaluator: home, briefing, the exercise with every dialog and the key panel, the quit
question, the debrief, the replay; then both reports of the journal it left. Every rendered
line is checked against three lists: catalogue keys, English words a French screen never
shows, and the scenario's and network's compound ids.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from simulator.journal.inputs import load_inputs
from simulator.model.actions import default_catalogue
from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.exercise import ExerciseScreen

from .conftest import FIXED_NOW, FLAGSHIP, SCENARIOS

SIZE = (160, 50)
CATALOGUE_KEY = re.compile(r"\b(?:tui|room|guide|report|engine|kpi|notify|clock)\.[a-z0-9_-]+(?:\.[a-z0-9_.()-]+)?\b")
ENGLISH = {
    "the", "and", "with", "without", "refused", "accepted", "running", "missed", "unknown", "shift", "recall", "Quit",
    "Select", "Focus", "Next", "Previous", "Copy", "Scroll", "records", "policy", "duration", "attacker", "eradicated",
    "yet", "staff", "busy", "needs", "free", "Press", "Submit", "Toggle", "Cursor", "Delete", "Home", "End",
    "Down", "Up", "First", "Last", "Keys", "Inbox", "Decide", "Act", "Rate", "Close", "Confirm", "Cancel",
    "Acknowledge", "Channel", "Faster", "Slower", "Ground", "truth", "Export", "Resume", "Open", "Start",
    "Back", "decision", "done", "pending", "default", "facilitator", "evaluator", "players", "none", "all",
}


def compound_ids() -> set[str]:
    """Ids a person never reads in French prose: every id with a dash or an underscore."""
    inputs = load_inputs(FLAGSHIP)
    sc, net = inputs.scenario, inputs.network
    ids: set[str] = set()
    ids |= {i.id for i in sc.injects} | {d.id for d in sc.decisions} | {r.id for r in sc.roles} | {p.id for p in sc.personas}
    ids |= {o.id for d in sc.decisions for o in d.options}
    ids |= {o.id for o in sc.objectives} | {t.id for o in sc.objectives for t in o.critical_tasks}
    if sc.threat is not None:
        ids |= {s.id for s in sc.threat.stages}
    ids |= {z.id for z in net.zones} | {a.id for a in net.assets} | {s.id for s in net.services} | {f.id for f in net.clinical_functions}
    catalogue = default_catalogue()
    ids |= set(catalogue.actions) | {c for a in catalogue.actions.values() for c in (a.choices or ())}
    return {i for i in ids if "-" in i or "_" in i}


def check(lines: list[str], where: str, ids: set[str]) -> list[str]:
    problems = []
    id_pattern = re.compile(r"(?<![\w/.-])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![\w-])")
    for line in lines:
        for found in CATALOGUE_KEY.findall(line):
            problems.append(f"{where}: catalogue key {found!r} in {line.strip()!r}")
        words = set(re.findall(r"[A-Za-z]+", line))
        for word in sorted(words & ENGLISH):
            problems.append(f"{where}: English {word!r} in {line.strip()!r}")
        for found in id_pattern.findall(line):
            problems.append(f"{where}: raw id {found!r} in {line.strip()!r}")
    return problems


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def walk(role: str, journal_dir: Path, fake_clock, ids: set[str], problems: list[str]) -> Path:
    app = CyberDrillApp(lang="fr", role=role, seed=3, journal_dir=journal_dir, scenarios_dir=SCENARIOS, monotonic=fake_clock, now=lambda: FIXED_NOW)

    def look(where: str) -> None:
        problems.extend(check(screen_lines(app), f"{role}/{where}", ids))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        look("home")
        app.open_scenario(FLAGSHIP)
        await pilot.pause()
        look("briefing")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        for step in range(24):
            sit = app.session.situation
            if step % 4 == 0:
                look(f"exercise T+{sit.t:.0f}")
            held = [d for d in sit.decisions if d.can_answer and d.pause_clock]
            if held:
                await pilot.press("d")
                await pilot.pause()
                look("decision dialog")
                await pilot.press("enter")
            else:
                await pilot.press("n")
            await pilot.pause()
        for keys, where in ((("a",), "act dialog"), (("a", "enter"), "target dialog"), (("o",), "note dialog"),
                            (("question_mark",), "key panel"), (("ctrl+q",), "quit question")):
            await pilot.press(*keys)
            await pilot.pause()
            look(where)
            await pilot.press("escape")
            await pilot.pause()
            if where == "key panel":
                await pilot.press("question_mark")
            if not isinstance(app.screen, ExerciseScreen):
                await pilot.press("escape")
            await pilot.pause()
        if role == "facilitator":
            for keys, where in ((("f",), "inject dialog"), (("x",), "extend dialog")):
                await pilot.press(*keys)
                await pilot.pause()
                look(where)
                await pilot.press("escape")
                await pilot.pause()
        if role == "evaluator":
            await pilot.press("r")
            await pilot.pause()
            look("rate dialog")
            await pilot.press("enter")
            await pilot.pause()
            look("rating")
            await pilot.press("escape", "escape")
            await pilot.pause()
        log = app.session.log_path
        if role == "facilitator":
            await pilot.press("e", "enter")
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen)
            look("debrief")
        await pilot.press("ctrl+q", "y")
    return log


@pytest.mark.slow
def test_every_screen_reads_french_with_labels(journal_dir, fake_clock):
    ids = compound_ids()
    problems: list[str] = []
    logs = {role: asyncio.run(walk(role, journal_dir, fake_clock, ids, problems)) for role in ("players", "evaluator", "facilitator")}

    async def replay() -> None:
        app = CyberDrillApp(lang="fr", role="facilitator", replay=logs["facilitator"])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(6):
                await pilot.press("right")
            await pilot.pause()
            problems.extend(check(screen_lines(app), "replay", ids))

    asyncio.run(replay())

    from simulator.report.data import build_report
    from simulator.report.render import render_html, render_markdown

    data = build_report(logs["facilitator"], "fr")
    html = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", " ", render_html(data), flags=re.S))
    problems.extend(check(html.splitlines(), "report.html", ids))
    problems.extend(check(render_markdown(data).splitlines(), "report.md", ids))
    assert not problems, "\n".join(dict.fromkeys(problems))
