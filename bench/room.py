"""Room benchmark: one host, 12 seats, the flagship at 60x.

Run: python bench/room.py [--seconds 30] [--seats 12]

The host runs as its own process (`cyberdrill host`, browsers off) so that its CPU time and
memory are its own. Twelve simulated clients take seats (the facilitator, the scenario's
cells, a second person on two cells, the evaluator, the room board); the facilitator starts
the clock at 60x; every player writes a note about once a second, as a busy crisis cell
types into the main courante. Measured:

- command round trip (a note sent -> its result back), p50 / p95 / max, against the same
  round trip to a bare aiohttp WebSocket echo server started in the same run (the floor:
  loopback, JSON, the event loop);
- fan-out of one event to every seat: the facilitator fires an inject, each seat's clock
  stops when a situation showing it arrives; p50 / p95 of the slowest seat;
- host CPU (user + system, from /proc) per simulated hour, and resident memory with no seat
  and with every seat connected (per-seat cost).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
TARGET_P95 = 0.100
URL = re.compile(r"(http://127\.0\.0\.1:\d+)")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Seat:
    def __init__(self, url: str, seat: str, code: str, name: str) -> None:
        self.url, self.seat, self.code, self.name = url, seat, code, name
        self.waiters: dict[int, asyncio.Future] = {}
        self.next_id = 1
        self.inbox_seen: set[str] = set()
        self.watch: tuple[str, asyncio.Future] | None = None
        self.fields: dict = {}

    async def join(self, http: aiohttp.ClientSession) -> None:
        self.ws = await http.ws_connect(self.url + "/api/ws", max_msg_size=64 * 1024 * 1024)
        await self.ws.send_str(json.dumps({"type": "hello", "protocol": 1, "code": self.code, "name": self.name, "lang": "fr"}))
        welcome = json.loads((await self.ws.receive()).data)
        assert welcome["type"] == "welcome", welcome
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                return
            data = json.loads(msg.data)
            if data["type"] == "result":
                future = self.waiters.pop(data["id"], None)
                if future and not future.done():
                    future.set_result(data["result"])
            elif data["type"] == "situation":
                self.fields.update(data["fields"])
                if self.watch and "feed" in data["fields"]:
                    text, future = self.watch
                    if any(text in line["text"] for line in data["fields"]["feed"]) and not future.done():
                        future.set_result(time.perf_counter())

    async def cmd(self, op: str, **args) -> dict:
        ident = self.next_id
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiters[ident] = future
        await self.ws.send_str(json.dumps({"type": "cmd", "id": ident, "op": op, "args": args}))
        return await asyncio.wait_for(future, 30)


async def echo_baseline(samples: int) -> list[float]:
    """The same round trip to a bare aiohttp echo server: what loopback and JSON cost alone."""

    async def echo(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            data = json.loads(msg.data)
            await ws.send_str(json.dumps({"type": "result", "id": data["id"], "result": {"accepted": True}}))
        return ws

    app = web.Application()
    app.router.add_get("/ws", echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    out = []
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/ws")
        for i in range(samples):
            t0 = time.perf_counter()
            await ws.send_str(json.dumps({"type": "cmd", "id": i, "op": "note", "args": {"text": "x" * 40}}))
            await ws.receive()
            out.append(time.perf_counter() - t0)
            await asyncio.sleep(0.005)
        await ws.close()
    await runner.cleanup()
    return out


async def room(url: str, codes: dict[str, str], pid: int, seconds: float, n_seats: int) -> dict:
    cells = [s for s in codes if s.startswith("cell:")]
    plan = [("facilitator", "Anna")] + [(c, f"Joueur {c[5:]}") for c in cells]
    plan += [(cells[0], "Second 1"), (cells[1], "Second 2"), ("evaluator", "Eve"), ("room", "Projecteur")]
    plan = plan[:n_seats]
    rss_before = proc_rss(pid)
    async with aiohttp.ClientSession() as http:
        seats = [Seat(url, s, codes[s], name) for s, name in plan]
        for s in seats:
            await s.join(http)
        await asyncio.sleep(1.0)
        rss_after = proc_rss(pid)
        fac = seats[0]
        players = [s for s in seats if s.seat.startswith("cell:")]
        assert (await fac.cmd("speed", speed=60.0))["accepted"]
        cpu0, t0_wall = proc_cpu(pid), time.perf_counter()
        sim0 = None
        assert (await fac.cmd("resume"))["accepted"]
        rtts: list[float] = []
        stop = time.perf_counter() + seconds

        async def player(s: Seat, k: int) -> None:
            n = 0
            await asyncio.sleep(0.07 * k)
            while time.perf_counter() < stop:
                t = time.perf_counter()
                result = await s.cmd("note", text=f"{s.name}, point {n} : en cours")
                rtts.append(time.perf_counter() - t)
                assert result["accepted"], result
                n += 1
                await asyncio.sleep(1.0)

        async def facilitator() -> None:
            while time.perf_counter() < stop:
                for d in fac.fields.get("decisions", ()):
                    if d["pause_clock"]:
                        await fac.cmd("decide", decision=d["id"], option=d["default"])
                await asyncio.sleep(0.2)

        await asyncio.sleep(0.5)
        sim0 = fac.fields.get("t", 0.0)
        await asyncio.gather(facilitator(), *(player(s, k) for k, s in enumerate(players)))
        sim1 = fac.fields.get("t", 0.0)
        cpu1, t1_wall = proc_cpu(pid), time.perf_counter()
        assert (await fac.cmd("pause"))["accepted"]
        # fan-out: one note from the facilitator's seat shows on every seat that reads notes
        fan: list[float] = []
        for i in range(20):
            text = f"Fan-out {i}"
            readers = [s for s in seats if s.seat.startswith("cell:") or s.seat in ("evaluator", "room", "facilitator")]
            futures = []
            for s in readers:
                future = asyncio.get_running_loop().create_future()
                s.watch = (text, future)
                futures.append(future)
            sender = players[i % len(players)]
            t = time.perf_counter()
            await sender.cmd("note", text=text)
            arrived = await asyncio.gather(*futures)
            fan.append(max(arrived) - t)
            for s in readers:
                s.watch = None
        for s in seats:
            await s.ws.close()
    return {
        "seats": len(plan), "rtts": rtts, "fan": fan, "cpu": cpu1 - cpu0, "wall": t1_wall - t0_wall,
        "sim_minutes": (sim1 - (sim0 or 0.0)), "rss_before": rss_before, "rss_after": rss_after,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="real seconds of play at 60x")
    parser.add_argument("--seats", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "room.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-m", "simulator", "host", str(FLAGSHIP), "--log", str(log), "--bind", "127.0.0.1:0", "--no-web", "--seed", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        url = None
        while url is None:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit(proc.stderr.read())
            found = URL.search(line)
            url = found.group(1) if found else None
        codes = json.loads(Path(str(log) + ".codes.json").read_text())["seats"]
        try:
            base = asyncio.run(echo_baseline(200))
            figures = asyncio.run(room(url, codes, proc.pid, args.seconds, args.seats))
        finally:
            proc.terminate()
            proc.communicate(timeout=30)
    rtts, fan = figures["rtts"], figures["fan"]
    p50, p95 = pct(rtts, 0.5), pct(rtts, 0.95)
    b50, b95 = pct(base, 0.5), pct(base, 0.95)
    hours = figures["sim_minutes"] / 60.0
    per_seat = (figures["rss_after"] - figures["rss_before"]) / figures["seats"]
    print(f"load average: {os.getloadavg()[0]:.1f}; {figures['seats']} seats; {len(rtts)} commands in {figures['wall']:.0f} s; "
          f"the clock ran {figures['sim_minutes']:.0f} simulated minutes at 60x")
    ok = p95 <= TARGET_P95
    print(f"command round trip:  p50 {p50 * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  max {max(rtts) * 1000:.1f} ms "
          f"(target p95 <= {TARGET_P95 * 1000:.0f} ms) {'OK' if ok else 'OVER'}")
    print(f"  bare echo baseline: p50 {b50 * 1000:.2f} ms  p95 {b95 * 1000:.2f} ms  -> host/echo p50 x{p50 / b50:.1f}, p95 x{p95 / b95:.1f}")
    print(f"fan-out of one event to every seat (slowest seat): p50 {pct(fan, 0.5) * 1000:.1f} ms  p95 {pct(fan, 0.95) * 1000:.1f} ms")
    print(f"host CPU: {figures['cpu']:.2f} s over {figures['wall']:.0f} s ({100 * figures['cpu'] / figures['wall']:.0f} % of a core); "
          f"{figures['cpu'] / max(hours, 1e-9):.2f} CPU s per simulated hour; {1000 * figures['cpu'] / max(len(rtts), 1):.1f} ms per command")
    print(f"host memory: {figures['rss_before']:.0f} MB with no seat, {figures['rss_after']:.0f} MB with {figures['seats']} ({per_seat:.2f} MB per seat)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
