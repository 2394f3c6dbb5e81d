"""QA pass on bad input at the command line: one compiler-style line, exit 2, nothing written.

Each test pins one case found wrong in the QA sweep (a click usage error where a file or a
value was at fault, or a pre-screen check that let the crisis-room UI open on input it
could not use).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

SCENARIO = SCENARIOS / "beginner-teleservices-ddos.yaml"
COMPILER_STYLE = re.compile(r"^\S.*:\d+:\d+: error: .+$")


def assert_one_error(code: int, err: str, *needles: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1, err
    assert COMPILER_STYLE.match(lines[0]), lines[0]
    assert "Traceback" not in err and "Usage:" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def play(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m simulator play ...` in a subprocess: a failed pre-screen check must not open the UI."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "simulator", "play", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("command", [("run",), ("batch", "--runs", "2")])
def test_scenario_that_is_a_folder(run_cli, tmp_path, command):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    code, _out, err = run_cli(command[0], folder, *command[1:])
    assert_one_error(code, err, str(folder), "directory")


def test_guide_out_that_is_a_file(run_cli, tmp_path):
    target = tmp_path / "kit.md"
    target.write_text("notes kept by the facilitator\n")
    code, _out, err = run_cli("guide", SCENARIO, "--out", target)
    assert_one_error(code, err, str(target), "folder")
    assert target.read_text() == "notes kept by the facilitator\n"


def test_guide_all_on_a_file(run_cli, tmp_path):
    code, _out, err = run_cli("guide", SCENARIO, "--out", tmp_path / "kits", "--all")
    assert_one_error(code, err, str(SCENARIO), "--all")
    assert not (tmp_path / "kits").exists()


@pytest.mark.parametrize("window, needle", [("5x", "invalid duration"), ("0", "longer than 0m"), ("-5m", "invalid duration")])
def test_lint_bad_window(run_cli, window, needle):
    code, _out, err = run_cli("lint", SCENARIO, "--static", "--window", window)
    line = assert_one_error(code, err, needle)
    assert line.startswith("--window:1:1: error:")


@pytest.mark.parametrize("speed", ["inf", "nan", "0", "-3"])
def test_play_speed_must_be_finite_and_positive(tmp_path, speed):
    result = play(str(SCENARIO), "--speed", speed, "--journal-dir", str(tmp_path), cwd=tmp_path)
    assert_one_error(result.returncode, result.stderr, "--speed")
    assert list(tmp_path.iterdir()) == []


def test_play_journal_dir_under_a_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    result = play(str(SCENARIO), "--journal-dir", str(blocker / "journals"), cwd=tmp_path)
    assert_one_error(result.returncode, result.stderr, "cannot write journals here")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_play_log_in_missing_folder(tmp_path):
    result = play(str(SCENARIO), "--log", "nodir/x.jsonl", "--journal-dir", str(tmp_path / "j"), cwd=tmp_path)
    assert_one_error(result.returncode, result.stderr, "nodir/x.jsonl", "does not exist")
    assert not (tmp_path / "nodir").exists()


def test_play_log_in_read_only_folder(tmp_path):
    """Runs as root too (how CI runs): root ignores permission bits, so the folder is then a
    read-only bind mount in a private mount namespace (tests/small_disk.py)."""
    from tests.small_disk import run_in_read_only_folder

    locked = tmp_path / "locked"
    locked.mkdir()
    argv = [sys.executable, "-m", "simulator", "play", str(SCENARIO), "--log", str(locked / "x.jsonl"), "--journal-dir", str(tmp_path / "j")]
    result = run_in_read_only_folder(argv, locked, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdin=subprocess.DEVNULL)
    assert_one_error(result.returncode, result.stderr, "not writable")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(
    "args, name",
    [
        (("validate", ""), "PATHS"),
        (("run", ""), "SCENARIO"),
        (("run", str(SCENARIO), "--policy", ""), "--policy"),
        (("batch", str(SCENARIO), "--runs", "1", "--out", ""), "--out"),
        (("network", "export", str(SCENARIOS / "networks" / "ch-reference.yaml"), "--format", "dot", "-o", ""), "--output"),
        (("guide", str(SCENARIO), "--out", ""), "--out"),
        (("keys", "generate", "--out", ""), "--out"),
        (("log", "verify", ""), "LOG"),
    ],
)
def test_empty_file_name(run_cli, tmp_cwd, args, name):
    """'' is the current folder to pathlib: it must not validate, or write into, the folder the user is in."""
    code, _out, err = run_cli(*args)
    line = assert_one_error(code, err, "empty file name")
    assert line.startswith(f"{name}:1:1: error:")
    assert list(tmp_cwd.iterdir()) == []


def test_empty_pubkey_does_not_skip_the_signature_check(run_cli, tmp_cwd):
    journal = tmp_cwd / "run.jsonl"
    code, _out, err = run_cli("run", SCENARIO, "--log", journal)
    assert code == 0, err
    code, out, err = run_cli("log", "verify", journal, "--pubkey", "")
    assert_one_error(code, err, "--pubkey")
    assert "intact" not in out


# --- found by an audit of every command with inputs the suite had not seen --------------------


def _scenario_with(tmp_path, old, new):
    from tests.engine_helpers import FIXTURES

    for name in ("mini-scenario.yaml", "mini-network.yaml"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(old, new) if old in text else text, encoding="utf-8")
    return tmp_path / "mini-scenario.yaml"


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("start: 2026-03-14T01:00", "start: 9999-12-31T23:00", "scenario.start: start 9999-12-31T23:00 is out of range"),
    ("start: 2026-03-14T01:00", "start: 0001-01-01T00:00", "is out of range: give a date between 1970 and 2199"),
    ("recall_total: 8", "recall_total: 100000", "network.it_staff.recall_total"),
    ("weekday_day: 6", "weekday_day: 10000000", "network.it_staff.weekday_day"),
    ("at: T+10m", 'at: "T+10m\\nfoo"', "invalid time offset"),
])
def test_values_the_engine_cannot_run_are_refused_by_validate(run_cli, tmp_path, old, new, needle):
    """They passed validate, then guide/report crashed on a date overflow or run never finished."""
    path = _scenario_with(tmp_path, old, new)
    code, _out, err = run_cli("validate", path)
    assert code == 2 and needle in err and "Traceback" not in err, err


def test_a_variant_that_breaks_the_scenario_is_refused_before_any_run(run_cli, tmp_path):
    path = _scenario_with(tmp_path, "", "")
    variant = tmp_path / "v.yaml"
    variant.write_text('variant:\n  id: v1\n  name: "V"\n  overrides: [{asset: vpn-portal, remove: true}]\n', encoding="utf-8")
    code, _out, err = run_cli("batch", path, "--runs", "2", "--workers", "1", "--compare", variant, "--out", tmp_path / "r.jsonl")
    assert code == 2 and "with variant 'v1' (" in err and "unknown asset 'vpn-portal'" in err, err
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize(("args", "needle"), [
    (("--workers", "100000"), "--workers 100000 is more than 256"),
    (("--executor", "dask", "--timeout", "nan"), "--timeout must be a number of seconds above 0"),
    (("--plot", "x.yaml"), "not '.yaml'"),
])
def test_batch_options_that_would_hang_or_mislead(run_cli, tmp_cwd, args, needle):
    from tests.engine_helpers import SCENARIO

    code, _out, err = run_cli("batch", SCENARIO, "--runs", "2", *args)
    assert code == 2 and needle in err and "Traceback" not in err, err


def test_network_generate_beds_above_the_limit_is_a_usage_error(run_cli, tmp_cwd):
    code, _out, err = run_cli("network", "generate", "--sites", "1", "--beds", "60001", "-o", "g.yaml")
    assert code == 2 and "Traceback" not in err and not (tmp_cwd / "g.yaml").exists()
