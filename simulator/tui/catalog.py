"""What the home screen lists: the shipped scenarios (interrupted exercises: `journals.list_interrupted`).

Reading is light on purpose (the YAML and a few keys): full validation happens when an
exercise is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.model.diagnostics import InputError
from simulator.model.duration import format_duration
from simulator.model.yaml_loader import load_yaml
from simulator.shipped import scenarios_dir

JOURNAL_SUFFIX = ".jsonl"
DEFAULT_SCENARIO_ID = "ransomware-weekend-night"
"""Opened by `cyberdrill` with no argument: first in the list, under the cursor."""
_LEVEL_ORDER = {"beginner": 0, "intermediate": 1, "confirmed": 2}


def shipped_scenarios_dir() -> Path | None:
    """The shipped scenario library (`simulator.shipped`: the one lookup of shipped files)."""
    return scenarios_dir()


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
    sources: tuple[tuple[dict[str, str], str], ...] = ()
    """Documented incidents the scenario draws on: (localised title, public address)."""

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
        sources=tuple(
            (_localised(src.get("title", "")), str(src.get("url", "")))
            for src in (body.get("sources") or [])
            if isinstance(src, dict)
        ),
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
    # The flagship first, then from beginner to confirmed kits, as the ANS kits are chosen.
    out.sort(key=lambda e: (e.id != DEFAULT_SCENARIO_ID, _LEVEL_ORDER.get(e.level, 9), e.path.name))
    return out
