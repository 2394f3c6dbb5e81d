"""Where an alert is raised: on the machine the technique runs on (issue 12's odd details:
exfiltration and group-policy alerts on core switches, EDR tampering on CCTV cameras)."""

from __future__ import annotations

import copy
import shutil

import yaml

from simulator.engine.attacker import HOST_KINDS
from simulator.engine.headless import load_exercise, run_exercise
from simulator.model.network import AssetKind
from tests.conftest import SCENARIOS

FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"


def _forced_detection(tmp_path, stages: set[str]):
    """The flagship with the given stages always raising an alert."""
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    sc = copy.deepcopy(data)
    for stage in sc["scenario"]["threat"]["stages"]:
        if stage["id"] in stages:
            stage["detect"] = {"base": 1.0}
    (tmp_path / "networks").mkdir()
    shutil.copy(SCENARIOS / "networks" / "ch-reference.yaml", tmp_path / "networks" / "ch-reference.yaml")
    path = tmp_path / "forced.yaml"
    path.write_text(yaml.safe_dump(sc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _alerts(path, seed=0):
    ex = load_exercise(path, seed, "passive")
    raised = []
    ex.subscribe(lambda e: raised.append(e) if e.kind == "alert-raised" else None)
    run_exercise(ex, "end")
    return ex, {e.stage: e.asset for e in raised}


def test_exfiltration_is_seen_where_the_records_are_not_on_a_core_switch(tmp_path):
    ex, alerts = _alerts(_forced_detection(tmp_path, {"exfiltration", "ntds-dump", "disable-defences"}))
    exfil = alerts["exfiltration"]
    assert ex.model.assets[exfil].records > 0, exfil
    assert ex.model.assets[exfil].kind not in (AssetKind.network_device, AssetKind.firewall)
    assert ex.model.assets[alerts["ntds-dump"]].kind == AssetKind.domain_controller
    assert ex.model.assets[alerts["disable-defences"]].kind in HOST_KINDS
    assert ex.records_exfiltrated > 0


def test_edr_tampering_and_group_policy_never_land_on_cameras_or_switches():
    ex = load_exercise(FLAGSHIP, 0, "passive")
    ex.advance(-5 * 1440)
    att = ex.attacker
    att.footholds[:] = ["vpn-portal", "citrix-farm", "cctv"]
    att._foothold_set = set(att.footholds)
    evasion = att.locus("T1562.001", "evasion", ())
    assert ex.model.assets[evasion[0]].kind in HOST_KINDS, evasion
    gpo = att.locus("T1484.001", "lateral", ("core-switches", "file-servers"))
    assert ex.model.assets[gpo[0]].kind == AssetKind.domain_controller, gpo
    # a network scan may come from any foothold (a compromised partner link scans too)
    assert att.locus("T1046", "discovery", ()) == ("cctv",)


def test_no_host_technique_alert_on_network_gear_in_any_shipped_scenario():
    host_effects = {"credentials", "privilege", "persistence", "evasion", "collection", "execution"}
    from simulator.model.attack import technique

    for path in sorted(SCENARIOS.glob("*.yaml")):
        for seed in range(4):
            ex = load_exercise(path, seed, "passive")
            raised = []
            ex.subscribe(lambda e: raised.append(e) if e.kind == "alert-raised" else None)
            run_exercise(ex, "end")
            for e in raised:
                t = technique(e.technique)
                if t is None or not e.asset:
                    continue
                kind = ex.model.assets[e.asset].kind
                if t.effect in host_effects:
                    assert kind in HOST_KINDS, (path.name, e.technique, e.asset)
                if t.effect == "exfiltration":
                    assert ex.model.assets[e.asset].records > 0, (path.name, e.technique, e.asset)
