"""The response-action catalogue: what the cell can do, with its cost in people and time.

Numbers live in DATA (simulator/data/actions.yaml), validated by these models,
and a scenario may override any of them (`scenario.actions`). The engine reads
them; it holds no magic numbers of its own.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

from pydantic import field_validator, Field, StrictFloat, StrictInt

from simulator.model.base import Id, LocalizedText, StrictModel
from simulator.model.distributions import Delay

TargetType = Literal[
    "none", "asset", "zone", "asset-or-zone", "asset-or-service", "function", "function-or-all", "choice", "function-count",
]


class ActionSpec(StrictModel):
    """One response action."""

    name: LocalizedText = Field(description="What the action is called in the crisis room.")
    description: LocalizedText | None = Field(default=None, description="What it does in the simulation.")
    target: TargetType = Field(description="What the command names: nothing, an asset, a zone, a service, a clinical function, or one of `choices`.")
    choices: list[Id] = Field(default_factory=list, description="Allowed targets when target is 'choice' (authorities, audiences, on/off...).")
    default_choice: Id | None = Field(default=None, description="Target used when the command names none (target 'choice').")
    staff: StrictInt = Field(default=0, ge=0, description="IT technicians busy while the action runs (count); 0 for decisions taken by the cell.")
    duration: Delay = Field(default="0m", description="Time to carry out the action (a delay distribution).")
    params: dict[str, StrictFloat] = Field(default_factory=dict, description="Named numbers the engine reads for this action (rates, factors, hours).")


class ActionOverride(StrictModel):
    """A scenario's change to one action of the catalogue (only the given keys change)."""

    staff: StrictInt | None = Field(default=None, ge=0, le=2000, description="IT technicians needed (count).")
    duration: Delay | None = Field(default=None, description="Time to carry out the action.")
    params: dict[str, StrictFloat] = Field(default_factory=dict, description="Parameters replaced (others keep their defaults).")

    @field_validator("params")
    @classmethod
    def _technicians_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        # the engine holds one SimPy unit per technician: a million would not run
        n = v.get("technicians")
        if n is not None and not (0 <= n <= 2000 and n == int(n)):
            raise ValueError(f"params.technicians must be a whole number from 0 to 2000, not {n:g}")
        return v


class ActionCatalogue(StrictModel):
    """Top level of simulator/data/actions.yaml."""

    actions: dict[Id, ActionSpec] = Field(description="Every response action by id.")
    engine: dict[str, StrictFloat] = Field(default_factory=dict, description="Engine-wide calibration numbers (see docs/scenario-format.md).")


@functools.lru_cache(maxsize=1)
def default_catalogue() -> ActionCatalogue:
    """The shipped catalogue, validated once."""
    from simulator.model.yaml_loader import Document  # noqa: F401  (same safe loader as every file)
    from simulator.model.yaml_loader import load_yaml

    path = resources.files("simulator.data").joinpath("actions.yaml")
    with resources.as_file(path) as real:
        doc = load_yaml(real)
    return ActionCatalogue.model_validate(doc.data)


def action_ids() -> list[str]:
    return sorted(default_catalogue().actions)


def merged(catalogue: ActionCatalogue, overrides: dict[str, ActionOverride]) -> ActionCatalogue:
    """The catalogue with a scenario's overrides applied."""
    actions = dict(catalogue.actions)
    for aid, ov in overrides.items():
        base = actions[aid]
        update: dict = {}
        if ov.staff is not None:
            update["staff"] = ov.staff
        if ov.duration is not None:
            update["duration"] = ov.duration
        if ov.params:
            update["params"] = {**base.params, **ov.params}
        actions[aid] = base.model_copy(update=update)
    return catalogue.model_copy(update={"actions": actions})
