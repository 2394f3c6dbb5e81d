"""Helpers for engine tests: the fixture scenario, variants of it written to a temp folder."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from simulator.engine.exercise import Exercise
from simulator.model.documents import load_document
from simulator.model.policy import builtin_policy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENARIO = FIXTURES / "mini-scenario.yaml"
NETWORK = FIXTURES / "mini-network.yaml"


def fixture_data() -> dict:
    return yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))


def write_variant(tmp_path: Path, data: dict, name: str = "scenario.yaml") -> Path:
    """Write a scenario next to a copy of the fixture network."""
    shutil.copy(NETWORK, tmp_path / "mini-network.yaml")
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def variant(tmp_path: Path, mutate) -> Path:
    data = copy.deepcopy(fixture_data())
    mutate(data["scenario"])
    return write_variant(tmp_path, data)


def exercise(path: Path = SCENARIO, seed: int = 0, policy: str | None = None) -> Exercise:
    loaded = load_document(path, expect="scenario")
    pol = builtin_policy(policy) if policy else None
    return Exercise(loaded.model.scenario, loaded.context["network"], seed, policy=pol)
