"""Snapshots of the four main screens at 80x24 and 160x50, in French and English.

Deterministic: the small fixture scenario, a fixed seed, a paused clock moved only by
'next event', and no wall-clock text (the debrief's journal path and hash are pinned).
Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from simulator.tui.app import CyberDrillApp
from simulator.journal.inputs import load_inputs
from simulator.room.local import solo_client, start_recorded
from simulator.room.replay import JournalReplay

from .conftest import FIXED_NOW, MINI, FakeClock

SIZES = [(80, 24), (160, 50)]
LANGS = ["fr", "en"]
PARAMS = [pytest.param(size, lang, id=f"{size[0]}x{size[1]}-{lang}") for size in SIZES for lang in LANGS]


def _app(tmp_path: Path, lang: str, role: str = "players", **kwargs) -> CyberDrillApp:
    journals = tmp_path / "journals"
    journals.mkdir(exist_ok=True)
    return CyberDrillApp(lang=lang, role=role, seed=7, journal_dir=journals, monotonic=FakeClock(), now=lambda: FIXED_NOW, **kwargs)


class TestHome:
    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_home(self, snap_compare, tmp_path, size, lang):
        shipped = tmp_path / "scenarios"
        shipped.mkdir()
        shutil.copy(MINI, shipped / MINI.name)
        assert snap_compare(_app(tmp_path, lang, scenarios_dir=shipped), terminal_size=size)


class TestExercise:
    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_exercise(self, snap_compare, tmp_path, size, lang):
        app = _app(tmp_path, lang, scenario=MINI)
        assert snap_compare(app, press=["enter", "n", "n", "n"], terminal_size=size)


class TestDebrief:
    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_debrief(self, snap_compare, tmp_path, size, lang):
        app = _app(tmp_path, lang, role="facilitator", scenario=MINI)

        async def to_debrief(pilot):
            await pilot.press("enter", "n", "n", "n", "e", "enter")
            await pilot.pause()
            screen = pilot.app.screen
            screen.debrief = dataclasses.replace(screen.debrief, log_path="journals/mini-ransomware.jsonl", head_hash="0" * 64)
            screen.show(lang)
            await pilot.pause()

        assert snap_compare(app, run_before=to_debrief, terminal_size=size)


def _journal(tmp_path: Path) -> Path:
    log = tmp_path / "recorded.jsonl"
    client = solo_client(start_recorded(load_inputs(MINI), 7, "fr", log, "facilitator"), "fr", "facilitator")
    session, seat = client.session, client.seat.id
    for _ in range(3):
        session.step(seat)
    session.acknowledge(seat, "", 0)
    session.act(seat, "", "declare-crisis")
    session.step(seat)
    decision = session.view(seat, "fr").decisions[0]
    session.decide(seat, "", decision.id, decision.options[0].id, "")
    session.step(seat)
    session.end(seat)
    session.finish()
    return log


class TestReplay:
    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_replay(self, snap_compare, tmp_path, size, lang):
        replay = JournalReplay(_journal(tmp_path), lang)
        app = _app(tmp_path, lang, role="facilitator", replay=replay)
        assert snap_compare(app, press=["right", "right"], terminal_size=size)


class TestDecisionDialog:
    """A decision put to the cell: prompt, deadline, default by its label, the justification line."""

    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_decision_dialog(self, snap_compare, tmp_path, size, lang):
        app = _app(tmp_path, lang, scenario=MINI)
        assert snap_compare(app, press=["enter", "n", "n", "n", "d"], terminal_size=size)


class TestQuitQuestion:
    """Quitting mid-exercise asks first and says how to come back."""

    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_quit_question(self, snap_compare, tmp_path, size, lang):
        app = _app(tmp_path, lang, scenario=MINI, log_path=tmp_path / "journals" / "mini.jsonl")

        async def ask(pilot):
            await pilot.press("enter", "n", "q")
            await pilot.pause()
            body = pilot.app.screen.query_one("#body")
            body.update(str(pilot.app.screen.body).replace(str(tmp_path) + "/", ""))  # the path, pinned
            await pilot.pause()

        assert snap_compare(app, run_before=ask, terminal_size=size)


class TestJoin:
    """Taking a seat in a hosted room: who is joining (the name the journal records)."""

    @pytest.mark.parametrize("size,lang", PARAMS)
    def test_join(self, snap_compare, tmp_path, size, lang):
        app = CyberDrillApp(lang=lang, join=("http://127.0.0.1:8470", "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", ""))
        assert snap_compare(app, terminal_size=size)
