"""The MITRE ATT&CK technique table shipped with the package (simulator/data/attack.json)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

EFFECTS = (
    "initial-access", "discovery", "credentials", "privilege", "persistence", "lateral", "evasion",
    "collection", "exfiltration", "encryption", "backup-destruction", "service-stop", "destruction",
    "defacement", "none",
)


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    tactic: str
    effect: str


@functools.lru_cache(maxsize=1)
def techniques() -> Mapping[str, Technique]:
    """Every known technique by id (T1486, T1003.001...)."""
    raw = json.loads(resources.files("simulator.data").joinpath("attack.json").read_text(encoding="utf-8"))
    table = {t["id"]: Technique(t["id"], t["name"], t["tactic"], t["effect"]) for t in raw["techniques"]}
    return MappingProxyType(table)


def technique(tid: str) -> Technique | None:
    return techniques().get(tid)


def label(tid: str) -> str:
    """A technique as a person reads it: its ATT&CK name and id ('External Remote Services (T1133)').
    ATT&CK names are MITRE's, in English in every language; an unknown id stays as it is."""
    tech = technique(tid)
    return f"{tech.name} ({tid})" if tech is not None else tid
