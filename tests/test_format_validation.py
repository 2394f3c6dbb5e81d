"""Validation catches, at the right line, what used to slip through or be reported elsewhere (issue 13, point 8)."""

from __future__ import annotations

from tests.formats_helpers import errors_of, line_of, write_mini


def test_zero_deadline_is_one_error_at_its_line(tmp_path):
    path = write_mini(tmp_path, ("deadline: 30m", "deadline: 0m"))
    errors = errors_of(path)
    assert len(errors) == 1, [e.format() for e in errors]
    assert errors[0].line == line_of(path, "deadline: 0m")
    assert "deadline of 0m" in errors[0].message and "cut-internet" in errors[0].message


def test_zero_duration_is_one_error_at_the_duration_line(tmp_path):
    for zero in ("0h", "0m", "\"0\""):
        path = write_mini(tmp_path, ("duration: 72h", f"duration: {zero}"))
        errors = errors_of(path)
        assert len(errors) == 1, [e.format() for e in errors]
        assert errors[0].line == line_of(path, "duration: ")
        assert "longer than 0m" in errors[0].message


def test_a_stage_that_follows_itself_says_so(tmp_path):
    path = write_mini(tmp_path, ("after: {stage: domain-admin, delay: {exponential: {mean: 6h}}}", "after: {stage: spread, delay: {exponential: {mean: 6h}}}"))
    errors = errors_of(path)
    assert len(errors) == 1, [e.format() for e in errors]
    assert errors[0].message == "stage 'spread' follows itself: name the stage it comes after"
    assert errors[0].line == line_of(path, "after: {stage: spread")


def test_a_stage_following_an_unknown_stage_is_still_unknown(tmp_path):
    path = write_mini(tmp_path, ("after: {stage: domain-admin, delay: {exponential: {mean: 6h}}}", "after: {stage: domain-admim, delay: 1h}"))
    (error,) = errors_of(path)
    assert "follows unknown stage 'domain-admim' (did you mean 'domain-admin'?)" in error.message


def test_an_inject_waiting_for_itself_is_an_error(tmp_path):
    path = write_mini(tmp_path, ("      at: T+3h\n      channel: phone\n      noise: true", "      when: {all: [{time: T+1h}, {inject: toilets}]}\n      channel: phone\n      noise: true"))
    errors = [e for e in errors_of(path)]
    assert [e.message for e in errors] == ["inject 'toilets' can never fire: its trigger waits for itself"]
    assert errors[0].line == line_of(path, "when: {all: [{time: T+1h}, {inject: toilets}")


def test_two_injects_that_only_fire_each_other_are_errors(tmp_path):
    ring = """    - {id: ping, channel: email, text: "a", effects: [{inject: pong}]}
    - {id: pong, channel: email, text: "b", effects: [{inject: ping}]}
    - {id: echo, when: {inject: pong}, channel: email, text: "c"}
  decisions:"""
    path = write_mini(tmp_path, ("  decisions:", ring))
    errors = errors_of(path)
    by_line = {e.line: e.message for e in errors}
    assert len(errors) == 3, [e.format() for e in errors]
    assert "only fire each other" in by_line[line_of(path, "id: ping")]
    assert "only fire each other" in by_line[line_of(path, "id: pong")]
    assert by_line[line_of(path, "id: echo")] == "inject 'echo' can never fire: it waits for inject 'pong', which never happens"


def test_two_injects_waiting_for_each_other_are_errors(tmp_path):
    ring = """    - {id: ping, when: {inject: pong}, channel: email, text: "a"}
    - {id: pong, when: {all: [{time: T+1h}, {inject: ping}]}, channel: email, text: "b"}
  decisions:"""
    path = write_mini(tmp_path, ("  decisions:", ring))
    assert len([e for e in errors_of(path) if "only fire each other" in e.message]) == 2


def test_chains_with_a_way_in_are_fine(tmp_path):
    ok = """    - {id: start, at: T+1h, channel: email, text: "a", effects: [{inject: next}]}
    - {id: next, channel: email, text: "b", effects: [{inject: start}]}
    - {id: loop, contingency: true, when: {inject: loop}, channel: email, text: "c"}
    - {id: after-vote, when: {decision: cut-internet}, channel: email, text: "d"}
    - {id: not-yet, when: {not: {inject: not-yet}}, channel: email, text: "e"}
  decisions:"""
    path = write_mini(tmp_path, ("  decisions:", ok))
    assert errors_of(path) == []
