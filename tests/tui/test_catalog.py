"""The home screen's list: the shipped default scenario first, kits from beginner to confirmed."""

from __future__ import annotations

from simulator.tui.catalog import DEFAULT_SCENARIO_ID, list_scenarios
from tests.conftest import SCENARIOS

ORDER = {"beginner": 0, "intermediate": 1, "confirmed": 2}


def test_default_scenario_first_then_by_level():
    entries = list_scenarios(SCENARIOS)
    assert entries[0].id == DEFAULT_SCENARIO_ID
    levels = [ORDER[e.level] for e in entries[1:]]
    assert levels == sorted(levels)
    assert len(entries) == len(list(SCENARIOS.glob("*.yaml")))


def test_entries_carry_their_source_incidents():
    entries = {e.id: e for e in list_scenarios(SCENARIOS)}
    flagship = entries[DEFAULT_SCENARIO_ID]
    assert flagship.sources, "the flagship names the incidents it draws on"
    for title, url in flagship.sources:
        assert title.get("fr") and title.get("en") and url.startswith("http")
