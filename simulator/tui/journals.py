"""Journals of interrupted exercises, offered for resume on the home screen."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.journal.reader import read_header
from simulator.model.diagnostics import InputError

JOURNAL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class JournalEntry:
    path: Path
    scenario_id: str
    scenario_file: str
    seed: int
    language: str
    role: str
    last_t: float
    modified: dt.datetime


def _last_line(path: Path) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    lines = [ln for ln in tail.split(b"\n") if ln.strip()]
    return lines[-1] if lines else b""


def read_journal_entry(path: Path) -> JournalEntry | None:
    """An unsealed journal (an interrupted exercise), or None when sealed or unreadable."""
    try:
        header = read_header(path)
        last = json.loads(_last_line(path))
    except (InputError, OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("type") == "seal":
        return None
    data = header["data"]
    participants = data.get("participants") or [{}]
    config = data.get("config") or {}
    return JournalEntry(
        path=path,
        scenario_id=str((data.get("scenario") or {}).get("id") or ""),
        scenario_file=str((data.get("scenario") or {}).get("file") or ""),
        seed=int(data.get("seed", 0)),
        language=str(data.get("language", "")),
        role=str(config.get("role") or participants[0].get("role") or ""),
        last_t=float(last.get("t", 0.0)),
        modified=dt.datetime.fromtimestamp(path.stat().st_mtime),
    )


def list_interrupted(folder: Path) -> list[JournalEntry]:
    """Unsealed journals in `folder`, most recent first."""
    if not folder.is_dir():
        return []
    found = [read_journal_entry(p) for p in folder.glob("*" + JOURNAL_SUFFIX)]
    return sorted((j for j in found if j is not None), key=lambda j: j.modified, reverse=True)
