"""Journals the report tests share: the textbook flagship run, and a cell that does things late."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from simulator.engine.commands import parse_command
from simulator.journal.commands import command_data
from simulator.journal.headless_log import run_logged
from simulator.journal.session import RecordedExercise
from tests.conftest import SCENARIOS

FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"


def textbook_flagship(folder: Path) -> Path:
    """`cyberdrill run scenarios/ransomware-weekend-night.yaml --policy textbook --log X`, in process."""
    log = folder / "textbook.jsonl"
    run_logged(FLAGSHIP, seed=0, policy="textbook", log_path=log)
    return log


def submit_as(rec: RecordedExercise, text: str, by: str, *, name: str | None = None, seat: str | None = None):
    """A command as the room records it: with the participant's name and seat beside `by`."""
    ex = rec.exercise
    cmd = parse_command(text, ex.index, ex.catalogue)
    data = command_data(cmd, by)
    if name:
        data["name"] = name
    if seat:
        data["seat"] = seat
    rec._writer.command(float(ex.now), data)  # noqa: SLF001 - what the room's host writes (issue 10)
    return ex.submit(cmd, source=by)


def visible_text(page: str) -> str:
    """What a reader sees in the HTML: no style, no markup, entities decoded."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return htmllib.unescape(page)
