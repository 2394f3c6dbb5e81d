"""A run killed with SIGKILL mid-way resumes to the same final state and KPIs as an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simulator.journal import verify_journal
from simulator.journal.commands import UI_KIND
from simulator.journal.replay import replay_journal
from simulator.journal.session import SLOW_ENV, RecordedExercise

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
RUN_ARGS = [str(MINI), "--seed", "2", "--policy", "textbook", "--until", "recovery", "--json"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def engine_events(path: Path) -> list[tuple[float, dict]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["type"] == "event":
            out.append((rec["t"], rec["data"]))
    return out


def wait_for_lines(path: Path, n: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    raise AssertionError("the journal did not grow")


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_headless_run_killed_mid_way_resumes_to_the_same_result(run_cli, tmp_path):
    code, reference, err = run_cli("run", *RUN_ARGS, "--log", str(tmp_path / "reference.jsonl"))
    assert code == 0, err
    log = tmp_path / "killed.jsonl"
    env = {**os.environ, SLOW_ENV: "0.004", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", *RUN_ARGS, "--log", str(log)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    wait_for_lines(log, 80, proc)
    kill(proc)
    cut = verify_journal(log)
    assert not cut.sealed and cut.kind == "truncated"
    assert cut.records < len(engine_events(tmp_path / "reference.jsonl"))

    code, resumed, err = run_cli("resume", str(log), "--json")
    assert code == 0, err
    assert json.loads(resumed) == json.loads(reference)  # same final state, same KPIs, same clocks and ratings
    assert verify_journal(log).ok
    assert engine_events(log) == engine_events(tmp_path / "reference.jsonl")  # nothing journaled twice, nothing lost
    markers = [json.loads(x)["data"] for x in log.read_text().splitlines() if '"session-resumed"' in x]
    assert len(markers) == 1 and markers[0]["records"] == cut.records
    code, out, err = run_cli("log", "replay", str(log))
    assert code == 0 and "identical" in out, err


PLAYER = textwrap.dedent(
    """
    import sys, time
    from simulator.journal.session import RecordedExercise

    COMMANDS = [
        (5.0, "declare-crisis", "direction"),
        (12.25, "isolate zone:servers", "it"),
        (12.25, "notify cert-sante", "security"),
        (61.0, "decide cut-internet cut", "direction"),
        (95.5, "degraded-mode emergency", "medical"),
        (130.0, "notify cnil", "dpo"),
        (200.0, "request-support cert-sante", "it"),
        (900.75, "eradicate", "it"),
        (1500.0, "notify police", "direction"),
    ]
    END = 4320.0


    def play(rec, start, delay=0.0):
        for i, (t, text, by) in enumerate(COMMANDS[start:], start):
            rec.advance(t)
            rec.submit(text, by_role=by)
            if i == 2:
                rec.record_ui("ack", ref="printers")
            print(i, flush=True)
            time.sleep(delay)
        rec.advance(END)
        rec.finish()


    if __name__ == "__main__":
        rec = RecordedExercise.start(sys.argv[1], 4, "fr", sys.argv[2])
        play(rec, 0, delay=float(sys.argv[3]))
    """
)


def _engine_commands(path: Path) -> int:
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["type"] == "command" and rec["data"].get("kind") != UI_KIND:
            n += 1
    return n


def test_interactive_exercise_killed_mid_way_resumes_to_the_same_state(tmp_path, monkeypatch):
    script = tmp_path / "player.py"
    script.write_text(PLAYER, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import player  # the same command list, in-process

    reference = tmp_path / "reference.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", reference)
    player.play(rec, 0)
    ref_ex = rec.exercise

    log = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(MINI), str(log), "0.4"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    for _ in range(4):  # four commands given, then the process dies
        assert proc.stdout.readline().strip()
    kill(proc)
    assert not verify_journal(log).sealed

    done = _engine_commands(log)
    assert 4 <= done < len(player.COMMANDS)
    resumed = RecordedExercise.resume(log)
    player.play(resumed, done)
    ex = resumed.exercise

    assert ex.now == ref_ex.now
    assert ex.kpis() == ref_ex.kpis()
    assert ex.objective_results == ref_ex.objective_results
    assert {c.id: (c.state(), c.met_at) for c in ex.clocks.values()} == {c.id: (c.state(), c.met_at) for c in ref_ex.clocks.values()}
    assert ex.decisions_made == ref_ex.decisions_made and ex.facts == ref_ex.facts
    assert engine_events(log) == engine_events(reference)
    assert verify_journal(log).ok
    report, _ex = replay_journal(log)
    assert report.identical


def test_partial_last_line_is_dropped_and_the_chain_goes_on(tmp_path):
    log = tmp_path / "partial.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", log)
    rec.advance(5)
    rec.submit("declare-crisis")
    rec.advance(100)
    rec.close()
    with open(log, "ab") as fh:
        fh.write(b'{"seq":999,"t":100.0,"type":"comm')  # the process died mid-write
    resumed = RecordedExercise.resume(log)
    resumed.advance(500)
    resumed.finish()
    result = verify_journal(log)
    assert result.ok and result.sealed
    marker = next(json.loads(x)["data"] for x in log.read_text().splitlines() if '"session-resumed"' in x)
    assert marker["dropped_partial_line"] is True
    assert replay_journal(log)[0].identical


def test_a_sealed_journal_cannot_be_resumed(run_cli, tmp_path):
    log = tmp_path / "sealed.jsonl"
    code, _out, err = run_cli("run", str(MINI), "--policy", "textbook", "--log", str(log))
    assert code == 0, err
    code, out, err = run_cli("resume", str(log))
    assert code == 2 and "sealed" in err and len(err.strip().splitlines()) == 1


def test_interactive_journal_resumes_headless_when_asked(run_cli, tmp_path):
    log = tmp_path / "cell.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", log)
    rec.advance(30)
    rec.submit("declare-crisis")
    rec.close()
    code, out, err = run_cli("resume", str(log), "--headless")
    assert code == 0, err
    assert "resumed" in out and "sealed" in out
    assert verify_journal(log).ok
    kinds = [json.loads(x)["data"].get("ui") for x in log.read_text().splitlines() if '"ui"' in x]
    assert kinds == ["session-resumed", "mode"]
    assert replay_journal(log)[0].identical


def test_a_journal_that_does_not_replay_is_not_resumed(run_cli, tmp_path):
    log = tmp_path / "forged.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", log)
    rec.advance(30)
    rec.submit("declare-crisis")
    rec.close()
    from tests.test_journal_replay import rechain

    body = log.read_bytes().splitlines()
    for i, raw in enumerate(body):
        data = json.loads(raw)
        if data["type"] == "event" and data["data"]["kind"] == "fact":
            data["data"]["detail"] = "forged"
            body[i] = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
            line = i + 1
            break
    log.write_bytes(rechain(body))
    before = log.read_bytes()
    code, _out, err = run_cli("resume", str(log), "--headless")
    assert code == 1 and f":{line}:1: error:" in err
    assert log.read_bytes() == before  # nothing appended to a journal that does not replay


def test_resume_with_a_wrong_key_is_bad_input_and_touches_nothing(run_cli, tmp_path):
    from simulator.journal import generate_keypair

    log = tmp_path / "cell.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", log)
    rec.advance(30)
    rec.close()
    before = log.read_bytes()
    _private, public = generate_keypair(tmp_path / "keys")
    code, out, err = run_cli("resume", str(log), "--headless", "--sign-key", str(public))
    assert code == 2 and out == "" and "public key" in err and len(err.strip().splitlines()) == 1
    assert log.read_bytes() == before


def test_interactive_journal_reopens_in_the_terminal_ui(run_cli, tmp_path, monkeypatch):
    import simulator.cli.resume as resume_cli

    log = tmp_path / "cell.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", log)
    rec.advance(30)
    rec.close()
    calls = []
    monkeypatch.setattr(resume_cli, "_tui_entry", lambda: lambda path, sign_key=None: calls.append((path, sign_key)))
    code, _out, err = run_cli("resume", str(log))
    assert code == 0, err
    assert calls == [(str(log), None)]
    monkeypatch.setattr(resume_cli, "_tui_entry", lambda: None)
    code, out, err = run_cli("resume", str(log))
    assert code == 0 and "not available: resuming headless" in err and "sealed" in out
    assert verify_journal(log).ok
