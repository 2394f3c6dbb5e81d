"""`cyberdrill run`: JSON output stable to the byte, summaries, compiler-style errors with exit 2."""

from __future__ import annotations

import json

from tests.engine_helpers import SCENARIO


def test_run_json_is_byte_identical(run_cli):
    code1, out1, _ = run_cli("run", SCENARIO, "--seed", "3", "--policy", "textbook", "--json")
    code2, out2, _ = run_cli("run", SCENARIO, "--seed", "3", "--policy", "textbook", "--json")
    assert code1 == code2 == 0
    assert out1 == out2
    data = json.loads(out1)
    assert data["seed"] == 3 and data["policy"] == "textbook" and data["until"] == "end"


def test_run_summary(run_cli):
    code, out, _ = run_cli("run", SCENARIO, "--policy", "passive", "--until", "12h")
    assert code == 0
    assert "EHR downtime" in out and "gdpr-72h" in out


def test_run_bad_inputs_exit_2(run_cli, tmp_path):
    code, _, err = run_cli("run", SCENARIO, "--policy", "nobody")
    assert code == 2 and "error: unknown policy 'nobody'" in err
    code, _, err = run_cli("run", SCENARIO, "--until", "soon")
    assert code == 2 and "--until:1:1: error:" in err
    bad = tmp_path / "s.yaml"
    bad.write_text("scenario:\n  id: x\n", encoding="utf-8")
    code, _, err = run_cli("run", bad)
    assert code == 2 and "s.yaml:2:3: error: missing required key" in err
    code, _, err = run_cli("run", tmp_path / "missing.yaml")
    assert code == 2 and "error:" in err


def test_schema_command_knows_scenario_and_policy(run_cli):
    for kind in ("scenario", "policy"):
        code, out, _ = run_cli("schema", kind)
        assert code == 0 and json.loads(out)["title"] == f"CyberDrill {kind} file"


def test_json_is_identical_across_processes_and_hash_seeds():
    """No set or dict-order luck: string hashing differs per process, the bytes must not."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    outs = []
    for hash_seed in ("1", "987"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            [sys.executable, "-m", "simulator", "run", str(SCENARIO), "--seed", "4", "--policy", "textbook", "--until", "recovery", "--json"],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
