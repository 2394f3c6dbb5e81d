"""No keystroke a person types is dropped: justifications, rating comments and notes reach the
journal byte for byte, apostrophes and accents included, whatever key led there (Tab, Escape)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from simulator.tui.app import CyberDrillApp
from simulator.tui.screens.dialogs import DecisionDialog, PickDialog, RateDialog, TextDialog
from simulator.tui.screens.exercise import ExerciseScreen

from .conftest import FIXED_NOW, FLAGSHIP, MINI

SIZE = (160, 50)


async def type_text(pilot, text: str) -> None:
    """Type `text` as a terminal would send it: one key event per character, with the character.

    (Pilot.press turns punctuation into key names and back through Unicode names, which drops
    « » ≈ € and the like; a real terminal sends the characters themselves.)"""
    from textual import events

    focused = pilot.app.screen.focused
    for ch in text:
        focused.post_message(events.Key("space" if ch == " " else ch if ch.isalnum() else f"char_{ord(ch)}", ch))
    await pilot.pause()


def notes(log: Path) -> list[str]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)["data"]
        if json.loads(line)["type"] == "command" and data.get("kind") == "note":
            out.append(data["text"])
    return out


def test_tab_then_typing_in_the_decision_dialog_keeps_the_justification(journal_dir, fake_clock):
    async def run() -> Path:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            for _ in range(10):
                if app.session.situation.decisions:
                    break
                await pilot.press("n")
                await pilot.pause()
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DecisionDialog)
            await pilot.press("tab", "down", "tab")  # the focus never leaves the text line
            await type_text(pilot, "On attend : l'équipe n'a pas fini")
            await pilot.press("enter")
            await pilot.pause()
            log = app.session.log_path
            await pilot.press("ctrl+q")
        return log

    log = asyncio.run(run())
    assert any(n.endswith(": On attend : l'équipe n'a pas fini") for n in notes(log)), notes(log)
    decided = [json.loads(l)["data"] for l in log.read_text().splitlines() if json.loads(l)["data"].get("kind") == "decide"]
    assert decided and decided[0]["option"] == "wait"  # Down moved to the second option, Tab changed nothing


def test_escape_over_typed_text_warns_before_dropping_it(journal_dir, fake_clock):
    async def run() -> None:
        app = CyberDrillApp(lang="fr", seed=7, scenario=MINI, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter", "o")
            await pilot.pause()
            assert isinstance(app.screen, TextDialog)
            await pilot.press(*"brouillon", "escape")
            await pilot.pause()
            assert isinstance(app.screen, TextDialog)  # still open: the text is still there
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            await pilot.press("o", "escape")  # nothing typed: one Escape closes
            await pilot.pause()
            assert isinstance(app.screen, ExerciseScreen)
            await pilot.press("ctrl+q")

    asyncio.run(run())


@pytest.mark.slow
def test_a_whole_flagship_exercise_in_french_keeps_every_typed_character(journal_dir, fake_clock):
    """Decisions with justifications, notes and ratings typed through the keyboard, to the end."""
    typed: list[str] = []

    async def run() -> Path:
        app = CyberDrillApp(lang="fr", role="evaluator", seed=3, scenario=FLAGSHIP, journal_dir=journal_dir, monotonic=fake_clock, now=lambda: FIXED_NOW)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            client = app.session
            for step in range(400):
                sit = client.situation
                if sit.ended:
                    break
                mine = [d for d in sit.decisions if d.can_answer]
                if mine:
                    await pilot.press("d")
                    await pilot.pause()
                    if isinstance(app.screen, PickDialog):
                        await pilot.press("enter")
                        await pilot.pause()
                    assert isinstance(app.screen, DecisionDialog)
                    text = f"Décision n°{step} : l'astreinte « DSI » n'a qu'un poste ; coût ≈ 5 000 €"
                    await pilot.press("tab")
                    await type_text(pilot, text)
                    await pilot.press("enter")
                    typed.append(text)
                elif step % 9 == 4:
                    text = f"Note {step} : qu'en est-il de l'hôpital d'à côté ? Réponse : « pas encore »"
                    await pilot.press("o")
                    await type_text(pilot, text)
                    await pilot.press("enter")
                    typed.append(text)
                else:
                    await pilot.press("n")
                await pilot.pause()
            assert client.situation.ended
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, PickDialog)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, RateDialog)
            comment = "Bien, mais l'appel au CERT Santé est arrivé tard ; à revoir"
            await pilot.press("down", "tab")
            await type_text(pilot, comment)
            await pilot.press("enter")
            typed.append(comment)
            await pilot.pause()
            log = client.log_path
            await pilot.press("ctrl+q")
        return log

    log = asyncio.run(run())
    journaled = notes(log)
    assert len(typed) >= 5
    for text in typed:
        assert any(n.endswith(text) for n in journaled), text
