"""`--policy NAME|FILE` means the same thing, with the same messages, for run and batch."""

from __future__ import annotations

import pytest

from simulator.model.diagnostics import InputError
from simulator.model.policy import BUILTIN_POLICIES, resolve_policy
from tests.conftest import SCENARIOS

SCENARIO = SCENARIOS / "beginner-teleservices-ddos.yaml"


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtins_have_no_file(name):
    resolved = resolve_policy(name)
    assert resolved.body.id and resolved.path is None


@pytest.mark.parametrize(
    "spec,where,needle",
    [("nosuch", "--policy", "unknown policy 'nosuch'"), ("missing.yaml", "missing.yaml", "no such policy file"), ("scenarios", "scenarios", "is a directory")],
)
def test_bad_specs(spec, where, needle, tmp_cwd, run_cli):
    (tmp_cwd / "scenarios").mkdir()
    with pytest.raises(InputError) as info:
        resolve_policy(spec)
    diag = info.value.diagnostics[0]
    assert diag.file == where and needle in diag.message
    for command in (["run", SCENARIO, "--until", "1h"], ["batch", SCENARIO, "--runs", "1", "--until", "1h"]):
        code, _out, err = run_cli(*command, "--policy", spec)
        assert code == 2 and f"{where}:1:1: error:" in err and needle in err


def test_policy_commands_are_checked_against_the_network_before_the_run(tmp_path, run_cli):
    from simulator.model.policy import builtin_policy_path

    text = builtin_policy_path("textbook").read_text(encoding="utf-8")
    assert 'do: ["declare-crisis"]' in text
    bad = tmp_path / "bad-policy.yaml"
    bad.write_text(text.replace('do: ["declare-crisis"]', 'do: ["isolate zone:nosuch"]', 1), encoding="utf-8")
    line = text[: text.index('do: ["declare-crisis"]')].count("\n") + 1
    for command in (["run", SCENARIO, "--until", "1h"], ["batch", SCENARIO, "--runs", "1", "--until", "1h"]):
        code, _out, err = run_cli(*command, "--policy", bad)
        assert code == 2, err
        assert f"bad-policy.yaml:{line}:" in err and "unknown zone 'nosuch'" in err


def test_placeholders_pass_the_static_check():
    from simulator.engine.headless import load_exercise
    from simulator.engine.policy_check import policy_command_problems

    for path in sorted(SCENARIOS.glob("*.yaml")):
        for name in BUILTIN_POLICIES:
            ex = load_exercise(path, 0, name)
            assert policy_command_problems(ex.policy, ex.index, ex.catalogue) == [], (path.name, name)


@pytest.mark.parametrize("until", ["0m", "0"])
def test_run_and_batch_agree_on_a_zero_until(until, run_cli):
    for command in (["run", SCENARIO], ["batch", SCENARIO, "--runs", "1"]):
        code, _out, err = run_cli(*command, "--until", until)
        assert code == 2 and "--until:1:1: error: --until must be a positive duration" in err


def test_a_device_given_as_a_policy_is_named_as_such(run_cli):
    code, _out, err = run_cli("run", SCENARIO, "--policy", "/dev/null")
    assert code == 2 and err.strip() == "/dev/null:1:1: error: not a regular file (a pipe or a device?), not a policy file"
