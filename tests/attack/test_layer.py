"""The ATT&CK Navigator layer of every shipped scenario validates against the layer format 4.5 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from simulator.attack.layer import GRADIENT, build_layer, colour
from simulator.model.documents import load_document
from tests.conftest import SCENARIOS
from tests.formats_helpers import MINI, write_mini

SCHEMA = json.loads((Path(__file__).parent / "navigator-layer-4.5.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def test_the_schema_is_a_draft_07_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_shipped_scenario_s_layer_validates(path, lang):
    sc = load_document(path).model.scenario
    layer = build_layer(sc, lang)
    errors = sorted(VALIDATOR.iter_errors(layer), key=lambda e: list(e.path))
    assert not errors, f"{errors[0].message} at {list(errors[0].path)}"
    json.dumps(layer)  # plain JSON
    if sc.threat is not None:
        ids = [t["techniqueID"] for t in layer["techniques"]]
        assert ids[0] == sc.threat.initial_access.technique and len(ids) == len(set(ids))
        assert {s.technique for s in sc.threat.stages} <= set(ids)
        # one legend item per step, in the gradient's colour for that step's score
        assert len(layer["legendItems"]) == 1 + len(sc.threat.stages)
        g = layer["gradient"]
        for k, item in enumerate(layer["legendItems"], start=1):
            assert item["color"] == colour(k, g["minValue"], g["maxValue"])
        first = {t["techniqueID"]: t["score"] for t in layer["techniques"]}
        assert first[ids[0]] == 1


def test_the_schema_refuses_what_the_navigator_would_not_read():
    sc = load_document(write_mini(Path(__import__("tempfile").mkdtemp()))).model.scenario
    good = build_layer(sc)
    for broken in (
        {**good, "versions": {"navigator": "5.1.0", "layer": "4.4"}},
        {k: v for k, v in good.items() if k != "name"},
        {**good, "domain": "mitre-enterprise"},
        {**good, "techniques": [{"techniqueID": "T86"}]},
        {**good, "legendItems": [{"label": "x", "color": "red"}]},
        {**good, "colour": "#ffffff"},
    ):
        assert list(VALIDATOR.iter_errors(broken)), broken


def test_gradient_ends_and_middle():
    assert colour(1, 1, 9) == GRADIENT[0] and colour(9, 1, 9) == GRADIENT[-1] and colour(5, 1, 9) == GRADIENT[1]


def test_a_discussion_only_scenario_gives_an_empty_layer(tmp_path):
    threat = MINI[MINI.index("  threat:\n"):MINI.index("  injects:\n")]
    path = write_mini(tmp_path, (threat, ""), ("{id: pay, effects: [{action: pay-ransom}]}", "{id: pay, effects: [{flag: paid}]}"))
    layer = build_layer(load_document(path).model.scenario, "fr")
    assert layer["techniques"] == [] and "ne simule aucune attaque" in layer["description"]
    assert not list(VALIDATOR.iter_errors(layer))


def test_cli_writes_the_layer(tmp_path, run_cli):
    out = tmp_path / "layer.json"
    code, _o, err = run_cli("attack", "layer", "ransomware-weekend-night", "-o", out)
    assert code == 0, err
    assert not list(VALIDATOR.iter_errors(json.loads(out.read_text(encoding="utf-8"))))
    code, _o, err = run_cli("attack", "layer", "ransomware-weekend-night", "-o", tmp_path / "layer.txt")
    assert code == 2 and "must be a .json file" in err
