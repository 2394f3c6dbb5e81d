"""The condition language: parsing, evaluation, and algebraic properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from simulator.model.conditions import AllOf, Condition, NotOf, ServiceIs, walk
from tests.engine_helpers import SCENARIO, exercise

ADAPTER = TypeAdapter(Condition)


def parse(data):
    return ADAPTER.validate_python(data)


def test_parse_nested_and_durations():
    c = parse({"all": [{"time": "T+4h"}, {"not": {"action": "notify", "target": "cert-sante"}}]})
    assert isinstance(c, AllOf) and isinstance(c.all[1], NotOf)
    assert c.all[0].time == 240
    s = parse({"service": "ehr", "state": "down", "for": "30m"})
    assert isinstance(s, ServiceIs) and s.for_ == 30
    assert [p for p, _ in walk(c)] == [(), ("all", 0), ("all", 1), ("all", 1, "not")]


@pytest.mark.parametrize(
    "bad",
    [
        {"foo": 1},
        {"service": "ehr", "stat": "down"},
        {"service": "ehr", "state": "broken"},
        {"all": []},
        {"clinical": "emergency", "metric": "waiting"},
        {"time": "tomorrow"},
        "ehr down",
        [{"time": "T+1h"}],
    ],
)
def test_bad_conditions_are_validation_errors(bad):
    with pytest.raises(ValidationError):
        parse(bad)


@pytest.fixture(scope="module")
def running():
    ex = exercise(SCENARIO, 0)
    ex.advance(120)
    ex.submit("notify cert-sante")
    ex.advance(300)
    return ex


@pytest.mark.parametrize(
    "cond, expected",
    [
        ({"service": "ehr", "state": "down"}, True),
        ({"service": "ehr", "state": "down", "for": "4h"}, True),
        ({"service": "ehr", "state": "down", "for": "3d"}, False),
        ({"service": "ehr", "state": "not-up"}, True),
        ({"function": "emergency", "state": "down"}, True),
        ({"asset": "ehr-db", "state": "encrypted"}, True),
        ({"asset": "backup-tape", "state": "encrypted"}, False),
        ({"asset": "backup-online", "state": "destroyed"}, True),
        ({"clinical": "emergency", "metric": "waiting", "above": 1}, True),
        ({"clinical": "emergency", "metric": "capacity_pct", "below": 50}, True),
        ({"time": "T+5h"}, True),
        ({"time": "T+6h"}, False),
        ({"decision": "cut-internet"}, True),
        ({"decision": "cut-internet", "option": "cut"}, False),
        ({"action": "notify", "target": "cert-sante"}, True),
        ({"action": "notify", "target": "cert-sante", "within": "1h"}, False),
        ({"action": "notify", "target": "cert-sante", "within": "3h"}, True),
        ({"action": "notify", "target": "cert-sante", "done": True}, True),
        ({"action": "notify", "target": "cnil"}, False),
        ({"action": "notify", "target": "cert-sante", "before_clock": "cert-sante"}, True),
        ({"clock": "cert-sante", "state": "met"}, True),
        ({"clock": "gdpr-72h", "state": "running"}, True),
        ({"inject": "printers"}, True),
        ({"inject": "toilets", "fired": True}, True),
        ({"inject": "nudge-cert", "fired": False}, True),
        ({"flag": "internet-kept"}, True),
        ({"flag": "never-set"}, False),
        ({"stage": "encryption"}, True),
        ({"stage": "encryption", "state": "not-done"}, False),
        ({"fact": "encryption"}, True),
        ({"fact": "awareness", "within": "1h"}, True),
        ({"fact": "ransom-paid"}, False),
        ({"any": [{"fact": "ransom-paid"}, {"time": "T+1h"}]}, True),
        ({"all": [{"fact": "ransom-paid"}, {"time": "T+1h"}]}, False),
        ({"not": {"fact": "ransom-paid"}}, True),
    ],
)
def test_evaluation(running, cond, expected):
    assert running.evaluate(parse(cond)) is expected


ATOMS = [
    {"service": "ehr", "state": "down"},
    {"service": "email", "state": "up"},
    {"function": "surgery", "state": "not-up"},
    {"asset": "dc1", "state": "encrypted"},
    {"clinical": "laboratory", "metric": "waiting", "above": 50},
    {"time": "T+2h"},
    {"time": "T+2d"},
    {"decision": "cut-internet", "option": "wait"},
    {"action": "notify", "target": "cert-sante"},
    {"clock": "cert-sante", "state": "met"},
    {"inject": "toilets"},
    {"flag": "internet-kept"},
    {"stage": "exfiltration"},
    {"detected": "any"},
    {"fact": "awareness"},
]

trees = st.recursive(
    st.sampled_from(ATOMS),
    lambda kids: st.one_of(
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        kids.map(lambda x: {"not": x}),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=trees, b=trees)
def test_property_boolean_algebra(running, a, b):
    ev = running.evaluate
    va, vb = ev(parse(a)), ev(parse(b))
    assert ev(parse({"not": {"not": a}})) == va
    assert ev(parse({"all": [a, b]})) == (va and vb)
    assert ev(parse({"any": [a, b]})) == (va or vb)
    assert ev(parse({"not": {"all": [a, b]}})) == ev(parse({"any": [{"not": a}, {"not": b}]}))
    assert ev(parse({"any": [a, {"not": a}]})) is True
    assert ev(parse({"all": [a, {"not": a}]})) is False


@settings(max_examples=200, deadline=None)
@given(
    data=st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6), st.sampled_from(["T+1h", "ehr", "down", "30m"])),
        lambda kids: st.one_of(
            st.lists(kids, max_size=3),
            st.dictionaries(st.sampled_from(["all", "any", "not", "service", "state", "for", "time", "action", "target", "x"]), kids, max_size=3),
        ),
        max_leaves=10,
    )
)
def test_property_validation_never_crashes(data):
    try:
        parse(data)
    except ValidationError:
        pass
