"""The room host: one session served to many seats over WebSockets (aiohttp).

    host = Host(session, codes, lang="fr")
    await host.start("127.0.0.1", 8470)     # protocol on /api/ws, browsers on /s/<code>
    ...
    await host.stop()

One engine, one journal, one clock (the host's: advanced every `TICK` seconds, paused and
sped up by the facilitator's seat). Every connection gets its seat's view in its own
language: in full when it joins, then only the fields that changed, at most once per tick
and never queued up behind a slow client (a writer per connection sends the latest picture
when it is ready). Commands are applied in the order they arrive, on the event loop, and
answered after their fan-out is scheduled. A client that sends something that is not a room
message is told why in a sentence and disconnected; nobody else notices. The host never
reads or writes a file on a client's behalf: the journal is the only file it writes (and
the codes beside it).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections import deque
from dataclasses import fields as dc_fields
from typing import Any

from aiohttp import WSMsgType, web

from simulator import __version__
from simulator.i18n import t as tr_raw
from simulator.room import protocol as P
from simulator.room.client import run_command
from simulator.room.codes import SeatCodes
from simulator.room.session import RoomSession
from simulator.room.views import Situation, to_wire

TICK = 0.25
"""Seconds between two clock ticks (and at most one situation per connection per tick)."""
WRONG_CODE_DELAY = 0.5
"""Seconds a refused code waits before its answer: guessing stays slow (the codes are 140 bits anyway)."""
HELLO_TIMEOUT = 10.0
MAX_CONNECTIONS = 256
SITUATION_FIELDS = tuple(f.name for f in dc_fields(Situation))

log = logging.getLogger("cyberdrill.room")


def tr(key: str, lang: str, **fields: object) -> str:
    return tr_raw("room." + key, lang, **fields)


class Connection:
    """One client on one seat: what it was last sent, and its writer."""

    _ids = itertools.count(1)

    def __init__(self, ws: web.WebSocketResponse, seat: str, name: str, lang: str) -> None:
        self.id = next(self._ids)
        self.ws = ws
        self.seat = seat
        self.name = name
        self.lang = lang
        self.sent: dict[str, Any] = {}
        self.outbox: deque[str] = deque()
        self.situation_due = True
        self.wake = asyncio.Event()
        self.wake.set()
        self.closed = False

    def send(self, message: dict) -> None:
        self.outbox.append(json.dumps(message, ensure_ascii=False, separators=(",", ":")))
        self.wake.set()


class Host:
    def __init__(self, session: RoomSession | None, codes: SeatCodes | None, *, lang: str = "fr", sign_key: Any = None, web_seats: Any = None) -> None:
        self.session = session
        self.codes = codes
        self.lang = lang
        self.sign_key = sign_key
        self.web_seats = web_seats  # browsers (simulator.room.web), when served
        self.conns: set[Connection] = set()
        self._encoded: dict[int, tuple[Any, Any]] = {}  # id(value) -> (value, its JSON value)
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task | None = None
        self.url = ""
        self.internal_url = ""
        self.port = 0
        self.stats = {"connections": 0, "refused": 0, "bad": 0, "commands": 0, "situations": 0}

    # ================================================================ lifecycle

    def application(self) -> web.Application:
        app = web.Application(client_max_size=P.MAX_CLIENT_FRAME)
        app.router.add_get("/api/ws", self.handle_ws)
        if self.web_seats is not None:
            self.web_seats.add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 8470) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else port
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}"
        # what this host's own processes (browser seats) connect to
        loopback = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host)
        self.internal_url = f"http://{loopback}:{self.port}" if loopback else self.url
        self._clock = asyncio.create_task(self._run_clock(), name="room-clock")

    async def stop(self, reason: str = "") -> None:
        if self._clock is not None:
            self._clock.cancel()
            try:
                await self._clock
            except asyncio.CancelledError:
                pass
            self._clock = None
        for conn in list(self.conns):
            conn.send({"type": "bye", "reason": reason or tr("bye", conn.lang)})
            await self._drain(conn)
            await conn.ws.close()
        if self.web_seats is not None:
            await self.web_seats.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _drain(self, conn: Connection) -> None:
        while conn.outbox and not conn.ws.closed:
            try:
                await conn.ws.send_str(conn.outbox.popleft())
            except (ConnectionError, RuntimeError):
                return

    # ================================================================ the clock

    async def _run_clock(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            next_at += TICK
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            if next_at < loop.time() - 5 * TICK:
                next_at = loop.time()  # the loop stalled: no burst of catch-up ticks
            if self.session is None:
                continue  # listening already, the room not open yet
            try:
                if self.session.tick():
                    self.publish()
                else:
                    self.flush_notices()
            except Exception:  # an engine fault: say it, keep the room up (the journal has everything so far)
                log.exception("the exercise engine failed during a clock tick")
                self.session.running = False
                self.publish()

    def publish(self) -> None:
        """Every connection's view may have changed: its writer sends what did."""
        self.flush_notices()
        for conn in self.conns:
            conn.situation_due = True
            conn.wake.set()

    def flush_notices(self) -> None:
        for seats, make in self.session.take_notices():
            made: dict[str, dict] = {}
            for conn in self.conns:
                if conn.seat in seats:
                    if conn.lang not in made:
                        made[conn.lang] = to_wire(make(conn.lang))
                    conn.send({"type": "notice", "notice": made[conn.lang]})

    # ================================================================ a connection

    async def handle_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=P.MAX_CLIENT_FRAME, heartbeat=20.0)
        await ws.prepare(request)
        if self.session is None or self.codes is None:
            await self._refuse(ws, tr("not-ready", self.lang), why="unreachable")
            return ws
        if len(self.conns) >= MAX_CONNECTIONS:
            await self._refuse(ws, tr("full", self.lang), why="full")
            return ws
        conn = await self._hello(ws)
        if conn is None:
            return ws
        writer = asyncio.create_task(self._writer(conn), name=f"room-writer-{conn.id}")
        try:
            await self._read(conn)
        finally:
            conn.closed = True
            self.conns.discard(conn)
            self.session.leave(conn.seat, conn.name)
            conn.wake.set()
            writer.cancel()
            try:
                await writer
            except asyncio.CancelledError:
                pass
            if not ws.closed:
                await ws.close()
            self.publish()
        return ws

    async def _refuse(self, ws: web.WebSocketResponse, reason: str, *, bad: bool = False, why: str = "") -> None:
        """Say no in one sentence and close this connection (`why`: a word a client can act on)."""
        self.stats["bad" if bad else "refused"] += 1
        message = {"type": "error" if bad else "refused", "reason": reason, "why": why or ("bad" if bad else "refused")}
        try:
            await ws.send_str(json.dumps(message, ensure_ascii=False))
        except (ConnectionError, RuntimeError):
            pass
        await ws.close()

    async def _hello(self, ws: web.WebSocketResponse) -> Connection | None:
        try:
            msg = await ws.receive(timeout=HELLO_TIMEOUT)
        except asyncio.TimeoutError:
            await self._refuse(ws, tr("no-hello", self.lang), bad=True)
            return None
        if msg.type != WSMsgType.TEXT:
            if msg.type in (WSMsgType.BINARY, WSMsgType.ERROR) or msg.type == WSMsgType.CLOSE and msg.data == 1009:
                await self._refuse(ws, tr("bad", self.lang, why=self._why(msg, self.lang)), bad=True)
            return None
        raw = msg.data
        lang = P.peek_lang(raw)
        version = P.peek_protocol(raw)
        if version is not None and version != P.PROTOCOL_VERSION:
            await self._refuse(ws, tr("version", lang, theirs=version, ours=P.PROTOCOL_VERSION), why="version")
            return None
        try:
            hello = P.parse_client(raw)
        except P.BadMessage as exc:
            await self._refuse(ws, tr("bad", lang, why=exc.text(lang)), bad=True)
            return None
        if not isinstance(hello, P.Hello):
            await self._refuse(ws, tr("hello-first", lang), bad=True)
            return None
        seat = self.codes.seat_for(hello.code)
        if seat is None or self.session.rec.sealed:
            await asyncio.sleep(WRONG_CODE_DELAY)
            why = "wrong-code" if seat is None else "expired"
            await self._refuse(ws, tr(why, hello.lang), why=why)
            return None
        name = " ".join(hello.name.split())
        if not name or not name.isprintable():
            await self._refuse(ws, tr("bad-name", hello.lang), bad=True, why="bad-name")
            return None
        conn = Connection(ws, seat, name, hello.lang)
        self.conns.add(conn)
        self.stats["connections"] += 1
        self.session.join(seat, name)
        conn.send(self._welcome(conn))
        self.publish()
        return conn

    def _welcome(self, conn: Connection) -> dict:
        session = self.session
        return {
            "type": "welcome", "protocol": P.PROTOCOL_VERSION, "host": __version__,
            "seat": to_wire(session.seats[conn.seat].info()), "lang": conn.lang, **self._catalog(conn.lang),
        }

    def _catalog(self, lang: str) -> dict:
        session = self.session
        return {
            "title": session.ex.scenario.title.get(lang),
            "targets": {a: [list(t) for t in ts] for a, ts in session.all_targets(lang).items()},
        }

    @staticmethod
    def _why(msg, lang: str) -> str:
        """Why a frame that is not text was refused, in `lang` (aiohttp closes oversized ones with 1009)."""
        if msg.type == WSMsgType.BINARY:
            return tr_raw("room.badmsg.binary", lang)
        return tr_raw("room.badmsg.too-long-frame", lang, most=P.MAX_CLIENT_FRAME)

    async def _read(self, conn: Connection) -> None:
        ws = conn.ws
        while not ws.closed:
            msg = await ws.receive()
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                return
            if msg.type != WSMsgType.TEXT:
                await self._refuse(ws, tr("bad", conn.lang, why=self._why(msg, conn.lang)), bad=True)
                return
            try:
                message = P.parse_client(msg.data)
            except P.BadMessage as exc:
                await self._refuse(ws, tr("bad", conn.lang, why=exc.text(conn.lang)), bad=True)
                return
            if isinstance(message, P.Hello):
                await self._refuse(ws, tr("hello-twice", conn.lang), bad=True)
                return
            self._handle(conn, message)

    def _handle(self, conn: Connection, message) -> None:
        session = self.session
        if isinstance(message, P.SetLang):
            conn.lang = message.lang
            conn.sent.clear()  # every text changes language: the next situation is sent whole
            conn.send({"type": "catalog", **self._catalog(conn.lang)})
            conn.situation_due = True
            conn.wake.set()
            return
        if isinstance(message, P.AskDebrief):
            conn.send({"type": "debrief", "id": message.id, "debrief": to_wire(session.debrief(conn.seat, conn.lang))})
            return
        if isinstance(message, P.Ask):
            if message.what == "assess":
                value = to_wire(session.assess(conn.seat, message.action, message.target, message.count, conn.lang))
            else:
                value = session.refusals(conn.seat, message.action, conn.lang)
            conn.send({"type": "answer", "id": message.id, "value": value})
            return
        self.stats["commands"] += 1
        if message.op == "seal":
            result = self._seal(conn)
        else:
            try:
                result = run_command(session, conn.seat, conn.name, conn.lang, message.op, message.arguments())
            except Exception:  # an engine fault on a command: refuse it, keep the room up
                log.exception("the exercise engine failed on a command")
                result = session.refusal(message.op, "engine-fault", conn.lang)
        conn.send({"type": "result", "id": message.id, "result": to_wire(result)})
        self.publish()

    def _seal(self, conn: Connection):
        """The facilitator closes the exercise: the journal is sealed (signed with the host's key)."""
        from simulator.room import seats as S
        from simulator.room.views import Result

        seat = self.session.seats[conn.seat]
        if not seat.may(S.END):
            return self.session.refusal("seal", "not-yours", conn.lang, seat=self.session.seat_label(conn.seat, conn.lang))
        if not self.session.ended:
            return self.session.refusal("seal", "not-ended", conn.lang)
        if not self.session.rec.sealed:
            self.session.finish(self.sign_key)
            SeatCodes.forget(self.session.rec.log_path)
        return Result(True, "seal")

    # ================================================================ writing

    async def _writer(self, conn: Connection) -> None:
        """Send what is due, latest picture first-come: a slow client skips pictures, never piles them up."""
        ws = conn.ws
        while not conn.closed:
            await conn.wake.wait()
            conn.wake.clear()
            try:
                while conn.outbox:
                    await ws.send_str(conn.outbox.popleft())
                if conn.situation_due:
                    conn.situation_due = False
                    payload = self._situation_message(conn)
                    if payload is not None:
                        await ws.send_str(payload)
                        self.stats["situations"] += 1
            except (ConnectionError, RuntimeError):
                return

    def _situation_message(self, conn: Connection) -> str | None:
        sit = self.session.view(conn.seat, conn.lang)
        full = not conn.sent
        changed: dict[str, Any] = {}
        for name in SITUATION_FIELDS:
            value = getattr(sit, name)
            if full or conn.sent.get(name, _MISSING) is not value and conn.sent.get(name, _MISSING) != value:
                changed[name] = self._wire(value)
                conn.sent[name] = value
        if not changed:
            return None
        return json.dumps({"type": "situation", "full": full, "fields": changed}, ensure_ascii=False, separators=(",", ":"))

    def _wire(self, value: Any) -> Any:
        """JSON values of a view field, computed once however many seats are sent it."""
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        hit = self._encoded.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        encoded = to_wire(value, self._wire)  # members too: one feed line is encoded once for every seat
        if len(self._encoded) > 20_000:
            self._encoded.clear()
        self._encoded[id(value)] = (value, encoded)
        return encoded


_MISSING = object()
