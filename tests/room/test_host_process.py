"""`cyberdrill host` as a process: killed at any moment, resumed from its journal, rejoined."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from simulator.journal.replay import replay_journal
from simulator.journal.verify import verify_journal
from simulator.room.codes import SeatCodes

from .helpers import MINI, WireSeat

URL = re.compile(r"(http://127\.0\.0\.1:\d+)")


class _Host:
    """What the test clients need of a host: its URL and seat codes (and no outbox: settle() just waits)."""

    def __init__(self, url: str, codes: SeatCodes) -> None:
        self.url = url
        self.codes = codes
        self.conns: list = []


def start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "host", *args, "--bind", "127.0.0.1:0", "--no-web"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = URL.search(line)
        if found:
            return proc, found.group(1)
    proc.kill()
    raise AssertionError(f"the host never printed its address: {proc.stderr.read() if proc.stderr else ''}")


def test_a_host_killed_mid_exercise_resumes_and_loses_nothing(tmp_path):
    log = tmp_path / "room.jsonl"
    proc, url = start(str(MINI), "--log", str(log), "--seed", "7")
    codes_file = SeatCodes.path_for(log)
    assert stat.S_IMODE(os.stat(codes_file).st_mode) == 0o600
    codes = SeatCodes(json.loads(codes_file.read_text())["seats"])
    given: list[str] = []

    async def first_part() -> None:
        host = _Host(url, codes)
        fac, it = WireSeat(host, "facilitator", "Anna"), WireSeat(host, "cell:it", "Ivan")
        await fac.join()
        await it.join()
        for i in range(3):
            assert (await fac.cmd("step"))["accepted"]
            text = f"Point de situation n°{i + 1} : l'équipe d'astreinte est là"
            assert (await it.cmd("note", text=text))["accepted"]
            given.append(text)
        assert (await it.cmd("act", action="declare-crisis"))["accepted"]
        given.append("declare-crisis")
        # no goodbye: the host dies under the clients' feet
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        await it.wait_for(lambda: it.ws.closed, timeout=10)
        await fac.http.close()
        await it.http.close()

    asyncio.run(first_part())
    assert proc.returncode == -signal.SIGKILL
    before = verify_journal(log)
    assert before.first_bad_line is None or before.kind == "truncated"

    proc, url = start("--resume", str(log))
    try:
        assert SeatCodes.load(log, codes.codes).codes == codes.codes  # the same codes: everyone rejoins as they were

        async def second_part() -> None:
            host = _Host(url, codes)
            fac, it = WireSeat(host, "facilitator", "Anna"), WireSeat(host, "cell:it", "Ivan")
            await fac.join()
            await it.join()
            texts = [line["text"] for line in it.fields["feed"]]
            assert any("Point de situation n°3" in t for t in texts)
            held = [d for d in fac.fields["decisions"] if d["pause_clock"]]
            if held:  # the clock waits for the cell: it answers after the restart
                assert (await it.cmd("decide", decision=held[0]["id"], option=held[0]["default"]))["accepted"]
                given.append(held[0]["id"])
            step = await fac.cmd("step")
            assert step["accepted"], step
            assert (await it.cmd("note", text="Après la reprise de l'hôte"))["accepted"]
            given.append("Après la reprise de l'hôte")
            assert (await fac.cmd("end"))["accepted"]
            assert (await fac.cmd("seal"))["accepted"]
            await fac.close()
            await it.close()

        asyncio.run(second_part())
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "scellé" in err and not codes_file.exists()  # closed: the codes are dead
    result = verify_journal(log)
    assert result.ok and result.sealed
    report, _ex = replay_journal(log)
    assert report.identical, report.failure
    recorded = [json.loads(line)["data"] for line in log.read_text(encoding="utf-8").splitlines() if json.loads(line)["type"] == "command"]
    texts = [c.get("text", "") for c in recorded if c.get("kind") == "note"]
    for thing in given:
        assert thing in texts or any(thing in (c.get("action"), c.get("decision")) and c.get("name") == "Ivan" for c in recorded), thing
    assert any(c.get("ui") == "session-resumed" for c in recorded)


def test_the_host_refuses_a_port_already_taken_without_leaving_a_journal(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        log = tmp_path / "room.jsonl"
        proc = subprocess.run(
            [sys.executable, "-m", "simulator", "host", str(MINI), "--log", str(log), "--bind", f"127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=60,
        )
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("--bind:1:1: error: cannot listen on") and "Traceback" not in proc.stderr
    assert not log.exists() and not Path(str(log) + ".codes.json").exists()


def test_join_says_why_in_one_line_before_any_screen(tmp_path):
    log = tmp_path / "room.jsonl"
    proc, url = start(str(MINI), "--log", str(log))
    try:
        cases = {
            "wrong code": ([url, "--code", "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "--name", "Intrus"], "code inconnu ou expiré"),
            "no host there": (["http://127.0.0.1:1", "--code", "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "--name", "X"], "connexion refusée"),
            "not a code": ([url, "--code", "1234", "--name", "X"], "not a seat code"),
            "not an address": (["ftp://nowhere", "--code", "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23", "--name", "X"], "not a host address"),
        }
        for label, (args, reason) in cases.items():
            done = subprocess.run([sys.executable, "-m", "simulator", "join", *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            assert done.returncode == 2, (label, done.stderr)
            lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and ": error: " in lines[0] and reason in lines[0], (label, done.stderr)
            assert "\x1b[" not in done.stderr + done.stdout, label  # no screen was opened
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
