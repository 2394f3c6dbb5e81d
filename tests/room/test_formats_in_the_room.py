"""Modules, questions, attachments and jurisdictions in the room: who sees what, the next-module key, the clock names."""

from __future__ import annotations

import asyncio

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.exercise import ExerciseScreen

from .helpers import ROOT, open_room

MODULES = ROOT / "scenarios" / "beginner-tabletop-modules.yaml"
US = ROOT / "scenarios" / "us-ransomware-tabletop.yaml"
FRENCH_CLOCKS = ("cert-sante", "gdpr-72h", "nis2-24h", "nis2-72h", "nis2-1m", "police-72h")


def test_the_facilitator_moves_on_and_only_the_facilitator_sees_the_questions(tmp_path):
    session, _codes = open_room(MODULES, tmp_path / "room.jsonl", seed=1)
    try:
        fac = session.view("facilitator", "en").module
        cell = session.view("cell:medical", "en").module
        assert fac is not None and fac.id == "first-signs" and fac.index == 1 and fac.count == 3
        assert fac.questions and fac.expected and fac.next_title == "Module 2 — Four hours later" and fac.next_jump == 240
        assert cell is not None and cell.title == fac.title and cell.questions == () and cell.expected == ()
        # a cell may not move the exercise on; the facilitator may
        refused = session.move_module("cell:medical", "Bob", lang="en")
        assert not refused.accepted
        session.step("facilitator")  # the first stimulus
        assert session.move_module("facilitator", "Anna", lang="en").accepted
        assert session.now >= 240  # the four-hour jump was simulated at once
        view = session.view("cell:direction", "fr")
        assert view.module.id == "four-hours-later" and "12 h 45" in view.module.narrative
        feed = " ".join(line.text for line in view.feed)
        assert "4h plus tard" in feed
        notices = [n(lang="fr") for seats, n in session.take_notices() if "cell:direction" in seats]
        assert any(n.key == "module" and "4h plus tard" in n.text for n in notices)
    finally:
        session.close()


def test_inject_questions_go_to_the_facilitator_and_attachments_to_the_addressed_cell(tmp_path):
    session, _codes = open_room(US, tmp_path / "room.jsonl", seed=2)
    try:
        assert session.fire("facilitator", "Anna", "card-it-edr")
        it = [v for v in session.view("cell:it", "en").inbox if v.ref == "card-it-edr"]
        clinical = [v for v in session.view("cell:clinical", "en").inbox if v.ref == "card-it-edr"]
        fac = [v for v in session.view("facilitator", "en").inbox if v.ref == "card-it-edr"]
        room = [v for v in session.view("room", "en").inbox if v.ref == "card-it-edr"]
        assert it and not clinical and not room and fac
        assert [a.file for a in it[0].attachments] == ["handouts/us/edr-alerts.txt"] and it[0].attachments[0].kind == "text"
        assert "mass file renames" in it[0].attachments[0].text  # the handout itself, read on the host
        assert it[0].questions == () and fac[0].questions  # the question is the facilitator's to ask
    finally:
        session.close()


def test_a_us_room_shows_us_clocks_and_authorities(tmp_path):
    session, _codes = open_room(US, tmp_path / "room.jsonl", seed=2)
    try:
        clocks = session.view("facilitator", "en").clocks
        assert {c.id for c in clocks} == {"cisa-72h", "hipaa-individuals-60d", "hipaa-hhs-60d", "hipaa-media-60d"}
        assert {c.name for c in clocks} >= {"CISA 72 h (CIRCIA)", "HIPAA HHS 60 d"}
        labels = dict(session.targets("notify", "en"))
        assert labels["hhs-ocr"] == "HHS Office for Civil Rights" and "cert-sante" not in labels
        assert dict(session.targets("request-support", "fr"))["ir-firm"] == "prestataire de réponse à incident (contrat)"
    finally:
        session.close()


def test_the_discussion_scenario_plays_in_the_ui_with_the_next_module_key(tmp_path, monkeypatch):
    journals = tmp_path / "journals"
    journals.mkdir()

    async def run() -> None:
        app = CyberDrillApp(lang="en", seed=1, scenario=MODULES, role="facilitator", journal_dir=journals)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter")  # the briefing
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            session = app.session.session
            assert session.ex.scenario.threat is None
            await pilot.press("t")  # ground truth panel: no attacker, the module and its questions
            await pilot.pause()
            assert app.session.situation.module.id == "first-signs"
            await pilot.press("m")
            for _ in range(50):
                await pilot.pause(0.05)
                if app.session.situation.module.id == "four-hours-later":
                    break
            assert app.session.situation.module.id == "four-hours-later"
            assert session.now >= 240
            bar = str(screen.query_one("ClockBar").render())
            assert "2/3" in bar
            await pilot.press("ctrl+q")

    asyncio.run(run())


def test_the_us_scenario_plays_in_the_ui_without_french_clocks(tmp_path):
    journals = tmp_path / "journals"
    journals.mkdir()

    async def run() -> None:
        app = CyberDrillApp(lang="en", seed=2, scenario=US, role="players", journal_dir=journals)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            panel = app.screen.query_one("ClocksPanel")
            text = str(panel.render()) if hasattr(panel, "render") else ""
            sit = app.session.situation
            assert {c.id for c in sit.clocks}.isdisjoint(FRENCH_CLOCKS)
            assert "CNIL" not in text and "CERT" not in text
            await pilot.press("ctrl+q")

    asyncio.run(run())
