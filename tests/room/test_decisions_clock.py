"""Decisions and the room's clock: the facilitator is warned before a default applies and can
give more time; a cell acknowledges only what is addressed to it; nothing reads files for a client."""

from __future__ import annotations

import asyncio

import aiohttp

from simulator.journal.replay import replay_journal

from .helpers import FLAGSHIP, MINI, WireSeat, open_room, start_host


def test_the_facilitator_is_warned_before_a_default_and_can_give_more_time(tmp_path):
    log = tmp_path / "room.jsonl"
    session, _codes = open_room(FLAGSHIP, log, seed=3, speed=30.0)
    clock = [1000.0]
    session._monotonic = lambda: clock[0]
    try:
        # the flagship's first decisions hold the clock: answer those; wait for one that does not
        target = None
        for _ in range(300):
            pending = session.ex.pending_decisions()
            held = [p for p in pending if p.pause_clock]
            if held:
                d = session.ex.decisions[held[0].id]
                assert session.decide("facilitator", "Anna", d.id, d.default)
                continue
            running = [p for p in pending if not p.pause_clock]
            if running:
                target = running[0]
                break
            assert session.step("facilitator", "Anna")
        assert target is not None, "the flagship puts a decision that does not hold the clock"
        session.take_notices()
        assert session.resume("facilitator", "Anna")
        # at 30x one real second is half a simulated minute: tick up to 40 real seconds before the default
        deadline = target.deadline
        assert (deadline - session.now) * 60.0 / 30.0 > 40.0
        clock[0] += (deadline - session.now) * 60.0 / 30.0 - 40.0
        session.tick()
        assert target.id in session.ex.pending
        assert not any(make("fr").key == "default-soon" for _s, make in session.take_notices())
        clock[0] += 15.0  # now within 30 real seconds of the default
        session.tick()
        warned = [(seats, make("fr")) for seats, make in session.take_notices() if make("fr").key == "default-soon"]
        assert warned and "facilitator" in warned[0][0] and warned[0][1].bell
        assert "défaut" in warned[0][1].text
        before = session.ex.pending[target.id].deadline
        assert not session.extend("cell:it", "Ivan", target.id, 30)  # a cell cannot give itself more time
        assert session.extend("facilitator", "Anna", target.id, 30)
        assert session.ex.pending[target.id].deadline == before + 30
        view = session.view("facilitator", "fr")
        assert next(d for d in view.decisions if d.id == target.id).deadline == before + 30
        clock[0] += 40.0  # the old deadline passes: no default, the decision is still open
        session.tick()
        assert target.id in session.ex.pending or session.ex.decisions_made[target.id][1] >= before + 30 - 1e-6
        assert session.end("facilitator", "Anna")
        session.finish()
    finally:
        session.close()
    report, _ex = replay_journal(log)
    assert report.identical, report.failure


def test_a_cell_acknowledges_only_its_own_messages_and_the_host_serves_no_file(tmp_path):
    async def run() -> None:
        session, codes = open_room(MINI, tmp_path / "room.jsonl")
        host = await start_host(session, codes, web=True)
        fac, it = WireSeat(host, "facilitator", "Anna"), WireSeat(host, "cell:it", "Ivan")
        await fac.join()
        await it.join()
        try:
            for _ in range(3):
                assert (await fac.cmd("step"))["accepted"]
            await fac.settle(host)
            await it.settle(host)
            mine = {i["key"] for i in it.fields["inbox"]}
            others = [i["key"] for i in fac.fields["inbox"] if i["key"] not in mine]
            assert others, "the scenario must address something to another cell"
            refused = await it.cmd("ack", key=others[0])
            assert not refused["accepted"] and refused["reason"]
            async with aiohttp.ClientSession() as http:
                for path in ("/static/../../../../etc/passwd", "/room-static/../../../../etc/passwd", "/room-static/%2e%2e/%2e%2e/etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd", "/api/../etc/passwd"):
                    async with http.get(host.url + path) as response:
                        body = await response.text()
                        assert response.status in (403, 404) and "root:" not in body, path
        finally:
            await fac.close()
            await it.close()
            await host.stop()
            session.close()

    asyncio.run(run())
