"""Modules (phases with time jumps and discussion questions) and injects timed after other injects."""

from __future__ import annotations

import json

import pytest

from simulator.engine.commands import Command, NextModule, parse_command
from simulator.engine.exercise import Exercise
from simulator.engine.headless import run_exercise
from simulator.model.documents import load_document
from simulator.model.policy import builtin_policy
from tests.formats_helpers import FIXTURES, errors_of, line_of

MODULES = """scenario:
  id: mod-test
  title: "Modules"
  summary: "s"
  level: beginner
  start: 2026-03-16T09:00
  duration: 24h
  network: mini-network.yaml
  roles: [direction, it]
  personas: [{id: nurse, name: "Nurse"}]
  injects:
    - {id: top, at: T+8h, channel: email, text: "A top-level inject at an absolute time"}
  modules:
    - id: m1
      title: {fr: "Module 1 — Détection", en: "Module 1 — Detection"}
      narrative: "Monday 9:00: the printers print a ransom note."
      duration: 1h
      questions: ["Who do you call first?"]
      expected: ["The crisis cell is opened"]
      injects:
        - {id: note, at: 10m, from: nurse, to: [it], channel: phone, text: "Printers print a ransom note", effects: [{fact: awareness}]}
        - {id: follow, after: {inject: note, delay: 20m}, to: [direction], channel: email, text: "The director asks for news", questions: ["What do you tell the director?"]}
        - {id: late, at: 55m, channel: email, text: "Late in module 1"}
        - {id: watched, when: {flag: go}, channel: email, text: "Only while module 1 is open"}
        - {id: go, contingency: true, channel: email, text: "The facilitator's nudge", effects: [{flag: go}]}
    - id: m2
      title: "Module 2 — Six hours later"
      jump: 6h
      duration: 2h
      injects:
        - {id: press, at: 15m, channel: phone, text: "A journalist calls", effects: [{fact: personal-data-breach}]}
      decisions:
        - id: ransom
          at: 30m
          to: [direction]
          prompt: "Pay?"
          options: [{id: no, recommended: true}, {id: yes, effects: [{flag: go}]}]
          deadline: 30m
          default: no
    - id: m3
      title: "Module 3 — Next morning"
      jump: 12h
      questions: ["What did you learn?"]
"""


def _write(tmp_path, text: str = MODULES, *edits):
    (tmp_path / "mini-network.yaml").write_bytes((FIXTURES / "mini-network.yaml").read_bytes())
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path, *edits):
    loaded = load_document(_write(tmp_path, MODULES, *edits))
    return loaded.model.scenario, loaded.context["network"]


def _kinds(ex, kinds=("module-started", "inject", "decision-presented", "decision-made", "command-accepted")):
    out: list[dict] = []
    ex.subscribe(lambda e: out.append(e.to_record()) if e.kind in kinds else None)
    return out


def test_planned_schedule(tmp_path):
    sc, _net = _load(tmp_path)
    assert sc.module_starts == {"m1": 0, "m2": 420, "m3": 1260}
    planned = {i.id: i.at for i in sc.all_injects}
    assert planned["note"] == 10 and planned["press"] == 435 and planned["top"] == 480
    assert sc.planned_time("follow") == 30
    assert {d.id: d.at for d in sc.all_decisions} == {"ransom": 450}
    assert sc.module_of["press"] == "m2" and "top" not in sc.module_of


def test_headless_runs_move_on_by_themselves_on_the_planned_schedule(tmp_path):
    sc, net = _load(tmp_path)
    ex = Exercise(sc, net, 1, policy=builtin_policy("passive"))
    seen = _kinds(ex)
    run_exercise(ex, "end")
    starts = [(r["t"], r["module"], r["jumped"]) for r in seen if r["kind"] == "module-started"]
    assert starts == [(0.0, "m1", 0.0), (420.0, "m2", 360.0), (1260.0, "m3", 720.0)]
    moves = [(r["t"], r["source"]) for r in seen if r["kind"] == "command-accepted" and r["command"] == "module next"]
    assert moves == [(60.0, "policy"), (540.0, "policy")]
    fired = {r["inject"]: r["t"] for r in seen if r["kind"] == "inject"}
    assert fired == {"note": 10.0, "follow": 30.0, "late": 55.0, "press": 435.0, "top": 480.0}
    # the jump was simulated: clocks started in module 1 ran through it; the breach told in module 2 started its own
    assert ex.clocks["cert-sante"].started == 10.0 and ex.clocks["gdpr-72h"].started == 435.0


def test_the_facilitator_moves_on_and_the_gap_is_simulated_at_once(tmp_path):
    sc, net = _load(tmp_path)
    ex = Exercise(sc, net, 1)
    seen = _kinds(ex)
    ex.advance(40)
    assert ex.programme.module.id == "m1"
    result = ex.submit("module next", source="facilitator")
    assert result.accepted and result.detail == "m2"
    assert ex.now == 400.0  # 40 + the 6h jump, in one command
    assert ex.programme.module.id == "m2" and ex.programme.started_at["m2"] == 400.0
    ex.advance(500)
    fired = {r["inject"]: r["t"] for r in seen if r["kind"] == "inject"}
    assert "late" not in fired  # module 1 was left before it: dropped
    assert fired["press"] == 415.0  # 15m into module 2 as it really opened
    assert not ex.submit("module m2").accepted
    assert "not after the current module" in ex.submit("module m1").reason
    assert "unknown module 'm9'" in ex.submit("module m9").reason
    assert ex.submit("module m3").accepted and ex.now == 500 + 720
    assert "is the last one" in ex.submit("module next").reason


def test_a_module_s_conditional_inject_is_watched_only_while_it_is_open(tmp_path):
    sc, net = _load(tmp_path)
    ex = Exercise(sc, net, 1)
    ex.advance(20)
    ex.submit("module next")
    ex.advance(ex.now + 31)
    assert ex.submit("decide ransom yes").accepted  # sets the flag module 1's inject waits for
    ex.advance(ex.now + 30)
    assert "watched" not in ex.fired
    ex2 = Exercise(sc, net, 1)
    ex2.advance(20)
    assert ex2.submit("inject go", source="facilitator").accepted
    assert "watched" in ex2.fired


def test_the_facilitator_may_still_fire_a_dropped_inject_by_hand(tmp_path):
    sc, net = _load(tmp_path)
    ex = Exercise(sc, net, 1)
    ex.advance(5)
    ex.submit("module next")
    assert ex.submit("inject late", source="facilitator").accepted
    assert ex.fired["late"] == ex.now


def test_commands_round_trip():
    cmd = parse_command("module next")
    assert cmd == NextModule("next") and cmd.text() == "module next"
    assert Command.from_record(NextModule("m2").to_record()) == NextModule("m2")
    with pytest.raises(ValueError):
        parse_command("module")


def test_a_scenario_without_modules_refuses_the_command(tmp_path):
    from tests.formats_helpers import write_mini

    loaded = load_document(write_mini(tmp_path))
    ex = Exercise(loaded.model.scenario, loaded.context["network"], 0)
    ex.advance(1)
    assert ex.submit("module next").reason == "this scenario has no modules"


def test_a_journal_with_module_commands_replays_and_resumes(tmp_path):
    from simulator.journal.replay import replay_journal
    from simulator.journal.session import RecordedExercise

    path = _write(tmp_path)
    log = tmp_path / "j.jsonl"
    rec = RecordedExercise.start(path, seed=3, log_path=log)
    rec.advance(25)
    rec.submit("module next", "facilitator")
    rec.advance(rec.exercise.now + 45)
    rec.submit("decide ransom no", "direction")
    rec.close()
    resumed = RecordedExercise.resume(log)
    assert resumed.exercise.programme.module.id == "m2"
    assert resumed.exercise.now == rec.exercise.now
    resumed.submit("module next", "facilitator")
    resumed.advance(resumed.exercise.now + 10)
    resumed.finish()
    report, _ex = replay_journal(log)
    assert report.identical, report


def test_relative_timing_after_a_conditional_inject(tmp_path):
    from tests.formats_helpers import write_mini

    loaded = load_document(write_mini(tmp_path, ("  decisions:", """    - {id: reply, after: {inject: ehr-down-call, delay: 45m}, to: [medical], channel: phone, text: "Still no EHR?"}
  decisions:""")))
    ex = Exercise(loaded.model.scenario, loaded.context["network"], 4, policy=builtin_policy("passive"))
    run_exercise(ex, "end")
    assert ex.fired["reply"] == ex.fired["ehr-down-call"] + 45


@pytest.mark.parametrize(
    "edit, needle, message",
    [
        (("    - id: m2\n      title: \"Module 2 — Six hours later\"\n      jump: 6h\n      duration: 2h\n", "    - id: m2\n      title: \"Module 2 — Six hours later\"\n      jump: 6h\n"),
         "- id: m2", "module 'm2' needs a 'duration'"),
        (("      duration: 1h\n      questions", "      duration: 1h\n      jump: 1h\n      questions"), "jump: 1h", "the first module cannot jump"),
        (("{id: late, at: 55m,", "{id: late, at: 65m,"), "{id: late", "inject 'late' at T+1h5m is after the end of its module 'm1' (T+1h long)"),
        (("{id: late, at: 55m,", "{id: late, at: -5m,"), "{id: late", "in a module, 'at' counts from the module's start and cannot be negative"),
        (("      jump: 12h\n", "      jump: 17h\n"), "jump: 17h", "module 'm3' opens at T+1d2h on the planned schedule, at or after the end of the exercise (T+1d)"),
        (("{id: press, at: 15m,", "{id: note, at: 15m,"), "{id: note, at: 15m", "duplicate inject id 'note'"),
        (("after: {inject: note, delay: 20m}", "after: {inject: nte, delay: 20m}"), "after: {inject: nte", "inject 'follow' follows unknown inject 'nte' (did you mean 'note'?)"),
        (("after: {inject: note, delay: 20m}", "after: {inject: follow, delay: 20m}"), "after: {inject: follow", "inject 'follow' can never fire: its trigger waits for itself"),
        (("{id: late, at: 55m,", "{id: late, at: 55m, after: {inject: note}, "), "{id: late", "give one of 'at', 'when' or 'after', not 'at' and 'after'"),
    ],
)
def test_module_mistakes_are_positioned(tmp_path, edit, needle, message):
    path = _write(tmp_path, MODULES, edit)
    errors = errors_of(path)
    assert len(errors) == 1, [e.format() for e in errors]
    assert message in errors[0].message
    assert errors[0].line == line_of(path, needle)


def test_kits_and_chronogramme_show_modules(tmp_path):
    from simulator.guide import build_kit, load_source

    src = load_source(_write(tmp_path))
    en = build_kit(src, "en")
    kit = en["facilitator-kit.md"].decode()
    assert "## Modules" in kit and "### `m2` — Module 2 — Six hours later" in kit
    assert "Opens: T+7h (Mon 16/03 16:00), after a jump of 6h" in kit
    assert "1. What did you learn?" in kit and "- The crisis cell is opened" in kit
    assert "## Discussion questions by stimulus" in kit and "1. What do you tell the director?" in kit
    csv = en["msel.csv"].decode("utf-8-sig").splitlines()
    assert any(line.endswith(",module,m2") and "6h later" in line for line in csv)
    assert any("20m after inject note" in line and line.startswith("4,T+30m,") for line in csv)
    assert any("15m into module m2" in line for line in csv)
    assert "Question: Who do you call first?" in en["msel.csv"].decode("utf-8-sig")
    player = en["player-kit.md"].decode()
    assert "3 modules" in player and "Six hours later" not in player and "ransom note" not in player
    grid = en["observation-grid.md"].decode()
    assert "## Expected outcomes by module" in grid


def test_lint_rehearses_modules(tmp_path):
    from simulator.lint import LintOptions, lint_paths

    report = lint_paths([_write(tmp_path)], LintOptions(seeds=1))
    assert not report.invalid and not report.errors, [d.format() for d in report.diagnostics]


def test_same_command_stream_same_events(tmp_path):
    sc, net = _load(tmp_path)
    streams = []
    for _ in range(2):
        ex = Exercise(sc, net, 9)
        out: list[str] = []
        ex.subscribe(lambda e, out=out: out.append(json.dumps(e.to_record(), sort_keys=True)))
        ex.advance(33)
        ex.submit("module next")
        ex.advance(ex.now + 90)
        ex.submit("module next")
        ex.advance(1440)
        streams.append(out)
    assert streams[0] == streams[1]


def test_moving_on_before_the_first_step_skips_the_first_module(tmp_path):
    sc, net = _load(tmp_path)
    ex = Exercise(sc, net, 1)
    seen = _kinds(ex, ("module-started",))
    assert ex.submit("module next", source="facilitator").accepted
    ex.advance(ex.now + 1)
    assert [r["module"] for r in seen] == ["m2"] and ex.programme.module.id == "m2"
