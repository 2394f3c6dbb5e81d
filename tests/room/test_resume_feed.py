"""After `kill -9` and `resume`, the last note is in the resumed room's feed, not only in the
journal (issue 11 #16): the events the resume rewrote are on disk before the room reads it."""

from __future__ import annotations

import asyncio
import json
import os
import signal

from simulator.journal.session import RecordedExercise
from simulator.room.codes import SeatCodes
from simulator.room.seats import room_seats
from simulator.room.session import RoomSession

from .test_host_process import _Host, start
from .helpers import WireSeat, MINI

LAST = "Dernier point : l'équipe d'astreinte n'a pas eu d'appel"


def test_the_last_note_before_a_kill_is_in_the_resumed_feed(tmp_path):
    log = tmp_path / "room.jsonl"
    proc, url = start(str(MINI), "--log", str(log), "--seed", "5")
    codes = SeatCodes(json.loads(SeatCodes.path_for(log).read_text())["seats"])

    async def play() -> None:
        host = _Host(url, codes)
        fac, it = WireSeat(host, "facilitator", "Anna"), WireSeat(host, "cell:it", "Ivan")
        await fac.join()
        await it.join()
        assert (await fac.cmd("step"))["accepted"]
        assert (await it.cmd("note", text=LAST))["accepted"]  # its events are still in the writer's buffer
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        await fac.http.close()
        await it.http.close()

    asyncio.run(play())
    assert proc.returncode == -signal.SIGKILL
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x.endswith("}")]
    assert any(r["type"] == "command" and r["data"].get("text") == LAST for r in lines)  # the command was fsynced
    assert not any(r["type"] == "event" and r["data"].get("text") == LAST for r in lines)  # its events were lost

    rec = RecordedExercise.resume(log)
    try:
        seats = room_seats([r.id for r in rec.exercise.scenario.roles])
        session = RoomSession(rec, seats)
        for seat in ("cell:it", "facilitator"):
            feed = [line.text for line in session.view(seat, "fr").feed]
            assert any(LAST in text for text in feed), (seat, feed[-5:])
    finally:
        rec.close()
