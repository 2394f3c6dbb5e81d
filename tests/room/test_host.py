"""One host, many seats, over loopback: addressing, authority on the host, what reaches the wire."""

from __future__ import annotations

import asyncio
import json

from simulator.journal.verify import verify_journal

from .helpers import FLAGSHIP, WireSeat, open_room, start_host

TRUTH_KINDS = {"stage-started", "stage-done", "stage-blocked", "attacker-evicted", "alert-raised"}


def commands(log) -> list[dict]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["type"] == "command":
            out.append(rec["data"])
    return out


def inbox_refs(seat: WireSeat) -> set[str]:
    return {i["ref"] for i in seat.fields["inbox"]}


def test_injects_reach_their_addressees_and_a_decision_reaches_everyone(tmp_path):
    async def run() -> None:
        log = tmp_path / "room.jsonl"
        session, codes = open_room(FLAGSHIP, log)
        host = await start_host(session, codes)
        seats = {
            "fac": WireSeat(host, "facilitator", "Anna Animatrice"),
            "lead": WireSeat(host, "cell:crisis-lead", "Dr Martin"),
            "it": WireSeat(host, "cell:it", "Ivan Informaticien"),
            "eval": WireSeat(host, "evaluator", "Eve Évaluatrice"),
            "room": WireSeat(host, "room", "Projecteur"),
        }
        try:
            for s in seats.values():
                await s.join()
            # an inject addressed to the security officer and the crisis lead
            result = await seats["fac"].cmd("fire", inject="nudge-cert-sante")
            assert result["accepted"], result
            for s in seats.values():
                await s.settle(host)
            assert "nudge-cert-sante" in inbox_refs(seats["lead"])
            assert "nudge-cert-sante" in inbox_refs(seats["fac"]) and "nudge-cert-sante" in inbox_refs(seats["eval"])
            assert "nudge-cert-sante" not in inbox_refs(seats["it"])
            assert "nudge-cert-sante" not in inbox_refs(seats["room"])
            # a cell may not fire injects, the evaluator may not act, the room board may do nothing
            assert not (await seats["it"].cmd("fire", inject="nudge-police"))["accepted"]
            assert not (await seats["eval"].cmd("act", action="declare-crisis"))["accepted"]
            assert not (await seats["room"].cmd("note", text="hello"))["accepted"]
            assert not (await seats["it"].cmd("step"))["accepted"]  # the clock is the facilitator's
            # the facilitator moves the clock until the cell is asked to cut the internet
            for _ in range(50):
                if any(d["id"] == "cut-internet" for d in seats["lead"].fields["decisions"]):
                    break
                assert (await seats["fac"].cmd("step"))["accepted"]
                await seats["lead"].settle(host)
            decision = next(d for d in seats["lead"].fields["decisions"] if d["id"] == "cut-internet")
            assert decision["can_answer"]
            await seats["eval"].settle(host)
            assert not next(d for d in seats["eval"].fields["decisions"] if d["id"] == "cut-internet")["can_answer"]
            refused = await seats["eval"].cmd("decide", decision="cut-internet", option="cut")
            assert not refused["accepted"] and "Évaluation" in refused["reason"]
            taken = await seats["lead"].cmd("decide", decision="cut-internet", option="cut", justification="On coupe : l'attaquant est dedans")
            assert taken["accepted"], taken
            for s in seats.values():
                await s.settle(host)
                assert not any(d["id"] == "cut-internet" for d in s.fields["decisions"])
                assert any(line["kind"] == "decision-made" and "Internet" in line["text"] for line in s.fields["feed"]), s.seat
            # only the facilitator closes the exercise; the journal is sealed on the host, then the codes are dead
            assert not (await seats["lead"].cmd("end"))["accepted"]
            assert not (await seats["fac"].cmd("seal"))["accepted"]  # not over yet
            assert (await seats["fac"].cmd("end"))["accepted"]
            assert (await seats["fac"].cmd("seal"))["accepted"]
            late = WireSeat(host, "cell:it", "Retardataire")
            try:
                await late.join()
                raise AssertionError("a sealed room took a seat")
            except AssertionError as exc:
                assert "refused" in str(exc) and "expiré" in str(exc)
        finally:
            for s in seats.values():
                await s.close()
            await host.stop()
            session.close()
        recorded = commands(log)
        decide = next(c for c in recorded if c.get("kind") == "decide")
        assert decide["seat"] == "cell:crisis-lead" and decide["name"] == "Dr Martin" and decide["by"] == "crisis-lead"
        note = next(c for c in recorded if c.get("kind") == "note")
        assert note["text"].endswith("On coupe : l'attaquant est dedans") and note["name"] == "Dr Martin"
        assert not any(c.get("seat") == "evaluator" and c.get("kind") == "decide" for c in recorded)
        joined = {(c["seat"], c["name"]) for c in recorded if c.get("ui") == "join"}
        assert ("cell:it", "Ivan Informaticien") in joined and ("room", "Projecteur") in joined
        result = verify_journal(log)
        assert result.ok and result.sealed
        # the after-action report names who was there and who decided
        from simulator.report.data import build_report
        from simulator.report.render import render_markdown

        report = build_report(log, "fr")
        people = dict(report.participants)
        assert {"Anna Animatrice", "Dr Martin", "Ivan Informaticien", "Eve Évaluatrice", "Projecteur"} <= set(people)
        assert people["Eve Évaluatrice"] == "Évaluation" and "cell:" not in " ".join(people.values())
        text = render_markdown(report)
        assert any("Dr Martin" in line and "Internet" in line for line in text.splitlines() if line.startswith("|"))

    asyncio.run(run())


def test_players_never_receive_ground_truth_over_a_whole_exercise(tmp_path):
    """Every frame sent to a player seat, for the whole flagship exercise, checked against the journal's truth."""

    async def run() -> list[WireSeat]:
        log = tmp_path / "room.jsonl"
        session, codes = open_room(FLAGSHIP, log, seed=5)
        host = await start_host(session, codes)
        fac = WireSeat(host, "facilitator", "Anna")
        players = [WireSeat(host, sid, sid) for sid in ("cell:crisis-lead", "cell:it", "cell:security", "room")]
        try:
            await fac.join()
            for p in players:
                await p.join()
            for _ in range(2000):
                await fac.settle(host)
                sit = fac.fields
                if sit["ended"]:
                    break
                held = [d for d in sit["decisions"] if d["pause_clock"]]
                if held:
                    d = held[0]
                    assert (await fac.cmd("decide", decision=d["id"], option=d["default"]))["accepted"]
                else:
                    assert (await fac.cmd("step"))["accepted"]
            assert fac.fields["ended"]
            for p in players:
                await p.settle(host)
        finally:
            for s in [fac, *players]:
                await s.close()
            await host.stop()
            session.close()
        return players, log

    players, log = asyncio.run(run())
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    events = [r for r in records if r["type"] == "event"]
    awareness = next(r["t"] for r in events if r["data"]["kind"] == "fact" and r["data"]["fact"] == "awareness")
    noticed: dict[str, float] = {}
    for r in events:
        if r["data"]["kind"] == "alert-noticed" and r["data"].get("asset"):
            noticed.setdefault(r["data"]["asset"], r["t"])
    encrypted_before = {r["data"]["asset"] for r in events if r["data"]["kind"] == "asset-changed" and r["t"] < awareness and r["data"]["state"] == "encrypted"}
    assert encrypted_before, "the flagship encrypts before anyone knows: the test would prove nothing"
    for p in players:
        frames = p.situations()
        assert len(frames) >= 20  # coalesced: a seat gets the latest picture, not every intermediate one
        for frame in frames:
            fields = frame["fields"]
            assert fields.get("truth") is None
            assert fields.get("next_event_in") is None
            assert not fields.get("injects") and not fields.get("presence")
            for line in fields.get("feed", ()):
                assert not line["truth"] and line["kind"] not in TRUTH_KINDS, line
                assert line["kind"] not in ("flag", "rating"), line
            t = fields.get("t")
        # replaying the frames: at every moment, no asset shows what the cell could not know
        state: dict = {}
        for frame in frames:
            state.update(frame["fields"])
            now = state["t"]
            for zone in state["zones"]:
                for asset in zone["assets"]:
                    if now < awareness:
                        assert "encrypted" not in asset["states"], (p.seat, now, asset["id"])
                    if "compromised" in asset["states"]:
                        assert asset["id"] in noticed and noticed[asset["id"]] <= now, (p.seat, now, asset["id"])
            if now < awareness:
                assert all(s["level"] == "up" for s in state["services"]), (p.seat, now)
        assert t is None or t >= 0
        assert state["ended"], p.seat
    room = next(p for p in players if p.seat == "room")
    assert all(not i["to"] for i in room.fields["inbox"])  # the projector shows only what is for everyone
    it = next(p for p in players if p.seat == "cell:it")
    assert it.fields["inbox"] and all(i["kind"] == "decision" or i["to"] for i in it.fields["inbox"])
