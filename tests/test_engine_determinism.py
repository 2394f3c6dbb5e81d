"""Same inputs, same run: byte-identical JSON and event streams; seeds matter; streams are independent."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.commands import parse_command
from simulator.engine.headless import run_headless
from simulator.engine.rng import stream
from tests.engine_helpers import SCENARIO, exercise, variant

COMMANDS = [
    (30, "declare-crisis"),
    (45, "isolate zone:servers"),
    (60, "notify cert-sante"),
    (90, "degraded-mode emergency"),
    (120, "divert on"),
    (600, "request-support pris"),
]


def play(seed: int, commands=COMMANDS, until: float = 3 * 1440, path=SCENARIO):
    ex = exercise(path, seed)
    records = []
    ex.subscribe(lambda e: records.append(json.dumps(e.to_record(), sort_keys=True)))
    for t, text in commands:
        ex.advance(t)
        ex.submit(parse_command(text, ex.index))
    ex.advance(until)
    return ex, records


def test_same_inputs_same_event_stream():
    a, ra = play(11)
    b, rb = play(11)
    assert ra == rb
    assert a.events_processed == b.events_processed
    assert a.kpis() == b.kpis()


def test_same_inputs_byte_identical_json():
    one = json.dumps(run_headless(SCENARIO, seed=5, policy="textbook", until="recovery").to_json(), sort_keys=True)
    two = json.dumps(run_headless(SCENARIO, seed=5, policy="textbook", until="recovery").to_json(), sort_keys=True)
    assert one == two


def test_different_seeds_different_outcomes():
    outs = {
        json.dumps(run_headless(SCENARIO, seed=s, policy="textbook", until="recovery").to_json()["kpis"], sort_keys=True)
        for s in range(6)
    }
    assert len(outs) > 1


def test_streams_are_named_and_independent():
    assert stream(1, "attacker").random() == stream(1, "attacker").random()
    assert stream(1, "attacker").random() != stream(2, "attacker").random()
    assert stream(1, "attacker").random() != stream(1, "detection").random()


def _attacker_path(path, seed):
    ex = exercise(path, seed)
    truth = []
    ex.subscribe(lambda e: truth.append(e.to_record()) if e.kind in ("stage-done", "stage-started", "stage-blocked") else None)
    ex.advance(ex.duration)
    return truth


def test_adding_an_inject_or_a_persona_keeps_the_attacker_path(tmp_path):
    def extra(s):
        s["personas"].append({"id": "mayor", "name": "Maire"})
        s["injects"].insert(0, {"id": "mayor-call", "at": "T+5m", "from": "mayor", "channel": "phone", "text": "Que se passe-t-il ?"})
        s["injects"].append({"id": "late-mail", "when": {"service": "email", "state": "down"}, "channel": "email", "text": "..."})

    changed = variant(tmp_path, extra)
    for seed in (0, 3, 9):
        assert _attacker_path(SCENARIO, seed) == _attacker_path(changed, seed)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32), cut=st.integers(min_value=0, max_value=4000))
def test_property_replay_is_identical(seed, cut):
    """Advancing in one go or in two steps, with a command between, replays identically."""
    cmds = [(cut, "notify cert-sante")]
    _, ra = play(seed, cmds, until=4320)
    _, rb = play(seed, cmds, until=4320)
    assert ra == rb


def test_advance_in_small_steps_equals_one_big_step():
    a = exercise(SCENARIO, 4)
    b = exercise(SCENARIO, 4)
    ra, rb = [], []
    a.subscribe(lambda e: ra.append(e.to_record()))
    b.subscribe(lambda e: rb.append(e.to_record()))
    a.advance(3000)
    for t in range(0, 3001, 7):
        b.advance(t)
    b.advance(3000)
    assert ra == rb
    assert a.kpis() == b.kpis()


def test_commands_round_trip_through_records_and_text():
    from simulator.engine.commands import Command

    ex = exercise(SCENARIO, 0)
    for text in ("isolate zone:servers", "transfer emergency 3", "notify cert-sante", "decide cut-internet cut",
                 "inject printers", "rate alert crisis-cell S", "note 'the director is here'", "cut-internet"):
        cmd = parse_command(text, ex.index)
        assert Command.from_record(json.loads(json.dumps(cmd.to_record()))) == cmd
        assert parse_command(cmd.text(), ex.index) == cmd
    import pytest

    with pytest.raises(ValueError):
        Command.from_record({"command": "explode"})
    with pytest.raises(ValueError):
        Command.from_record({"command": "act"})


def test_every_event_record_is_json_safe_with_a_stable_kind():
    _, records = play(2, until=6000)
    kinds = {json.loads(r)["kind"] for r in records}
    assert {"stage-done", "availability", "fact", "inject", "decision-made", "command-accepted", "clock-started"} <= kinds
