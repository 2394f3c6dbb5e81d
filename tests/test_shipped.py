"""Shipped data (scenarios, networks, variants, policies, schemas) as package resources, found one way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator import shipped
from tests.conftest import ROOT, SCENARIOS

KIND_KEYS = {"scenario": "scenario", "network": "network", "variant": "variant", "policy": "policy"}


def test_every_kind_is_shipped_and_each_file_is_named_by_its_id():
    from simulator.model.documents import load_document

    for kind in shipped.KINDS:
        files = shipped.shipped(kind)
        assert files, f"no shipped {kind}"
        for file_id, path in files.items():
            body = load_document(path, expect=kind).body
            if kind == "network":
                continue  # named by file name: a generated network keeps the generator's id (test_library_b)
            assert body.id == file_id, f"{path}: id '{body.id}' is not its file name (a shipped file is looked up by id)"


def test_the_package_resources_are_the_repository_files_in_a_checkout():
    assert shipped.scenarios_dir().resolve() == SCENARIOS.resolve()
    assert shipped.schemas_dir().resolve() == (ROOT / "schemas").resolve()
    assert {p.name for p in shipped.schemas_dir().glob("*.schema.json")} == {p.name for p in (ROOT / "schemas").glob("*.schema.json")}


def test_home_screen_and_replay_use_the_one_lookup():
    from simulator.journal import inputs
    from simulator.tui.catalog import list_scenarios, shipped_scenarios_dir

    assert shipped_scenarios_dir() == shipped.scenarios_dir()
    assert {e.id for e in list_scenarios()} == set(shipped.shipped("scenario"))
    # replay finds a shipped network by name when it is neither beside the journal nor in cwd
    found = list(inputs._candidates("ch-reference.yaml", None, Path("/nonexistent/journal.jsonl")))
    assert shipped.shipped("network")["ch-reference"] in found
    assert not hasattr(inputs, "SHIPPED_SCENARIOS")


def test_resolve_input_prefers_an_existing_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flagship = str(shipped.shipped_scenario("ransomware-weekend-night"))
    assert shipped.resolve_input("ransomware-weekend-night") == flagship
    assert shipped.resolve_input("ch-reference", "network").endswith("networks/ch-reference.yaml")
    assert shipped.resolve_input("offline-backups", None).endswith("variants/offline-backups.yaml")
    assert shipped.resolve_input("textbook", None).endswith("policies/textbook.yaml")
    # not an id of that kind, a file name or a path: unchanged (the usual error names what was typed)
    assert shipped.resolve_input("ch-reference", "scenario") == "ch-reference"
    assert shipped.resolve_input("ransomware-weekend-night.yaml") == "ransomware-weekend-night.yaml"
    assert shipped.resolve_input("x/ransomware-weekend-night") == "x/ransomware-weekend-night"
    (tmp_path / "ransomware-weekend-night").write_text("scenario: {}\n")
    assert shipped.resolve_input("ransomware-weekend-night") == "ransomware-weekend-night"


def test_run_names_a_scenario_by_its_id(run_cli, tmp_cwd):
    code, out, err = run_cli("run", "beginner-teleservices-ddos", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["scenario"] == "beginner-teleservices-ddos"
    code, _out, err = run_cli("run", "no-such-scenario")
    assert code == 2 and err.startswith("no-such-scenario:1:1: error:")


def test_validate_and_network_show_take_ids(run_cli, tmp_cwd):
    code, _out, err = run_cli("validate", "ransomware-weekend-night", "ch-reference", "offline-backups", "textbook")
    assert code == 0, err
    code, out, err = run_cli("network", "show", "ch-reference", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == "ch-reference"


@pytest.mark.parametrize("lang, heading, level", [("fr", "Scénario", "intermédiaire"), ("en", "Scenario", "intermediate")])
def test_scenarios_lists_the_library_in_both_languages(run_cli, lang, heading, level):
    code, out, err = run_cli("scenarios", "--lang", lang)
    assert code == 0, err
    assert heading in out and level in out
    for scenario_id in shipped.shipped("scenario"):
        assert scenario_id in out, f"{scenario_id} not listed (or cut)"
    code, out, _ = run_cli("scenarios", "--json")
    listed = json.loads(out)["scenarios"]
    assert [s["id"] for s in listed][0] == "ransomware-weekend-night"
    assert {s["id"] for s in listed} == set(shipped.shipped("scenario"))
    assert all(set(s["title"]) >= {"fr", "en"} for s in listed)


def _schema_comment(path: Path) -> str | None:
    match = re.search(r"^# yaml-language-server: \$schema=(\S+)", path.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def test_editor_schema_comments_resolve_from_the_repository_and_from_the_package():
    package = Path(shipped.package_dir("scenarios")).parent  # simulator/, as a wheel lays it out
    checked = 0
    for path in shipped.all_files():
        ref = _schema_comment(path)
        assert ref is not None, f"{path} has no $schema comment"
        as_installed = path.parent / ref  # simulator/scenarios/x.yaml -> simulator/schemas/...
        assert as_installed.resolve().is_file(), f"{path}: {ref} does not resolve"
        assert package in (path.parent / ref).parents or (package / "schemas") in as_installed.parents
        checked += 1
    for path in list(SCENARIOS.glob("*.yaml")) + list(SCENARIOS.glob("*/*.yaml")):
        assert (path.parent / _schema_comment(path)).is_file(), f"{path}: schema comment does not resolve from the repository"
    assert checked >= 10


def test_shipped_files_cite_public_sources_not_a_machine_path():
    sections = set(re.findall(r"^#+ §(\d+(?:\.\d+)?) ", (ROOT / "docs" / "sources.md").read_text(encoding="utf-8"), re.M))
    for path in shipped.all_files():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"/(work|home|tmp|root|Users)/", text), f"{path} names a path of a machine"
        for cited in re.findall(r"§(\d+(?:\.\d+)?)", text):
            assert cited in sections, f"{path} cites §{cited}, which docs/sources.md does not have"
