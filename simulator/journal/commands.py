"""How commands look in a journal, and how a recorded command is fed back to the engine.

A command record's `data` is the engine's `Command.to_record()` plus `kind` (act, decide,
inject, rate, note) and `by` (the role that gave it). Text that did not parse is kept as
`{"kind": "text", "text": ...}` so that its refusal replays too. Inputs the engine never sees
(pause, speed, inject acknowledged, observation...) are `{"kind": "ui", "ui": ...}`.
"""

from __future__ import annotations

import shlex
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
        legacy = legacy_note_refusal(text)
        if legacy is not None:
            return ex.refuse(text, source, legacy, "unreadable", {"command": text.strip()})
        return ex.submit(text, source=source)
    return ex.submit(Command.from_record(data), source=source)


def legacy_note_refusal(text: str) -> str | None:
    """The reason versions before verbatim notes gave a note shell quoting could not read
    (`note l'équipe`: "No closing quotation"), or None. Such text is only ever journaled as
    text by those versions (notes are read verbatim since), so their journals replay as recorded."""
    words = text.split(None, 1)
    if not words or words[0].lower() != "note" or not ('"' in text or "'" in text or "\\" in text):
        return None
    try:
        shlex.split(text.strip())
    except ValueError as exc:
        return f"cannot read command '{text}': {exc}"
    return None


def advance_exact(ex: Exercise, until: float) -> int:
    """Advance so that the clock reads exactly `until` (the engine lands there itself;
    kept as the journal's one name for it, so recorded and replayed times stay bit-identical)."""
    return ex.advance(until)
