"""Scenario library, part B: the GHT propagation, ICU monitoring and beginner DDoS scenarios.

Each file must validate cleanly, carry the doctrine's counts (personas, MSEL
lines, noise and contingency stimuli, decision points, objectives), say every
text in French and English, name the public incident it is drawn from, and,
once the engine is there, play differently under a passive and a textbook cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from pydantic import BaseModel

from simulator.model.attack import techniques
from simulator.model.base import LocalizedText
from simulator.model.conditions import (
    AssetIs,
    ClinicalThreshold,
    DecisionTaken,
    FactIs,
    FunctionIs,
    ServiceIs,
    StageIs,
    TimeAfter,
    walk,
)
from simulator.model.documents import load_document, validate_paths

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
GHT_NETWORK = SCENARIOS / "networks" / "ght-coeur.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/scenario.schema.json"

# file -> (level, weekday of T+0, words naming the source incident, its public address)
LIBRARY = {
    "ght-propagation.yaml": (
        "confirmed", "Tuesday", ("Cœur Grand Est",),
        "https://toute-la.veille-acteurs-sante.fr/192220/les-etablissements-du-ght-coeur-grand-est-victimes-dune-cyberattaque-communique",
    ),
    "icu-monitoring-outage.yaml": (
        "intermediate", "Saturday", ("Versailles",),
        "https://static3.infirmiers.com/lhopital-de-versailles-victime-dune-grave-cyberattaque",
    ),
    "beginner-teleservices-ddos.yaml": (
        "beginner", "Tuesday", ("AP-HP",),
        "https://gizchina.com/2020/03/24/coronavirus-paris-hospitals-hit-by-a-cyber-attack",
    ),
}
STATE_PREDICATES = (ServiceIs, FunctionIs, AssetIs, ClinicalThreshold, StageIs, FactIs)
CLINICAL_KPIS = ("patients_diverted", "procedures_cancelled", "patients_transferred", "patients_avoided", "patients_waiting")


def _scenario(name: str):
    return load_document(SCENARIOS / name, expect="scenario").model.scenario


def _texts(node: Any, path: str = "scenario") -> Iterator[tuple[str, LocalizedText]]:
    """Every localised text in a model tree, with where it sits."""
    if isinstance(node, LocalizedText):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{path}.{key}")


def _predicates(cond) -> list:
    return [c for _, c in walk(cond)] if cond is not None else []


@pytest.fixture(scope="module", params=sorted(LIBRARY))
def named(request):
    return request.param, _scenario(request.param)


# ------------------------------------------------------------------ files


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_validates_without_any_diagnostic(name):
    assert validate_paths([str(SCENARIOS / name)]) == []


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_validate_command_exits_zero(run_cli, name):
    code, out, err = run_cli("validate", SCENARIOS / name)
    assert code == 0, out + err


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_lint_is_clean_even_strict(run_cli, name):
    code, out, err = run_cli("lint", "--strict", SCENARIOS / name)
    assert code == 0, out + err


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_first_line_points_editors_at_the_schema(name):
    assert (SCENARIOS / name).read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


# ------------------------------------------------------------------ shape and counts


def test_level_and_a_start_on_the_intended_weekday(named):
    name, sc = named
    level, weekday, _, _ = LIBRARY[name]
    assert sc.level == level
    assert sc.start.strftime("%A") == weekday
    assert sc.duration >= 6 * 60


def test_people_and_threat(named):
    _, sc = named
    assert len(sc.roles) >= 5
    assert len(sc.personas) >= 6
    known = techniques()
    assert sc.threat.initial_access.technique in known
    assert len(sc.threat.stages) >= 3
    for stage in sc.threat.stages:
        assert stage.technique in known, stage.id


def test_msel_counts_and_trigger_mix(named):
    name, sc = named
    injects = sc.injects
    assert len(injects) >= 15
    noise = [i for i in injects if i.noise]
    assert len(noise) >= (3 if sc.level == "beginner" else 2)
    assert len([i for i in injects if i.contingency]) >= 2
    timed = [i for i in injects if i.at is not None]
    on_state = [i for i in injects if any(isinstance(p, STATE_PREDICATES) for p in _predicates(i.when))]
    on_decision = [i for i in injects if any(isinstance(p, DecisionTaken) for p in _predicates(i.when))]
    assert timed and on_state and on_decision, name
    objective_ids = {o.id for o in sc.objectives}
    served = {ref for i in injects for ref in i.objectives}
    assert served <= objective_ids and len(served) >= 3
    signal = [i for i in injects if not i.noise]
    assert all(i.expected for i in signal), [i.id for i in signal if not i.expected]
    assert all(i.facilitator_note for i in noise)


def test_decision_points(named):
    _, sc = named
    assert len(sc.decisions) >= 3
    inject_ids = {i.id for i in sc.injects}
    for d in sc.decisions:
        assert d.deadline > 0 and d.default in {o.id for o in d.options}
        assert len(d.options) >= 2
        for o in d.options:
            assert o.effects, f"{d.id}/{o.id} has no effect"
            for e in o.effects:
                assert e.inject is None or e.inject in inject_ids
    # at least one option in the scenario acts on the simulation (a response action)
    assert any(e.action for d in sc.decisions for o in d.options for e in o.effects)


def test_objectives_mix_automatic_and_evaluator_tasks(named):
    _, sc = named
    assert len(sc.objectives) >= 3
    tasks = [t for o in sc.objectives for t in o.critical_tasks]
    assert any(t.check is not None for t in tasks)
    assert any(t.rate == "evaluator" for t in tasks)
    checks = [p for t in tasks if t.check is not None for p in _predicates(t.check)]
    notified = {p.target for p in checks if getattr(p, "action", None) == "notify"}
    assert "cert-sante" in notified
    assert sc.end.recovery_services


def test_facilitator_material(named):
    _, sc = named
    assert sc.facilitator.notes is not None
    assert len(sc.facilitator.debrief_questions) >= 4


# ------------------------------------------------------------------ languages and sources


def test_every_text_in_french_and_english(named):
    name, sc = named
    assert sc.languages == ["fr", "en"]
    found = list(_texts(sc))
    assert len(found) > 100
    for where, text in found:
        assert not text.plain, f"{name}: {where} is one string for both languages"
        assert text.fr and text.en, f"{name}: {where} lacks a language"
        assert text.fr != text.en or len(text.fr) < 25, f"{name}: {where} is not translated"


def test_names_its_source_incident_with_a_public_address(named):
    name, sc = named
    _, _, words, url = LIBRARY[name]
    assert url in [s.url for s in sc.sources]
    for lang in ("fr", "en"):
        summary = sc.summary.get(lang)
        notes = sc.facilitator.notes.get(lang)
        assert "http" not in summary + notes, f"{name} ({lang}): addresses belong in 'sources'"
        for word in words:
            assert word in summary and word in notes, f"{name} ({lang}) does not name {word}"
            assert word in sc.sources[0].title.get(lang), f"{name} ({lang}): first source does not name {word}"


def test_sources_of_the_incidents_are_listed_in_the_project_sources():
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for name in ("ght-propagation.yaml", "icu-monitoring-outage.yaml"):
        assert LIBRARY[name][3] in text


# ------------------------------------------------------------------ the generated GHT network


def test_ght_network_is_reproducible_from_its_header():
    from simulator.hospital.generate import generate_network, render_network

    committed = GHT_NETWORK.read_bytes()
    assert b"--sites 5 --beds 2200 --seed 2022" in committed.splitlines()[1]
    regenerated = render_network(generate_network(5, 2200, 2022), GHT_NETWORK).encode("utf-8")
    assert regenerated == committed


def test_ght_network_regenerated_by_the_command_is_identical(run_cli, tmp_path):
    out = tmp_path / "scenarios" / "networks" / "ght-coeur.yaml"
    out.parent.mkdir(parents=True)
    code, stdout, stderr = run_cli("network", "generate", "--sites", "5", "--beds", "2200", "--seed", "2022", "-o", out)
    assert code == 0, stdout + stderr
    # the schema line is relative to where the file sits (a URL outside the repository); the rest is identical
    fresh, committed = out.read_bytes().split(b"\n", 1), GHT_NETWORK.read_bytes().split(b"\n", 1)
    assert committed[0] == b"# yaml-language-server: $schema=../../schemas/network.schema.json"
    assert fresh[1] == committed[1]


def test_ght_scenario_plays_on_two_hit_members_and_the_shared_core():
    sc = _scenario("ght-propagation.yaml")
    zones = {z for s in sc.threat.stages if s.targets for z in s.targets.zones}
    assert {"s02-net-servers", "s03-net-servers", "ght-core"} <= zones
    isolations = {e.target for d in sc.decisions for o in d.options for e in o.effects if e.action == "isolate"}
    assert {"zone:s02-net-admin", "zone:s03-net-servers", "zone:ght-core", "zone:s04-net-clinical"} <= isolations


def test_ddos_is_expressed_as_network_denial_of_service():
    sc = _scenario("beginner-teleservices-ddos.yaml")
    assert sc.threat.actor.motivation == "hacktivism"
    floods = [s for s in sc.threat.stages if s.technique == "T1498"]
    assert len(floods) >= 2
    hit = {a for s in floods for a in s.targets.assets}
    assert {"isp-uplink", "link-pro-sante-connect"} <= hit
    assert all(s.targets.reachable_only is False for s in floods)


# ------------------------------------------------------------------ played by the engine

def _clinical(name: str, seed: int, policy: str) -> tuple[float, ...]:
    from simulator.engine.headless import run_headless

    kpis = run_headless(SCENARIOS / name, seed=seed, policy=policy).to_json()["kpis"]
    return tuple(kpis[k] for k in CLINICAL_KPIS)


@pytest.mark.parametrize("name", sorted(LIBRARY))
@pytest.mark.parametrize("seed", [1, 7])
def test_passive_and_textbook_cells_get_different_clinical_outcomes(name, seed):
    passive = _clinical(name, seed, "passive")
    textbook = _clinical(name, seed, "textbook")
    assert passive != textbook
    # a passive cell never does better on patients diverted away or left waiting
    assert passive[0] + passive[4] >= textbook[0] + textbook[4]


def test_ght_passive_cell_lets_the_hospitals_be_encrypted():
    from simulator.engine.headless import run_headless

    kpis = run_headless(SCENARIOS / "ght-propagation.yaml", seed=3, policy="passive").to_json()["kpis"]
    assert kpis["assets_encrypted"] > 0
    assert kpis["records_exfiltrated"] > 0
