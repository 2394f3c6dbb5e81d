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
