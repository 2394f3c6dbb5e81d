"""What the home screen lists: the shipped scenarios and the interrupted exercises.

Reading is light on purpose (the YAML and a few keys, the journal's header and
last line): full validation happens when an exercise is opened.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.journal.reader import read_header
from simulator.model.diagnostics import InputError
from simulator.model.duration import format_duration
from simulator.model.yaml_loader import load_yaml

JOURNAL_SUFFIX = ".jsonl"


def shipped_scenarios_dir() -> Path | None:
    """The scenarios folder: inside the installed package, else at the repository root."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return None


def default_journal_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cyberdrill")) / "journals"


@dataclass(frozen=True)
class ScenarioEntry:
    path: Path
    id: str
    title: dict[str, str]
    summary: dict[str, str]
    level: str
    duration: str
    languages: tuple[str, ...]
    start: str

    def text(self, field: dict[str, str], lang: str) -> str:
        return field.get(lang) or next(iter(field.values()), "")


def _localised(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {"fr": str(value), "en": str(value)} if value is not None else {}


def read_scenario_entry(path: Path) -> ScenarioEntry | None:
    """Menu facts of one scenario file, or None when it is not a scenario."""
    try:
        data = load_yaml(path).data
    except (InputError, OSError):
        return None
    body = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(body, dict) or "id" not in body:
        return None
    duration = body.get("duration", "")
    if isinstance(duration, int):
        duration = format_duration(duration)
    langs = body.get("languages") or ["fr", "en"]
    return ScenarioEntry(
        path=path,
        id=str(body.get("id")),
        title=_localised(body.get("title", path.stem)),
        summary=_localised(body.get("summary", "")),
        level=str(body.get("level", "")),
        duration=str(duration),
        languages=tuple(str(x) for x in langs),
        start=str(body.get("start", "")),
    )


def list_scenarios(folder: Path | None = None) -> list[ScenarioEntry]:
    folder = folder if folder is not None else shipped_scenarios_dir()
    if folder is None or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.y*ml")):
        entry = read_scenario_entry(path)
        if entry is not None:
            out.append(entry)
    return out


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
