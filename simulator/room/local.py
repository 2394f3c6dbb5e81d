"""Solo play: a session with one seat in this process (`cyberdrill play`, `cyberdrill resume`).

The same `RoomSession` as a host's, with one seat that plays every cell (or the
facilitator's, or an evaluator's) and drives the clock: one engine path for a room of one
and a room of fifteen.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from simulator.journal.inputs import Inputs
from simulator.journal.session import RecordedExercise
from simulator.room.client import LocalClient
from simulator.room.seats import SOLO_ROLES, solo_seat
from simulator.room.session import DEFAULT_SPEED, RoomSession


def start_recorded(inputs: Inputs, seed: int, lang: str, log_path: str | os.PathLike, role: str, speed: float | None = None) -> RecordedExercise:
    """A new journaled exercise at its first instant (the header pins inputs, seed, language, role
    and the clock's speed, which a resume takes up again)."""
    return RecordedExercise.start(
        inputs.scenario_path, seed, lang, log_path, participants=(), role=role, inputs=inputs,
        config={"speed": float(speed)} if speed is not None else None,
    )


def resume_recorded(log_path: str | os.PathLike) -> RecordedExercise:
    """An interrupted exercise rebuilt from its journal (every recorded event checked)."""
    return RecordedExercise.resume(log_path)


def solo_client(
    recorded: RecordedExercise,
    lang: str,
    role: str = "players",
    speed: float = DEFAULT_SPEED,
    monotonic: Callable[[], float] = time.monotonic,
) -> LocalClient:
    """The one seat of a solo exercise over `recorded`."""
    seat = solo_seat(role if role in SOLO_ROLES else "players")
    session = RoomSession(recorded, {seat.id: seat}, speed=speed, monotonic=monotonic)
    return LocalClient(session, seat.id, lang)
