"""A host on loopback and raw clients that record every frame they receive (the wire, as sent)."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

import aiohttp

from simulator.journal.inputs import load_inputs
from simulator.journal.session import RecordedExercise
from simulator.room.codes import SeatCodes
from simulator.room.host import Host
from simulator.room.protocol import PROTOCOL_VERSION
from simulator.room.seats import room_seats
from simulator.room.session import RoomSession

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"


def open_room(scenario: Path, log: Path, seed: int = 3, speed: float = 60.0) -> tuple[RoomSession, SeatCodes]:
    inputs = load_inputs(scenario)
    seats = room_seats([r.id for r in inputs.scenario.roles])
    rec = RecordedExercise.start(
        inputs.scenario_path, seed, "fr", log, participants=(), role="facilitator",
        inputs=inputs, config={"speed": speed, "room": True},
    )
    return RoomSession(rec, seats, speed=speed), SeatCodes.fresh(seats)


async def start_host(session: RoomSession, codes: SeatCodes, web: bool = False, **kwargs) -> Host:
    host = Host(session, codes, **kwargs)
    if web:
        from simulator.room.web import WebSeats

        host.web_seats = WebSeats(host)
    await host.start("127.0.0.1", 0)
    return host


class WireSeat:
    """A client speaking the protocol by hand: every text frame it receives is kept, as received."""

    def __init__(self, host: Host, seat: str, name: str, lang: str = "fr") -> None:
        self.url = host.url + "/api/ws"
        self.code = host.codes.codes[seat]
        self.seat = seat
        self.name = name
        self.lang = lang
        self.frames: list[str] = []
        self.fields: dict = {}
        self.results: dict[int, dict] = {}
        self.notices: list[dict] = []
        self._ids = itertools.count(1)
        self._waiters: dict[int, asyncio.Future] = {}
        self.closed_reason: str | None = None

    async def join(self) -> dict:
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(self.url, max_msg_size=64 * 1024 * 1024)
        await self.ws.send_str(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "code": self.code, "name": self.name, "lang": self.lang}))
        msg = await self.ws.receive(timeout=10)
        self.frames.append(msg.data)
        welcome = json.loads(msg.data)
        assert welcome["type"] == "welcome", welcome
        self.reader = asyncio.create_task(self._read())
        await self.wait_for(lambda: bool(self.fields))
        return welcome

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            self.frames.append(msg.data)
            data = json.loads(msg.data)
            kind = data["type"]
            if kind == "situation":
                if data["full"]:
                    self.fields = {}
                self.fields.update(data["fields"])
            elif kind == "result":
                future = self._waiters.pop(data["id"], None)
                if future is not None:
                    future.set_result(data["result"])
            elif kind == "debrief":
                future = self._waiters.pop(data["id"], None)
                if future is not None:
                    future.set_result(data["debrief"])
            elif kind == "notice":
                self.notices.append(data["notice"])
            elif kind in ("bye", "error", "refused"):
                self.closed_reason = data.get("reason")

    async def cmd(self, op: str, **args) -> dict:
        ident = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiters[ident] = future
        await self.ws.send_str(json.dumps({"type": "cmd", "id": ident, "op": op, "args": args}))
        return await asyncio.wait_for(future, 10)

    async def debrief(self) -> dict:
        ident = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiters[ident] = future
        await self.ws.send_str(json.dumps({"type": "debrief", "id": ident}))
        return await asyncio.wait_for(future, 10)

    async def settle(self, host: Host) -> None:
        """Until everything the host has to send this seat is sent and read."""
        for _ in range(200):
            await asyncio.sleep(0.01)
            conns = [c for c in host.conns if c.seat == self.seat and c.name == self.name]
            if all(not c.outbox and not c.situation_due for c in conns):
                await asyncio.sleep(0.02)
                return

    async def wait_for(self, condition, timeout: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            if loop.time() > end:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        await self.ws.close()
        await self.reader
        await self.http.close()

    def situations(self) -> list[dict]:
        return [json.loads(f) for f in self.frames if json.loads(f)["type"] == "situation"]
