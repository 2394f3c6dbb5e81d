"""`cyberdrill play` and `log view` refuse bad input before any screen opens: one line, exit 2."""

from __future__ import annotations

from .conftest import MINI, ROOT


def test_play_missing_scenario(run_cli, tmp_cwd):
    code, _out, err = run_cli("play", "nope.yaml")
    assert code == 2
    assert err.strip().splitlines() == ["nope.yaml:1:1: error: no such file"]


def test_play_network_is_not_a_scenario(run_cli):
    code, _out, err = run_cli("play", str(ROOT / "tests" / "fixtures" / "mini-network.yaml"))
    assert code == 2 and "expected a 'scenario:' file" in err


def test_play_refuses_to_overwrite_a_journal(run_cli, tmp_path):
    log = tmp_path / "taken.jsonl"
    log.write_text("{}\n")
    code, _out, err = run_cli("play", str(MINI), "--log", str(log))
    assert code == 2 and "refusing to overwrite" in err


def test_play_rejects_a_bad_speed(run_cli):
    code, _out, err = run_cli("play", str(MINI), "--speed", "0")
    assert code == 2 and "speed must be a positive number" in err


def test_log_view_rejects_a_non_journal(run_cli, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    code, _out, err = run_cli("log", "view", str(bad))
    assert code == 2 and err.startswith(f"{bad}:1:1: error:")
