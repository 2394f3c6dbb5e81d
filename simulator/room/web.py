"""Seats in a web browser: the same Textual app, served through textual-serve.

A tablet in the room opens the host's address, types its seat code (or follows the seat's
link) and gets the crisis-room UI, with nothing installed. Behind the page, the host starts
`cyberdrill join` for that browser (textual-serve's web driver) and that process takes the
seat over the room protocol on loopback, like any terminal would: one UI code base. The
code reaches the process in its environment, never on a command line.

Nothing leaves the room's network: the pages are our own (textual-serve's default page asks
Google for a font that ships in its static folder), and a Content-Security-Policy keeps the
browser on this host.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import sys
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import WSMsgType, web

from simulator.i18n import t as tr_raw
from simulator.room.codes import normalise

log = logging.getLogger("cyberdrill.room")

MAX_BROWSERS = 48
"""Browser seats served at once (each is a process of its own, ~60 MB)."""
MAX_FRAME = 64 * 1024
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")  # our own scripts (the page's CSP allows no inline script)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
CODE_ENV = "CYBERDRILL_JOIN_CODE"
LANG_ENV = "CYBERDRILL_JOIN_LANG"


def _static_folder() -> Path:
    import textual_serve

    return Path(textual_serve.__file__).with_name("static")


def tr(key: str, lang: str, **fields: object) -> str:
    return tr_raw("room.web." + key, lang, **fields)


def _app_service_class():
    """textual-serve's process manager, given the seat's code and language in the environment."""
    from textual_serve.app_service import AppService

    class SeatApp(AppService):
        def __init__(self, *args: Any, env: dict[str, str], **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.extra_env = env

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            environment = super()._build_environment(width=width, height=height)
            environment.update(self.extra_env)
            return environment

    return SeatApp


class WebSeats:
    """The browser side of a host: a join page, one page per seat, the terminal in it."""

    def __init__(self, host, lang: str = "fr") -> None:
        self.host = host
        self.lang = lang
        self.services: set[Any] = set()
        self._env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self._download_manager = None

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/join", self.join)
        app.router.add_get("/s/{code}", self.seat_page)
        app.router.add_get("/s/{code}/{lang}/ws", self.seat_ws)
        app.router.add_static("/static", _static_folder(), follow_symlinks=False)
        app.router.add_static("/room-static", STATIC, follow_symlinks=False)
        app.on_response_prepare.append(self._headers)

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.path.startswith("/s/"):
            response.headers.setdefault("Cache-Control", "no-store")

    def _lang(self, request: web.Request) -> str:
        lang = request.query.get("lang", "")
        return lang if lang in ("fr", "en") else self.lang

    def _texts(self, lang: str, *keys: str) -> dict[str, str]:
        return {k.replace("-", "_"): tr(k, lang) for k in keys}

    def _page(self, lang: str, error: str = "", status: int = 200) -> web.Response:
        session = self.host.session
        if session is None:
            raise web.HTTPServiceUnavailable(text=tr_raw("room.not-ready", lang))
        html = self._env.get_template("page.html").render(
            lang=lang, title="CyberDrill", scenario=session.ex.scenario.title.get(lang), error=error,
            t=self._texts(lang, "heading", "code", "enter", "note"),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)

    async def index(self, request: web.Request) -> web.Response:
        return self._page(self._lang(request))

    async def join(self, request: web.Request) -> web.Response:
        lang = self._lang(request)
        code = normalise(request.query.get("code", ""))
        if self.host.session is None:
            raise web.HTTPServiceUnavailable(text=tr_raw("room.not-ready", lang))
        if not code or self.host.codes.seat_for(code) is None or self.host.session.rec.sealed:
            await asyncio.sleep(0.5)
            return self._page(lang, tr("wrong-code", lang), status=404)
        raise web.HTTPSeeOther(f"/s/{code}?lang={lang}")

    async def seat_page(self, request: web.Request) -> web.Response:
        lang = self._lang(request)
        code = normalise(request.match_info["code"])
        if self.host.session is None:
            raise web.HTTPServiceUnavailable(text=tr_raw("room.not-ready", lang))
        if not code or self.host.codes.seat_for(code) is None or self.host.session.rec.sealed:
            await asyncio.sleep(0.5)
            return self._page(lang, tr("wrong-code", lang), status=404)
        scheme = "wss" if request.secure else "ws"
        html = self._env.get_template("seat.html").render(
            lang=lang, title=f"CyberDrill — {self.host.session.ex.scenario.title.get(lang)}",
            ws_url=f"{scheme}://{request.host}/s/{code}/{lang}/ws", font_size=_font_size(request),
            t=self._texts(lang, "waiting", "closed", "again"),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def seat_ws(self, request: web.Request) -> web.WebSocketResponse:
        code = normalise(request.match_info["code"])
        lang = request.match_info["lang"] if request.match_info["lang"] in ("fr", "en") else self.lang
        if self.host.codes is None or not code or self.host.codes.seat_for(code) is None:
            raise web.HTTPNotFound()
        if len(self.services) >= MAX_BROWSERS:
            raise web.HTTPServiceUnavailable(text=tr("full", lang))
        ws = web.WebSocketResponse(heartbeat=15.0, max_msg_size=MAX_FRAME)
        await ws.prepare(request)
        width, height = _size(request.query.get("width"), 80), _size(request.query.get("height"), 24)
        service = self._service(ws, code, lang)
        self.services.add(service)
        try:
            await service.start(width, height)
            await self._pump(ws, service)
        finally:
            self.services.discard(service)
            await service.stop()
            if not ws.closed:
                await ws.close()
        return ws

    def _service(self, ws: web.WebSocketResponse, code: str, lang: str):
        from textual_serve.download_manager import DownloadManager

        if self._download_manager is None:
            self._download_manager = DownloadManager()
        command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "simulator", "join", self.host.internal_url))
        env = {CODE_ENV: code, LANG_ENV: lang}
        return _app_service_class()(
            command, write_bytes=ws.send_bytes, write_str=ws.send_str, close=ws.close,
            download_manager=self._download_manager, env=env,
        )

    async def _pump(self, ws: web.WebSocketResponse, service) -> None:
        """The browser's keys and sizes to the app; anything else closes this browser's page only."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                return
            try:
                envelope = json.loads(message.data)
            except ValueError:
                return
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                return
            kind, payload = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(payload, str):
                await service.send_bytes(payload.encode("utf-8"))
            elif kind == "resize" and isinstance(payload, dict):
                await service.set_terminal_size(_size(payload.get("width"), 80), _size(payload.get("height"), 24))
            elif kind == "ping":
                await ws.send_json(["pong", payload if isinstance(payload, (str, int, float)) else ""])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def stop(self) -> None:
        for service in list(self.services):
            try:
                await asyncio.wait_for(service.stop(), 5.0)
            except (asyncio.TimeoutError, ProcessLookupError):
                process = getattr(service, "_process", None)
                if process is not None and process.returncode is None:
                    process.kill()


def _size(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(10, min(number, 500))


def _font_size(request: web.Request) -> int:
    try:
        size = int(request.query.get("fontsize", "16"))
    except ValueError:
        return 16
    return max(8, min(size, 40))

