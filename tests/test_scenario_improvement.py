"""The scenario keys the after-action report reads: objective capability, task improvement, inject answers."""

from __future__ import annotations

import copy

import pytest

from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document
from tests.conftest import SCENARIOS
from tests.engine_helpers import fixture_data, write_variant
from tests.test_scenario_model import errors_of


def _with(mutate):
    data = copy.deepcopy(fixture_data())
    mutate(data["scenario"])
    return data


def _improve(s, **fields):
    task = s["objectives"][0]["critical_tasks"][0]
    task["improvement"] = {"action": {"fr": "Fiche réflexe", "en": "Quick-reaction sheet"}, **fields}


def test_the_keys_load(tmp_path):
    def mutate(s):
        s["objectives"][0]["capability"] = "information-sharing"
        _improve(s, owner="security", element="planning", care_axis="governance")
        s["injects"][0]["answered_by"] = [{"action": "notify", "target": "cert-sante"}, {"action": "declare-crisis"}]

    sc = load_document(write_variant(tmp_path, _with(mutate))).model.scenario
    obj = sc.objectives[0]
    assert obj.capability == "information-sharing"
    imp = obj.critical_tasks[0].improvement
    assert imp is not None and imp.owner == "security" and imp.action.get("en") == "Quick-reaction sheet"
    assert [(a.action, a.target) for a in sc.injects[0].answered_by] == [("notify", "cert-sante"), ("declare-crisis", None)]


def test_the_flagship_states_them():
    sc = load_document(SCENARIOS / "ransomware-weekend-night.yaml").model.scenario
    assert all(o.capability for o in sc.objectives)
    assert all(t.improvement is not None for o in sc.objectives for t in o.critical_tasks)
    assert sum(bool(i.answered_by) for i in sc.injects) >= 20


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda s: _improve(s, owner="nobody"), "unknown role 'nobody'"),
        (lambda s: _improve(s, element="budget"), "is not one of 'planning'"),
        (lambda s: s["objectives"][0].update(capability="bravery"), "is not one of 'planning'"),
        (lambda s: s["injects"][0].update(answered_by=[{"action": "notiffy"}]), "unknown action 'notiffy'"),
        (lambda s: s["injects"][0].update(answered_by=[{"action": "notify", "target": "mayor"}]), "mayor"),
        (lambda s: s["injects"][0].update(answered_by=[{"decision": "no-such-decision"}]), "unknown decision 'no-such-decision'"),
        (lambda s: s["injects"][0].update(answered_by=[{"decision": "x", "action": "notify"}]), "exactly one of 'action' or 'decision'"),
        (lambda s: s["injects"][0].update(answered_by=[{}]), "exactly one of 'action' or 'decision'"),
    ],
)
def test_bad_values_are_positioned_errors(tmp_path, mutate, expected):
    lines = errors_of(tmp_path, mutate)
    assert any(expected in line for line in lines), lines


def test_unknown_owner_points_at_the_owner_key(tmp_path):
    data = _with(lambda s: _improve(s, owner="nobody"))
    path = write_variant(tmp_path, data)
    text = path.read_text(encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    diag = next(d for d in info.value.diagnostics if "nobody" in d.message)
    assert "owner" in text.splitlines()[diag.line - 1]
