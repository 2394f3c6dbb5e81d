"""A scenario without a threat (discussion-only tabletop) validates and runs: injects, decisions, clocks, objectives."""

from __future__ import annotations

from simulator.engine.exercise import Exercise
from simulator.engine.headless import run_exercise
from simulator.model.documents import load_document
from simulator.model.policy import builtin_policy
from tests.formats_helpers import MINI, errors_of, line_of, write_mini

THREAT = MINI[MINI.index("  threat:\n"):MINI.index("  injects:\n")]


def _no_threat(tmp_path, *edits):
    return write_mini(tmp_path, (THREAT, ""), ("{id: pay, effects: [{action: pay-ransom}]}", "{id: pay, effects: [{flag: paid}]}"), *edits)


def test_a_scenario_without_threat_validates(tmp_path):
    assert errors_of(_no_threat(tmp_path)) == []


def test_attack_references_without_a_threat_are_positioned_errors(tmp_path):
    path = write_mini(
        tmp_path,
        (THREAT, ""),
        ("when: {service: ehr, state: down, for: 30m}", "when: {any: [{stage: encryption}, {detected: T1486}, {detected: any}]}"),
    )
    messages = {(e.line, e.message) for e in errors_of(path)}
    line = line_of(path, "{stage: encryption}")
    assert (line, "condition on attack stage 'encryption': this exercise has no threat (discussion only)") in messages
    assert any(m.startswith("'detected: T1486' names an attack stage") and ln == line for ln, m in messages)
    pay = line_of(path, "pay-ransom")
    assert any(ln == pay and "'pay-ransom' needs an attacker" in m for ln, m in messages)
    assert len(messages) == 3


def test_the_engine_runs_the_exercise_without_an_attacker(tmp_path):
    told = """    - id: claim
      at: T+2h
      from: journalist
      to: [communication]
      channel: phone
      text: "Des pirates disent avoir volé vos dossiers patients."
      effects: [{fact: personal-data-breach}]
  decisions:"""
    loaded = load_document(_no_threat(tmp_path, ("  decisions:", told)))
    sc, net = loaded.model.scenario, loaded.context["network"]
    ex = Exercise(sc, net, 3, policy=builtin_policy("textbook"))
    kinds: list[str] = []
    ex.subscribe(lambda e: kinds.append(e.kind))
    run_exercise(ex, "end")
    assert ex.t_min == 0.0
    assert not any(k.startswith("stage-") for k in kinds)
    assert {"printers", "toilets", "claim", "press-call"} <= set(ex.fired)
    assert set(ex.decisions_made) == {"cut-internet", "ransom"}
    # the breach told by an inject starts the awareness and breach clocks at that time
    assert ex.facts["awareness"] == ex.facts["personal-data-breach"] == 120
    assert ex.clocks["gdpr-72h"].started == 120
    assert ex.clocks["nis2-24h"].started == 120
    assert ex.objective_results is not None and {o["id"] for o in ex.objective_results} == {"alert", "care"}
    assert not ex.submit("pay-ransom").accepted


def test_the_facilitator_kit_says_there_is_no_attack(tmp_path):
    from simulator.guide import build_kit, load_source

    files = build_kit(load_source(_no_threat(tmp_path)), "en")
    kit = files["facilitator-kit.md"].decode()
    assert "Discussion-only exercise: no attack is simulated" in kit
    assert "initial_access" not in kit


def test_lint_rehearses_a_discussion_only_scenario(tmp_path):
    from simulator.lint import LintOptions, lint_paths

    report = lint_paths([_no_threat(tmp_path)], LintOptions(seeds=1))
    assert not report.invalid and not report.errors, [d.format() for d in report.diagnostics]
