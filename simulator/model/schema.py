"""JSON Schemas generated from the models, shaped for draft-07 consumers (VS Code YAML).

Pydantic emits draft 2020-12 (`$defs`); editors built on draft-07 ignore
`$defs`, so definitions move to `definitions` and every `$ref` follows.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.model.documents import kinds

SCHEMA_URL_BASE = "https://cyberdrill.org/schemas/"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node and len(node) > 1:
            # draft-07 ignores keywords beside $ref: keep the reference in allOf
            rest = {k: v for k, v in node.items() if k != "$ref"}
            node = {**rest, "allOf": [{"$ref": node["$ref"]}]}
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            elif key == "$defs":
                out["definitions"] = _rewrite(value)
            elif key == "discriminator":
                continue
            elif key == "const" and "enum" not in node:
                out["enum"] = [value]
            else:
                out[key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def schema_kinds() -> list[str]:
    return [name for name, spec in kinds().items() if spec.schema]


def json_schema(kind: str) -> dict:
    spec = kinds()[kind]
    raw = spec.model.model_json_schema(by_alias=True, mode="validation")
    schema = _rewrite(raw)
    ordered = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"{SCHEMA_URL_BASE}{kind}.schema.json",
        "title": f"CyberDrill {kind} file",
    }
    for key, value in schema.items():
        if key not in ("title",):
            ordered[key] = value
    return ordered


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_all(folder: str = "schemas") -> list[str]:
    """Regenerate every committed schema file: `python -m simulator.model.schema`."""
    from pathlib import Path

    out = []
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for kind in schema_kinds():
        path = target / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        out.append(str(path))
    return out


if __name__ == "__main__":
    for written in write_all():
        print(f"wrote {written}")
