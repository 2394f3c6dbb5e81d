"""The data CyberDrill ships, found one way everywhere: package resources of `simulator`.

    scenarios_dir()                  # simulator/scenarios: the scenario library
    shipped_scenario("ransomware-weekend-night")   # its file, by id
    resolve_input("ch-reference", "network")       # a path as given, else a shipped id

Scenarios (with `networks/` and `variants/`), built-in policies (`data/policies/`) and the
JSON Schemas (`schemas/`) are read through `importlib.resources`, so the home screen,
`run NAME`, journal replay and an installed wheel agree on what is shipped. In a checkout
`simulator/scenarios` and `simulator/schemas` are symlinks to the repository's `scenarios/`
and `schemas/` (the paths the docs use); a wheel holds real copies.

Installs that are not plain folders on disk (a zip) are not supported: journals pin
inputs by path and SHA-256, which needs real files.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

KINDS = {"scenario": "scenarios", "network": "scenarios/networks", "variant": "scenarios/variants", "policy": "data/policies"}
"""Where each kind of shipped file lives, under the `simulator` package."""

SUFFIX = ".yaml"


def package_dir(relative: str) -> Path | None:
    """A folder of the `simulator` package (`scenarios`, `schemas`, `data/policies`), or None if absent."""
    node = resources.files("simulator")
    for part in relative.split("/"):
        node = node.joinpath(part)
    path = Path(str(node))
    return path if path.is_dir() else None


def scenarios_dir() -> Path | None:
    return package_dir(KINDS["scenario"])


def schemas_dir() -> Path | None:
    return package_dir("schemas")


def shipped(kind: str) -> dict[str, Path]:
    """Shipped files of one kind by name: a scenario's, variant's or policy's file name is its id (a
    test holds it); a generated network keeps the generator's id, so networks go by file name."""
    folder = package_dir(KINDS[kind])
    if folder is None:
        return {}
    return {p.stem: p for p in sorted(folder.glob(f"*{SUFFIX}")) if p.is_file()}


def shipped_scenario(scenario_id: str) -> Path | None:
    return shipped("scenario").get(scenario_id)


def all_files() -> list[Path]:
    """Every shipped input file (scenarios, networks, variants, policies), for replay's search."""
    return [path for kind in KINDS for path in shipped(kind).values()]


def looks_like_id(text: str) -> bool:
    return bool(text) and not text.endswith((".yaml", ".yml")) and "/" not in text and os.sep not in text and text not in (".", "..")


def resolve_input(text: str, kind: str | None = "scenario") -> str:
    """A command-line name: an existing path stays as given; else a shipped file's id gives its path.

    `kind=None` tries every kind (scenario first). Anything else is returned unchanged, so the
    usual 'no such file' error names what was typed.
    """
    if not looks_like_id(text) or os.path.lexists(text):
        return text
    for candidate in (kind,) if kind else tuple(KINDS):
        found = shipped(candidate).get(text)
        if found is not None:
            return str(found)
    return text
