"""A seat of a host's room, over the room protocol (`cyberdrill join`, and the browser seats).

Runs on the UI's event loop. `connect()` says hello and waits for the welcome (or the
host's one-line refusal: `JoinRefused`); a reader task then applies every situation the host
sends and answers awaited commands. When the connection drops, the client reconnects with
the same code and gets its seat back (inbox, read marks and history live on the host), so a
host killed and resumed (`cyberdrill host --resume LOG`) finds its room again.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import fields as dc_fields
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from simulator import __version__
from simulator.i18n import t as tr_raw
from simulator.room import protocol as P
from simulator.room.client import SessionClient
from simulator.room.views import Debrief, Notice, Result, SeatInfo, Situation, WireError, from_wire

COMMAND_TIMEOUT = 15.0
CONNECT_TIMEOUT = 10.0
RECONNECT_DELAYS = (0.5, 1.0, 2.0, 3.0, 5.0)
_HINTS = {f.name: f.type for f in dc_fields(Situation)}


def tr(key: str, lang: str, **fields: object) -> str:
    return tr_raw("room." + key, lang, **fields)


class JoinRefused(Exception):
    """The host said no (a wrong code, another protocol version...), or could not be reached.

    `why`: the host's word for it (wrong-code, expired, version, full, bad, bad-name), or
    "unreachable"; a client tries again only when the host may come back."""

    FINAL = frozenset({"wrong-code", "expired", "version", "bad", "bad-name"})

    def __init__(self, reason: str, why: str = "unreachable") -> None:
        super().__init__(reason)
        self.why = why

    @property
    def final(self) -> bool:
        return self.why in self.FINAL


def api_url(url: str) -> str:
    """The protocol endpoint of a host given as http(s)://host:port or ws(s)://host:port[/api/ws]."""
    parts = urlsplit(url.strip())
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise ValueError(f"not a host address: '{url}' (write http://HOST:PORT)")
    path = parts.path.rstrip("/")
    if not path.endswith("/api/ws"):
        path = path + "/api/ws"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


class RemoteClient(SessionClient):
    remote = True

    def __init__(self, url: str, code: str, name: str, lang: str = "fr") -> None:
        super().__init__()
        self.url = api_url(url)
        self.code = code
        self.name = name
        self.lang = lang
        self.seat = SeatInfo("", "room", ())
        self.situation = None  # type: ignore[assignment]
        self._title = ""
        self._targets: dict[str, tuple[tuple[str, str], ...]] = {}
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._fields: dict[str, Any] = {}
        self._closing = False
        self.connected = asyncio.Event() if _loop_running() else None

    # -- connecting --------------------------------------------------------------------------

    async def connect(self) -> None:
        """Take the seat; JoinRefused with the host's reason (in the client's language) when not."""
        if self.connected is None:
            self.connected = asyncio.Event()
        if self._http is None:
            self._http = aiohttp.ClientSession()
        try:
            ws = await self._http.ws_connect(self.url, max_msg_size=P.MAX_HOST_FRAME, heartbeat=20.0, timeout=aiohttp.ClientWSTimeout(ws_close=5.0))
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise JoinRefused(tr("unreachable", self.lang, url=self.url, why=_why(exc, self.lang))) from None
        await ws.send_str(json.dumps({
            "type": "hello", "protocol": P.PROTOCOL_VERSION, "code": self.code, "name": self.name, "lang": self.lang,
            "client": __version__,
        }))
        try:
            msg = await ws.receive(timeout=CONNECT_TIMEOUT)
        except asyncio.TimeoutError:
            await ws.close()
            raise JoinRefused(tr("no-answer", self.lang)) from None
        data = _json(msg)
        if data is None or data.get("type") != "welcome":
            await ws.close()
            reason = data.get("reason") if isinstance(data, dict) else None
            why = data.get("why") if isinstance(data, dict) and isinstance(data.get("why"), str) else "unreachable"
            raise JoinRefused(str(reason) if isinstance(reason, str) and reason else tr("no-answer", self.lang), why)
        try:
            self.seat = from_wire(SeatInfo, data.get("seat"))
            self._catalog(data)
        except (WireError, TypeError, ValueError) as exc:
            await ws.close()
            raise JoinRefused(tr("garbled", self.lang, why=str(exc)), "bad") from None
        self._ws = ws
        self._fields = {}
        first = await self._first_situation(ws)
        self.situation = first
        self.connected.set()
        self._reader = asyncio.create_task(self._read(ws), name="room-client-reader")

    async def _first_situation(self, ws) -> Situation:
        while True:
            try:
                msg = await ws.receive(timeout=CONNECT_TIMEOUT)
            except asyncio.TimeoutError:
                raise JoinRefused(tr("no-answer", self.lang)) from None
            data = _json(msg)
            if data is None:
                raise JoinRefused(tr("no-answer", self.lang))
            if data.get("type") == "situation":
                return self._apply(data)
            self._dispatch(data)

    def _catalog(self, data: dict) -> None:
        title = data.get("title")
        targets = data.get("targets")
        if not isinstance(title, str) or not isinstance(targets, dict):
            raise WireError("catalog: title and targets expected")
        self._title = title
        self._targets = {str(a): from_wire(tuple[tuple[str, str], ...], ts) for a, ts in targets.items()}

    # -- reading -----------------------------------------------------------------------------

    async def _read(self, ws) -> None:
        reason = ""
        try:
            async for msg in ws:
                data = _json(msg)
                if data is None:
                    reason = tr("garbled", self.lang, why=msg.type.name.lower())
                    break
                if data.get("type") == "bye":
                    reason = str(data.get("reason") or tr("bye", self.lang))
                    self._closing = True
                    break
                if data.get("type") in ("error", "refused"):
                    reason = str(data.get("reason") or "")
                    self._closing = True
                    break
                try:
                    self._dispatch(data)
                except (WireError, TypeError, ValueError, KeyError) as exc:
                    reason = tr("garbled", self.lang, why=str(exc))
                    break
        finally:
            self._ws = None
            if self.connected is not None:
                self.connected.clear()
            for future in self._pending.values():
                if not future.done():
                    future.set_result(Result(False, "", reason=tr("lost", self.lang)))
            self._pending.clear()
        if not reason:
            reason = tr("lost", self.lang)
        if self._on_closed is not None:
            self._on_closed(reason)
        if not self._closing:
            asyncio.get_running_loop().create_task(self._reconnect(), name="room-client-reconnect")

    async def _reconnect(self) -> None:
        for delay in itertools.chain(RECONNECT_DELAYS, itertools.repeat(RECONNECT_DELAYS[-1])):
            if self._closing:
                return
            await asyncio.sleep(delay)
            try:
                await self.connect()
            except JoinRefused as exc:
                if exc.final:
                    if self._on_closed is not None:
                        self._on_closed(str(exc))
                    return
                continue
            self._deliver(self.situation)
            self._deliver_notice(Notice("reconnected", tr("back", self.lang)))
            return

    def _dispatch(self, data: dict) -> None:
        kind = data.get("type")
        if kind == "situation":
            self._deliver(self._apply(data))
        elif kind == "result":
            future = self._pending.pop(data.get("id"), None)
            if future is not None and not future.done():
                future.set_result(from_wire(Result, data.get("result")))
        elif kind == "debrief":
            future = self._pending.pop(data.get("id"), None)
            if future is not None and not future.done():
                future.set_result(from_wire(Debrief, data.get("debrief")))
        elif kind == "answer":
            future = self._pending.pop(data.get("id"), None)
            if future is not None and not future.done():
                future.set_result(("answer", data.get("value")))
        elif kind == "notice":
            self._deliver_notice(from_wire(Notice, data.get("notice")))
        elif kind == "catalog":
            self._catalog(data)

    def _apply(self, data: dict) -> Situation:
        fields = data.get("fields")
        if not isinstance(fields, dict):
            raise WireError("situation: fields expected")
        if data.get("full"):
            self._fields = {}
        for name, value in fields.items():
            if name in _HINTS:
                self._fields[name] = value
        return from_wire(Situation, self._fields)

    # -- the interface -------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self._title

    def targets(self, action: str) -> tuple[tuple[str, str], ...]:
        return self._targets.get(action, ())

    def poll(self) -> None:
        """The host runs the clock: nothing to do here."""

    async def _request(self, message: dict) -> Any:
        ws = self._ws
        if ws is None or ws.closed:
            return Result(False, str(message.get("op", "")), reason=tr("offline", self.lang))
        ident = next(self._ids)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        try:
            await ws.send_str(json.dumps({**message, "id": ident}, ensure_ascii=False))
            return await asyncio.wait_for(future, COMMAND_TIMEOUT)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError, aiohttp.ClientError):
            self._pending.pop(ident, None)
            return Result(False, str(message.get("op", "")), reason=tr("no-answer", self.lang))

    async def command(self, op: str, **args: Any) -> Result:
        result = await self._request({"type": "cmd", "op": op, "args": args})
        return result if isinstance(result, Result) else Result(False, op, reason=tr("no-answer", self.lang))

    async def debrief(self) -> Debrief:
        found = await self._request({"type": "debrief"})
        if isinstance(found, Debrief):
            return found
        sit = self.situation
        return Debrief(sit.t, sit.end_reason, (), (), sit.clocks, sit.feed, "", "", False, False, self._title)

    async def assess(self, action: str, target: str = "", count: int = 0) -> Result:
        found = await self._request({"type": "ask", "what": "assess", "action": action, "target": target, "count": count})
        if isinstance(found, tuple) and found[0] == "answer":
            return from_wire(Result, found[1])
        return found if isinstance(found, Result) else Result(False, action, reason=tr("no-answer", self.lang))

    async def refusals(self, action: str) -> dict[str, str]:
        found = await self._request({"type": "ask", "what": "refusals", "action": action})
        if isinstance(found, tuple) and found[0] == "answer" and isinstance(found[1], dict):
            return {str(k): str(v) for k, v in found[1].items()}
        return {}

    async def set_language(self, lang: str) -> None:
        self.lang = lang
        ws = self._ws
        if ws is not None and not ws.closed:
            await ws.send_str(json.dumps({"type": "lang", "lang": lang}))

    async def finish(self, sign_key: Any = None) -> None:
        """The facilitator closes the exercise: the host seals its journal (other seats: nothing)."""
        if self.seat.may("end"):
            await self.command("seal")

    def close(self) -> None:
        self._closing = True
        loop = asyncio.get_event_loop()
        if self._ws is not None and not self._ws.closed:
            loop.create_task(self._ws.close())
        if self._http is not None:
            loop.create_task(self._http.close())

    async def aclose(self) -> None:
        self._closing = True
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._reader is not None:
            try:
                await self._reader
            except asyncio.CancelledError:
                pass
        if self._http is not None:
            await self._http.close()


def _json(msg) -> dict | None:
    if msg.type != aiohttp.WSMsgType.TEXT:
        return None
    try:
        data = json.loads(msg.data)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _why(exc: BaseException, lang: str) -> str:
    """Why a host could not be reached, in the reader's language (not aiohttp's English)."""
    if isinstance(exc, asyncio.TimeoutError):
        return tr("why.timeout", lang)
    if isinstance(exc, aiohttp.ClientConnectorDNSError) or "Name or service not known" in str(exc):
        return tr("why.dns", lang)
    if isinstance(exc, (aiohttp.ClientConnectorError, ConnectionRefusedError)):
        return tr("why.refused", lang)
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return tr("why.not-a-host", lang)
    return tr("why.network", lang)


async def probe(url: str, code: str, name: str, lang: str) -> None:
    """Take the seat and leave at once: JoinRefused (one sentence) when the host says no or is
    unreachable, before any screen opens."""
    client = RemoteClient(url, code, name, lang)
    try:
        await client.connect()
    finally:
        await client.aclose()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


