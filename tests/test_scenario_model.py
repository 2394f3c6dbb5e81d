"""The scenario and policy formats: the fixture is valid, every semantic error has a position."""

from __future__ import annotations

import copy
import re

import jsonschema
import pytest
import yaml

from simulator.model.actions import default_catalogue
from simulator.model.attack import techniques
from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document
from simulator.model.overrides import apply_overrides
from simulator.model.policy import BUILTIN_POLICIES, builtin_policy
from simulator.model.schema import json_schema
from tests.engine_helpers import SCENARIO, fixture_data, write_variant

POSITIONED = re.compile(r"^.+:(\d+):(\d+): error: (.+)$")


def errors_of(tmp_path, mutate) -> list[str]:
    data = copy.deepcopy(fixture_data())
    mutate(data["scenario"])
    path = write_variant(tmp_path, data)
    with pytest.raises(InputError) as info:
        load_document(path)
    lines = [d.format() for d in info.value.diagnostics]
    for line in lines:
        assert POSITIONED.match(line), line
    return lines


def test_fixture_is_valid_and_has_everything():
    loaded = load_document(SCENARIO)
    sc = loaded.model.scenario
    assert loaded.kind == "scenario" and not loaded.warnings
    assert sc.start.weekday() == 5 and sc.start.hour == 1  # Saturday 1 a.m.
    assert sc.duration == 72 * 60
    assert sc.threat.initial_access.at == -5 * 1440
    assert {s.id for s in sc.threat.stages} >= {"discovery", "encryption"}
    assert loaded.context["network"].id == "mini-ch"


def test_fixture_passes_its_json_schema():
    validator = jsonschema.Draft7Validator(json_schema("scenario"))
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    data["scenario"]["start"] = str(data["scenario"]["start"]).replace(" ", "T")[:16]
    assert not list(validator.iter_errors(data))


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda s: s["threat"]["stages"][0].update(technique="T9999"), "unknown ATT&CK technique 'T9999'"),
        (lambda s: s["decisions"][0]["options"][0]["effects"].append({"action": "isolatte", "target": "zone:dmz"}), "unknown action 'isolatte'"),
        (lambda s: s["decisions"][0]["options"][0]["effects"].append({"action": "isolate", "target": "zone:nowhere"}), "unknown zone 'nowhere'"),
        (lambda s: s["decisions"][0]["options"][0]["effects"].append({"action": "isolate", "target": "ehr"}), "'ehr' is a service"),
        (lambda s: s["injects"][1].update(when={"service": "ehrr", "state": "down"}), "condition on unknown service 'ehrr'"),
        (lambda s: s["injects"][0].update(at="T+4d"), "after the end of the exercise"),
        (lambda s: s["decisions"][0].update(default="maybe"), "default option 'maybe' is not among the options"),
        (lambda s: s["decisions"][1].update(deadline="3d"), "unreachable"),
        (lambda s: s["injects"][0].update({"from": "ghost"}), "unknown persona 'ghost'"),
        (lambda s: s["injects"][0].update(to=["janitor"]), "unknown role 'janitor'"),
        (lambda s: s["injects"][0].update(objectives=["nope"]), "unknown objective 'nope'"),
        (lambda s: s["injects"][2].update(id="printers"), "duplicate inject id 'printers'"),
        (lambda s: s["personas"].append(dict(s["personas"][0])), "duplicate persona id 'night-nurse'"),
        (lambda s: s["threat"]["stages"].append(dict(s["threat"]["stages"][0])), "duplicate stage id 'discovery'"),
        (lambda s: s["threat"]["stages"][1]["after"].update(stage="later"), "unknown stage 'later'"),
        (lambda s: s["objectives"][0]["critical_tasks"][0]["check"].update(target="cert-santé"), "is not one of"),
        (lambda s: s["objectives"][0]["critical_tasks"][1]["check"].update(before_clock="gdpr-24h"), "unknown clock 'gdpr-24h'"),
        (lambda s: s["overrides"].append({"asset": "tape-robot", "remove": True}), "unknown asset 'tape-robot'"),
        (lambda s: s["threat"]["stages"][3]["targets"].update(zones=["backups"]), "unknown zone 'backups'"),
        (lambda s: s["end"].update(recovery_services=["ehr", "erp"]), "unknown service 'erp'"),
        (lambda s: s.update(engine={"no_such_knob": 1}), "unknown engine parameter 'no_such_knob'"),
        (lambda s: s.update(actions={"restore": {"params": {"speed": 2}}}), "unknown parameter of 'restore' 'speed'"),
    ],
)
def test_semantic_errors_are_positioned(tmp_path, mutate, expected):
    lines = errors_of(tmp_path, mutate)
    assert any(expected in line for line in lines), lines


def test_error_points_at_the_offending_line(tmp_path):
    lines = errors_of(tmp_path, lambda s: s["threat"]["stages"][0].update(technique="T9999"))
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8").splitlines()
    line_no = int(POSITIONED.match(lines[0]).group(1))
    assert "T9999" in text[line_no - 1]


def test_structural_errors_name_the_key(tmp_path):
    lines = errors_of(tmp_path, lambda s: s["injects"][1].update(when={"service": "ehr", "stat": "down"}))
    assert any("unknown key 'stat'" in line and "did you mean 'state'" in line for line in lines), lines
    lines = errors_of(tmp_path, lambda s: s["threat"]["stages"][0]["after"].update(delay={"lognormal": {"median": "16h", "p90": "1h"}}))
    assert any("p90 must be longer than the median" in line for line in lines), lines
    lines = errors_of(tmp_path, lambda s: s.update(level="expert"))
    assert any("'expert' is not one of" in line for line in lines), lines


def test_network_errors_are_reported_as_they_are(tmp_path):
    data = copy.deepcopy(fixture_data())
    path = write_variant(tmp_path, data)
    net = tmp_path / "mini-network.yaml"
    net.write_text(net.read_text(encoding="utf-8").replace("zone: servers, domain_joined: true, tier: 0, os", "zone: serverz, domain_joined: true, tier: 0, os", 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    assert any("mini-network.yaml" in d.file and "unknown zone 'serverz'" in d.message for d in info.value.diagnostics)


def test_missing_network_file(tmp_path):
    data = copy.deepcopy(fixture_data())
    data["scenario"]["network"] = "nowhere.yaml"
    path = write_variant(tmp_path, data)
    with pytest.raises(InputError) as info:
        load_document(path)
    assert "no such file" in info.value.diagnostics[0].message


def test_overrides_change_only_this_scenario():
    loaded = load_document(SCENARIO)
    net = loaded.context["network"]
    from simulator.model.scenario import Override

    ovs = [
        Override.model_validate({"asset": "backup-tape", "backup": {"offline": False}}),
        Override.model_validate({"controls": {"mfa_remote_access": True, "siem_hours": "24x7"}}),
        Override.model_validate({"it_staff": {"weekend_night": 3}}),
        Override.model_validate({"remove_flow": {"from": "admin", "to": "backup-net"}}),
    ]
    out = apply_overrides(net, ovs)
    tape = next(a for a in out.assets if a.id == "backup-tape")
    assert tape.backup.offline is False
    assert out.controls.mfa_remote_access and out.controls.siem_hours.value == "24x7"
    assert out.it_staff.weekend_night == 3
    assert not any({f.from_zone, f.to_zone} == {"admin", "backup-net"} for f in out.flows)
    assert next(a for a in net.assets if a.id == "backup-tape").backup.offline is True  # the original is untouched
    removed = apply_overrides(net, [Override.model_validate({"asset": "backup-tape", "remove": True})])
    assert "backup-tape" not in {a.id for a in removed.assets}


def test_override_needs_one_change():
    from pydantic import ValidationError

    from simulator.model.scenario import Override

    with pytest.raises(ValidationError):
        Override.model_validate({"note": "nothing"})
    with pytest.raises(ValidationError):
        Override.model_validate({"asset": "dc1", "controls": {"siem_hours": "24x7"}})


def test_attack_table_covers_the_domain_facts():
    table = techniques()
    for tid in ("T1566", "T1566.001", "T1078", "T1133", "T1190", "T1189", "T1204.002", "T1059.001", "T1072", "T1484.001",
                "T1547", "T1071.002", "T1572", "T1105", "T1219", "T1003", "T1003.001", "T1003.003", "T1558.003", "T1046",
                "T1082", "T1614.001", "T1482", "T1087.002", "T1021.001", "T1021.002", "T1570", "T1047", "T1027", "T1070.004",
                "T1480.001", "T1562.001", "T1560", "T1567", "T1567.002", "T1041", "T1490", "T1489", "T1486", "T1485", "T1491.001"):
        assert tid in table, tid
        assert table[tid].tactic and table[tid].name


def test_action_catalogue_loads_and_covers_the_issue():
    cat = default_catalogue()
    for a in ("isolate", "reconnect", "cut-internet", "restore-internet", "disable-remote-access", "reset-credentials",
              "take-offline", "restore", "rebuild", "degraded-mode", "divert", "cancel-elective", "transfer", "notify",
              "communicate", "request-support", "pay-ransom", "declare-crisis", "eradicate"):
        assert a in cat.actions
    assert set(cat.actions["notify"].choices) == {"cert-sante", "ars", "cnil", "anssi", "police", "insurer", "ght"}
    assert {"users", "privileged", "krbtgt"} == set(cat.actions["reset-credentials"].choices)


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_policies_load(name):
    assert builtin_policy(name).id == name


def test_policy_errors_are_positioned(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "policy:\n  id: bad\n  name: Bad\n  rules:\n    - id: r\n      on: {fact: awareness}\n      do: [\"notify the-pope\"]\n"
        "    - id: r\n      on: {fact: awarenes}\n      do: [\"isolate\"]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_document(path)
    msgs = [d.format() for d in info.value.diagnostics]
    assert any(":9:" in m and "did you mean 'awareness'" in m for m in msgs), msgs


def test_policy_command_errors(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "policy:\n  id: bad\n  name: Bad\n  rules:\n    - id: r\n      on: {fact: awareness}\n      do: [\"notify the-pope\", \"isolat zone:x\"]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_document(path)
    msgs = [d.format() for d in info.value.diagnostics]
    assert any(":7:" in m and "'the-pope' is not one of" in m for m in msgs), msgs
    assert any("unknown command 'isolat'" in m and "did you mean 'isolate'" in m for m in msgs), msgs


def test_every_shipped_number_is_read_by_the_engine():
    """No dead calibration knobs: each engine number and action parameter is used somewhere."""
    from pathlib import Path

    from simulator.model.clocks import CLOCKS

    root = Path(__file__).resolve().parent.parent / "simulator" / "engine"
    source = "".join(p.read_text(encoding="utf-8") for p in root.glob("*.py"))
    cat = default_catalogue()
    clock_params = {c.deadline_param for c in CLOCKS}
    for name in cat.engine:
        assert f'"{name}"' in source or name in clock_params, name
    for action, spec in cat.actions.items():
        for name in spec.params:
            assert f'"{name}"' in source, (action, name)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


FIXTURE_PATHS = list(_paths(fixture_data()["scenario"]))

JUNK = [None, 0, -1, 3.5, True, "", "x", "T+999d", "zone:nowhere", "ehr", [], {}, ["ehr"], {"service": "ehr"}, "T1486", "-5d"]


def _set(data, path, value):
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(FIXTURE_PATHS), st.sampled_from(JUNK)), min_size=1, max_size=3))
def test_property_broken_scenarios_give_diagnostics_never_tracebacks(tmp_path, edits):
    data = copy.deepcopy(fixture_data())
    for path, value in edits:
        try:
            _set(data["scenario"], path, copy.deepcopy(value))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a parent
    path = write_variant(tmp_path, data)
    try:
        load_document(path)
    except InputError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert POSITIONED.match(d.format()), d.format()


@pytest.mark.parametrize(
    ("where", "value", "culprit", "hint"),
    [
        ("when", {"servce": "ehr", "state": "down"}, "servce", "service"),
        ("when", {"state": "down", "servce": "ehr"}, "servce", "service"),
        ("when", {"inforce": "isolation"}, "inforce", "in_force"),
        ("when", {"zzz": "ehr", "state": "down"}, "zzz", None),  # `state` is right where it is: never the culprit
        ("when", {"zzz": "ehr", "states": "down"}, "zzz", None),  # a slip on a member key is not a misspelt `stage`
        ("when", {"state": "down", "for": "1h"}, None, None),  # nothing stray: the mapping itself is reported
        ("delay", {"exponentail": {"mean": "6h"}}, "exponentail", "exponential"),
        ("delay", {"mean": "6h", "exponentail": {}}, "exponentail", "exponential"),
        ("delay", {"triangle": {"min": "1h", "mode": "2h", "max": "3h"}}, "triangle", "triangular"),
    ],
)
def test_a_condition_or_delay_without_a_leading_key_points_at_the_stray_key(tmp_path, where, value, culprit, hint):
    if where == "when":
        lines = errors_of(tmp_path, lambda s: s["injects"][1].update(when=value))
    else:
        lines = errors_of(tmp_path, lambda s: s["threat"]["stages"][0]["after"].update(delay=value))
    assert len(lines) == 1, lines
    assert ("a condition is a mapping" if where == "when" else "a delay is a duration") in lines[0]
    line_no, col = (int(x) for x in POSITIONED.match(lines[0]).groups()[:2])
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8").splitlines()[line_no - 1]
    if culprit is None:
        assert "unknown key" not in lines[0]
    else:
        assert text[col - 1:].startswith(culprit), (text, col)  # the position is the stray key itself
        assert f"unknown key '{culprit}'" + (f" (did you mean '{hint}'?)" if hint else ";") in lines[0]
    if hint is None:
        assert "did you mean" not in lines[0]
