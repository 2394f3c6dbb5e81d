"""The committed JSON Schemas match the models and are usable by draft-07 editors."""

from __future__ import annotations

import json

import jsonschema
import pytest

from simulator.model.schema import json_schema, schema_kinds, schema_text
from simulator.model.yaml_loader import load_yaml
from tests.conftest import ROOT

REGENERATE = "python -m simulator.model.schema"


@pytest.mark.parametrize("kind", schema_kinds())
def test_committed_schema_is_fresh(kind):
    path = ROOT / "schemas" / f"{kind}.schema.json"
    assert path.exists(), f"schemas/{kind}.schema.json is missing: run `{REGENERATE}`"
    assert path.read_text(encoding="utf-8") == schema_text(kind), (
        f"schemas/{kind}.schema.json is stale: run `{REGENERATE}` and commit the result"
    )


@pytest.mark.parametrize("kind", schema_kinds())
def test_schema_passes_draft07_metaschema(kind):
    schema = json_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    text = json.dumps(schema)
    assert "$defs" not in text and "prefixItems" not in text, "draft-07 consumers ignore these"


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))


@pytest.mark.parametrize("kind", schema_kinds())
def test_every_property_is_documented_and_refs_stand_alone(kind):
    schema = json_schema(kind)
    for path, node in _walk(schema):
        if "$ref" in node:
            assert set(node) == {"$ref"}, f"draft-07 ignores siblings of $ref at {path}"
        if path and path[-2:-1] == ("properties",):
            assert node.get("description"), f"property {'/'.join(map(str, path))} has no description"


def shipped_yaml():
    return sorted(p for p in (ROOT / "scenarios").rglob("*.yaml"))


def test_shipped_yaml_files_declare_their_schema():
    files = shipped_yaml()
    assert files, "no shipped YAML found"
    for p in files:
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f"{p} lacks the schema line"
        ref = first.split("$schema=", 1)[1].strip()
        if not ref.startswith("http"):
            assert (p.parent / ref).resolve().exists(), f"{p}: schema path {ref} does not exist"


def test_shipped_yaml_validates_against_its_schema():
    """What an editor using the schema would report on the shipped files: nothing."""
    for p in shipped_yaml():
        doc = load_yaml(p)
        kind = next(iter(doc.data))
        if kind not in schema_kinds():
            continue
        validator = jsonschema.Draft7Validator(json_schema(kind))
        errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(e.path))
        assert not errors, f"{p}: {errors[0].message} at {list(errors[0].path)}"


def test_schema_flags_an_unknown_key_like_an_editor_would():
    validator = jsonschema.Draft7Validator(json_schema("network"))
    bad = {"network": {"id": "x", "name": "X", "beds": 1, "colour": "red"}}
    assert any("colour" in e.message for e in validator.iter_errors(bad))
