"""What a kit is generated from: one validated scenario, its network (overrides applied) and the action catalogue."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping
from pathlib import Path

from simulator.guide.text import Names
from simulator.model.attachments import AttachmentFile
from simulator.model.actions import ActionCatalogue, default_catalogue, merged
from simulator.model.documents import Loaded, load_document
from simulator.model.jurisdiction import Jurisdiction, of_scenario
from simulator.model.network import NetworkBody
from simulator.model.overrides import apply_overrides
from simulator.model.scenario import ScenarioBody


@dataclass(frozen=True)
class Source:
    scenario: ScenarioBody
    network: NetworkBody
    catalogue: ActionCatalogue
    file_name: str  # the scenario's file name, quoted in the kits (never a machine-specific path)
    attachments: Mapping[str, AttachmentFile] = field(default_factory=dict)  # checked files, by reference

    @property
    def jurisdiction(self) -> Jurisdiction:
        return of_scenario(self.scenario)

    @property
    def engine(self) -> dict[str, float]:
        return {**self.catalogue.engine, **self.scenario.engine}

    def names(self, lang: str) -> Names:
        sc = self.scenario
        return Names(self.network, {r.id: r.name for r in sc.roles}, {p.id: p.name for p in sc.personas}, lang)


def load_source(path: str | os.PathLike) -> Source:
    """Load and validate a scenario (raises InputError with positions when it is not valid)."""
    return source_of(load_document(path, expect="scenario"))


def source_of(loaded: Loaded) -> Source:
    sc = loaded.model.scenario
    path = loaded.path
    net = apply_overrides(loaded.context["network"], sc.overrides)
    return Source(sc, net, merged(of_scenario(sc).catalogue(default_catalogue()), sc.actions), Path(path).name, dict(loaded.context.get("attachments", {})))
