"""How commands look in a journal, and how a recorded command is fed back to the engine.

A command record's `data` is the engine's `Command.to_record()` plus `kind` (act, decide,
inject, rate, note) and `by` (the role that gave it). Text that did not parse is kept as
`{"kind": "text", "text": ...}` so that its refusal replays too. Inputs the engine never sees
(pause, speed, inject acknowledged, observation...) are `{"kind": "ui", "ui": ...}`.
"""

from __future__ import annotations

import math
from typing import Any

from simulator.engine.commands import Command
from simulator.engine.exercise import Exercise, Result

UI_KIND = "ui"
TEXT_KIND = "text"


def command_data(command: Command, by: str) -> dict:
    data = dict(command.to_record())
    data["kind"] = data.get("command", command.kind)
    data["by"] = by
    return data


def text_data(text: str, by: str) -> dict:
    return {"kind": TEXT_KIND, "command": TEXT_KIND, "text": text, "by": by}


def ui_data(kind: str, by: str, fields: dict[str, Any]) -> dict:
    if not isinstance(kind, str) or not kind.strip():
        raise ValueError("a UI input needs a name (pause, resume, speed, ack, observation...)")
    reserved = {"kind", "ui", "by"} & set(fields)
    if reserved:
        raise ValueError(f"UI input fields cannot be named {', '.join(sorted(reserved))}")
    return {**fields, "kind": UI_KIND, "ui": kind, "by": by}


def apply_recorded(ex: Exercise, data: dict) -> Result:
    """Feed a recorded command to the engine as it was given; ValueError when it cannot be read."""
    by = data.get("by")
    source = by if isinstance(by, str) and by else "cell"
    if data.get("kind") == TEXT_KIND:
        text = data.get("text")
        if not isinstance(text, str):
            raise ValueError("text command without its text")
        return ex.submit(text, source=source)
    return ex.submit(Command.from_record(data), source=source)


def advance_exact(ex: Exercise, until: float) -> int:
    """Advance, then make the clock read exactly `until`.

    The engine lands on `until` with one timeout from `now`, and `now + (until - now)` can miss
    `until` by one ulp; a command recorded at that time would then replay one ulp off.
    Nothing lies between the two values (every event <= until has run), so pinning the
    clock changes no state; it keeps recorded times and replayed times bit-identical.
    """
    n = ex.advance(until)
    env = ex.env
    if env.now != until and math.isclose(env.now, until, rel_tol=1e-12, abs_tol=1e-9) and env.peek() > until:
        env._now = until  # simpy keeps the clock here; no public setter
    return n
