"""Every key of the scenario format is in the JSON Schema editors use and in docs/scenario-format.md."""

from __future__ import annotations

import re

import jsonschema

from simulator.model.schema import json_schema
from tests.conftest import ROOT

DOC = ROOT / "docs" / "scenario-format.md"


def _properties(node, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        out.update(node.get("properties", {}))
        for value in node.values():
            _properties(value, out)
    elif isinstance(node, list):
        for value in node:
            _properties(value, out)
    return out


def test_every_scenario_key_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    keys = _properties(json_schema("scenario"), set()) - {"scenario"}
    missing = sorted(k for k in keys if f"`{k}`" not in doc and not re.search(r"[{ ,\[-]" + re.escape(k) + ":", doc))
    assert not missing, f"keys of the scenario schema not described in docs/scenario-format.md: {missing}"


def test_the_schema_refuses_a_misspelt_key_anywhere_an_editor_looks():
    validator = jsonschema.Draft7Validator(json_schema("scenario"))
    bad = {"scenario": {"id": "x", "title": "t", "summary": "s", "level": "beginner", "start": "2026-03-16T09:00",
                        "duration": "2h", "network": "n.yaml", "injects": [{"id": "a", "at": "T+1m", "channel": "email", "text": "t", "questoins": ["?"]}]}}
    assert any("questoins" in e.message for e in validator.iter_errors(bad))
